// Neurite through its JavaScript library: this Worker imports dist/neurite.js as a learner's script
// would, and the library starts its own Worker for the core.
import { serve } from '../harness.mjs';
import { createNeuriteLibrary } from '../engines/neurite-lib.mjs';

serve(createNeuriteLibrary);
