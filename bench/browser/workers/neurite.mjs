// Neurite's engine Worker: a module Worker, as the library's own (web/lib/worker.js) is.
import { serve } from '../harness.mjs';
import { createNeurite } from '../engines/neurite.mjs';

serve(createNeurite);
