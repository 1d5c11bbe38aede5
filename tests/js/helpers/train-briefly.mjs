// Trains the mlp preset for 20 batches with one wasm build and prints what the relaxed-SIMD test
// compares, as JSON: whether this Node validates relaxed SIMD, the build's info, the loss after each
// batch and the outputs for 100 test images.
//   node [--experimental-wasm-relaxed-simd] tests/js/helpers/train-briefly.mjs build/wasm/neurite-node[-relaxed].js
import { createRequire } from 'node:module';
import path from 'node:path';

import { loadNeurite, relaxedSimdSupported } from '../../../bindings/neurite.mjs';
import { loadMnist } from './mnist.mjs';

const BATCHES = 20, BATCH = 32, PROBES = 100, PIXELS = 28 * 28;
const relaxedSupported = relaxedSimdSupported();
// Emscripten 3.1.6's loader fetch()es its .wasm path whenever fetch exists
delete globalThis.fetch;
const api = await loadNeurite({ moduleFactory: createRequire(import.meta.url)(path.resolve(process.argv[2])) });

const train = loadMnist('train'), test = loadMnist('t10k');
const n = BATCHES * BATCH;
const model = api.createModel({ preset: 'mlp', seed: 1 });
model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', fromLogits: true });
const data = api.createDataset(train.images.subarray(0, n * PIXELS), [n, 28, 28], train.labels.subarray(0, n));
const session = model.fit(data, { epochs: 1, batchSize: BATCH, shuffle: false });
const losses = [];
for (let b = 0; b < BATCHES; b++) losses.push(session.run(1).logs.loss);
const outputs = Array.from(model.predict(test.images.subarray(0, PROBES * PIXELS), PROBES));
console.log(JSON.stringify({ relaxedSupported, build: api.buildInfo(), losses, outputs }));
