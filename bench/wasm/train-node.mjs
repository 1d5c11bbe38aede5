// Training throughput of the single-threaded wasm build under Node (the node variant, built by
// NEURITE_WASM_VARIANTS=node bash scripts/build-wasm.sh), and the time to predict one digit. The
// page's figures come from the browser benchmark; this one needs no browser and shows kernel changes.
//   node bench/wasm/train-node.mjs [presets...]      (default: mlp cnn)
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

import { loadNeurite } from '../../bindings/neurite.mjs';
import { loadMnist, root } from '../../tests/js/helpers/mnist.mjs';

const modulePath = process.env.NEURITE_WASM_NODE || path.join(root, 'build/wasm/neurite-node.js');
if (!fs.existsSync(modulePath)) throw new Error(`${modulePath} is missing: NEURITE_WASM_VARIANTS=node bash scripts/build-wasm.sh`);
const require = createRequire(import.meta.url);
const nodeFetch = globalThis.fetch;
delete globalThis.fetch;  // Emscripten 3.1.6's loader would fetch() the .wasm path
const api = await loadNeurite({ moduleFactory: require(modulePath) }).finally(() => { globalThis.fetch = nodeFetch; });

const PIXELS = 28 * 28, SAMPLES = 6400, BATCH = 32, REPEATS = 5;
const mnist = loadMnist('train');
const settings = {  // batches per timed run, after as many warm-up batches (V8 tiers hot code up)
  mlp: { batches: 100, shape: [SAMPLES, 28, 28] },
  cnn: { batches: 10, shape: [SAMPLES, 28, 28, 1] },
};

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

// run() never passes an epoch's end and reports the batch reached within the epoch.
function samplesPerSecond(session, batches) {
  const start = performance.now();
  for (let done = 0; done < batches;) {
    const progress = session.run(batches - done);
    done += progress.batch - (session.batchInEpoch ?? 0);
    session.batchInEpoch = progress.epochEnded ? 0 : progress.batch;
  }
  return (batches * BATCH) / ((performance.now() - start) / 1000);
}

function trainRate(preset) {
  const { batches, shape } = settings[preset];
  const model = api.createModel({ preset, seed: 1 });
  const data = api.createDataset(mnist.images.subarray(0, SAMPLES * PIXELS), shape, mnist.labels.subarray(0, SAMPLES));
  const session = model.fit(data, { epochs: 1000, batchSize: BATCH });
  samplesPerSecond(session, batches);
  const rates = Array.from({ length: REPEATS }, () => samplesPerSecond(session, batches));
  const pixels = mnist.images.subarray(0, PIXELS);
  const predictMs = (() => {
    for (let i = 0; i < 50; ++i) model.predict(pixels, 1);
    const calls = 500, start = performance.now();
    for (let i = 0; i < calls; ++i) model.predict(pixels, 1);
    return (performance.now() - start) / calls;
  })();
  session.dispose?.();
  return { rate: median(rates), rates, predictMs };
}

console.log(`wasm (node variant, ${api.buildInfo().simd}), batch ${BATCH}, median of ${REPEATS} runs`);
for (const preset of process.argv.slice(2).length ? process.argv.slice(2) : ['mlp', 'cnn']) {
  const { rate, rates, predictMs } = trainRate(preset);
  console.log(`${preset.padEnd(6)} ${rate.toFixed(0).padStart(8)} samples/s   (runs: ${rates.map((r) => r.toFixed(0)).join(', ')})` +
              `   predict one digit: ${predictMs.toFixed(3)} ms`);
}
