// jax-js's engine Worker: a module Worker, since jax-js ships ES modules with relative imports only.
import { serve } from '../harness.mjs';
import { createJaxJs } from '../engines/jax-js.mjs';

serve(createJaxJs);
