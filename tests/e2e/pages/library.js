// Hands the library to the browser test (tests/e2e/library.test.mjs), as a learner's script has it.
import * as nn from '/neurite.js';

window.nn = nn;
document.body.dataset.ready = 'true';
