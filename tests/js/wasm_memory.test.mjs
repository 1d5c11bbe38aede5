// A data set larger than the wasm module's memory may grow to (2 GB here, with memory growth): an
// error that says so, with both sizes, instead of an abort; the engine goes on working. In a file of
// its own, as the module keeps the memory it grew to.
//   bash scripts/build-wasm.sh && node --test tests/js/wasm_memory.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

import { loadNeurite } from '../../bindings/neurite.mjs';
import { root } from './helpers/mnist.mjs';

const modulePath = process.env.NEURITE_WASM_NODE || path.join(root, 'build/wasm/neurite-node.js');
assert.ok(fs.existsSync(modulePath), `${modulePath} is missing: build it first (bash scripts/build-wasm.sh)`);
const require = createRequire(import.meta.url);
const nodeFetch = globalThis.fetch;
delete globalThis.fetch;  // as in wasm.test.mjs: Emscripten 3.1.6 would fetch() the .wasm path
const api = await loadNeurite({ moduleFactory: require(modulePath) }).finally(() => { globalThis.fetch = nodeFetch; });

test('wasm_memory.a_set_too_large_for_the_memory_is_an_error_with_its_sizes', () => {
  const n = 1_500_000;  // 1,122 MB of 28×28 images: one copy fits, a second does not
  const images = new Uint8Array(n * 784);
  const first = api.createSamples(images, [n, 28, 28], { divisor: 255 });
  assert.throws(() => api.createSamples(images, [n, 28, 28], { divisor: 255 }),
    /^Error: the engine ran out of memory: its WebAssembly memory cannot grow any further here: these 1,500,000 examples need 1,122 MB on top of the \d{1,3}(,\d{3})* MB it holds; train on fewer examples$/);
  first.dispose();
  // the freed memory is there again, and the engine still works
  const again = api.createSamples(images.subarray(0, 1000 * 784), [1000, 28, 28], { divisor: 255 });
  assert.equal(again.size, 1000);
  again.dispose();
});
