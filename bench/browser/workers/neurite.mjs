// Neurite's engine Worker: a module Worker, as the page's own (web/worker.js) is.
import { serve } from '../harness.mjs';
import { createNeurite } from '../engines/neurite.mjs';

serve(createNeurite);
