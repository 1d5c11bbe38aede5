// The wasm module through its JS facade (bindings/neurite.mjs), in Node: presets, training the mlp
// preset on MNIST in chunks of batches, predict, save/load, and C++ errors arriving as JS Errors.
//   bash scripts/build-wasm.sh && node --test tests/js/
// (Emscripten 3.1.6's loader fetch()es the .wasm path whenever Node has fetch: fetch is hidden while
// the module loads, as `node --no-experimental-fetch` would, so the other tests keep theirs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

import { loadNeurite } from '../../bindings/neurite.mjs';
import { loadMnist, root } from './helpers/mnist.mjs';

const modulePath = process.env.NEURITE_WASM_NODE || path.join(root, 'build/wasm/neurite-node.js');
assert.ok(fs.existsSync(modulePath), `${modulePath} is missing: build it first (bash scripts/build-wasm.sh)`);
const require = createRequire(import.meta.url);
const nodeFetch = globalThis.fetch;
delete globalThis.fetch;
const api = await loadNeurite({ moduleFactory: require(modulePath) }).finally(() => { globalThis.fetch = nodeFetch; });

const PIXELS = 28 * 28;
const mnist = loadMnist('train');
const images = (begin, end) => mnist.images.subarray(begin * PIXELS, end * PIXELS);
const labels = (begin, end) => mnist.labels.subarray(begin, end);

// The mlp preset trained for one epoch on the first 2000 training images (shared by the tests below).
const trained = (() => {
  const model = api.createModel({ preset: 'mlp', seed: 1 });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', fromLogits: true });
  const train = api.createDataset(images(0, 2000), [2000, 28, 28], labels(0, 2000));
  const heldOut = api.createDataset(images(2000, 3000), [1000, 28, 28], labels(2000, 3000));
  return { model, train, heldOut };
})();

test('presets lists the tutorial networks with descriptions', () => {
  const presets = api.presets();
  assert.ok(presets.length >= 1);
  const mlp = presets.find((p) => p.name === 'mlp');
  assert.ok(mlp, `no mlp preset in ${JSON.stringify(presets)}`);
  assert.match(mlp.description, /Dense 128/);
  assert.equal(api.buildInfo().simd, 'wasm', 'the module is built with SIMD128 kernels');
});

test('a preset model reports its layers, shapes, summary and topology', () => {
  const { model } = trained;
  assert.deepEqual(model.inputShape, [28, 28]);
  assert.deepEqual(model.outputShape, [10]);
  assert.equal(model.params, 784 * 128 + 128 + 128 * 10 + 10);
  assert.deepEqual(model.layers().map((l) => [l.className, l.outputShape, l.params]), [
    ['Flatten', [784], 0], ['Dense', [128], 100480], ['Dropout', [128], 0], ['Dense', [10], 1290]]);
  assert.match(model.summary(), /Total params: 101770/);
  assert.equal(model.topology().class_name, 'Sequential');
  assert.deepEqual(model.compiled, { optimizer: 'adam', learningRate: 0.001, loss: 'sparse_categorical_crossentropy',
    fromLogits: true, labelSmoothing: 0, metrics: ['accuracy'], optimizerConfig: { class_name: 'Adam', config: {
      learning_rate: 0.001, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false,
      weight_decay: null, clipnorm: null, clipvalue: null, global_clipnorm: null } } });
});

test('mlp trains for an epoch in chunks of 10 batches: the loss falls, accuracy > 0.8', () => {
  const { model, train, heldOut } = trained;
  assert.equal(train.size, 2000);
  const before = model.evaluate(heldOut);
  const session = model.fit(train, { epochs: 1, batchSize: 32 });
  assert.equal(session.batchesPerEpoch, 63);
  const chunks = [];
  let progress;
  do {
    progress = session.run(10);
    chunks.push(progress);
  } while (!progress.finished);
  assert.deepEqual(chunks.map((p) => p.batch), [10, 20, 30, 40, 50, 60, 63]);
  assert.ok(chunks.every((p) => p.epoch === 0 && p.batchesPerEpoch === 63));
  assert.ok(progress.epochEnded && progress.finished);
  // running means over the epoch: the first 10 batches' loss is well above the epoch's
  assert.ok(progress.logs.loss < chunks[0].logs.loss, `epoch loss ${progress.logs.loss} vs first chunk ${chunks[0].logs.loss}`);
  const history = session.history();
  assert.deepEqual(Object.keys(history).sort(), ['accuracy', 'loss']);
  assert.equal(history.loss.length, 1);
  assert.throws(() => session.run(1), { name: 'Error', message: /training has finished/ });
  session.dispose();

  const after = model.evaluate(heldOut);
  assert.ok(after.loss < before.loss / 2, `held-out loss ${before.loss} -> ${after.loss}`);
  assert.ok(after.accuracy > 0.8, `held-out accuracy ${after.accuracy}`);

  const confusion = model.confusion(heldOut);
  assert.equal(confusion.matrix.length, 10);
  assert.equal(confusion.matrix.flat().reduce((a, b) => a + b, 0), 1000);
  assert.ok(Math.abs(confusion.accuracy - after.accuracy) < 1e-9);
  assert.equal(confusion.f1.length, 10);
});

test('predict returns 10 finite numbers per image, bytes and floats alike', () => {
  const { model } = trained;
  const pixels = images(3000, 3005);
  const out = model.predict(pixels, 5);
  assert.ok(out instanceof Float32Array);
  assert.equal(out.length, 50);
  assert.ok(out.every(Number.isFinite));
  const floats = Float32Array.from(pixels, (v) => v / 255);
  const outFloats = model.predict(floats, 5);
  for (let i = 0; i < out.length; ++i) assert.ok(Math.abs(out[i] - outFloats[i]) < 1e-5);
});

test('save then load predicts identically and keeps the compile settings', () => {
  const { model } = trained;
  const { modelJson, weights } = model.save();
  assert.equal(modelJson.format, 'layers-model');
  assert.ok(weights instanceof ArrayBuffer);
  assert.equal(weights.byteLength, 101770 * 4);
  const loaded = api.loadModel(modelJson, weights);
  try {
    const pixels = images(3000, 3020);
    assert.deepEqual(loaded.predict(pixels, 20), model.predict(pixels, 20));
    assert.deepEqual(loaded.compiled, model.compiled);
    // a topology alone gives a fresh, untrained model of the same shape
    const fresh = api.createModel({ topology: model.topology(), seed: 3 });
    assert.deepEqual(fresh.layers(), model.layers());
    fresh.dispose();
  } finally {
    loaded.dispose();
  }
});

test('C++ failures reject with an Error naming the problem', () => {
  const { model, train } = trained;
  const { modelJson, weights } = model.save();
  const fails = (fn, message) => assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, `not an Error: ${e}`);
    assert.match(e.message, message);
    return true;
  });
  fails(() => api.createModel({ preset: 'resnet' }), /unknown preset 'resnet' \(known: mlp/);
  fails(() => api.loadModel('{"format": "layers-model", ', weights), /model\.json: invalid JSON/);
  fails(() => api.loadModel(modelJson, weights.slice(0, 1000)), /weight data has 1000 bytes/);
  const renamed = structuredClone(modelJson);
  renamed.modelTopology.config.layers[1].class_name = 'Dense3D';
  fails(() => api.loadModel(renamed, weights), /Dense3D/);
  fails(() => model.predict(new Float32Array(783), 1), /predict: expected 1 × 28 × 28 = 784 values, got 783/);
  fails(() => api.createDataset(images(0, 10), [10, 28, 28], labels(0, 9)), /dataset labels: expected 10 = 10 values, got 9/);
  fails(() => train.slice(5, 2001), /slice \[5, 2001\) of a set of 2000 samples/);
  const other = api.createModel({ preset: 'mlp', seed: 2 });
  fails(() => other.compile({ loss: 'hinge' }), /hinge/);
  fails(() => other.compile({ optimizer: 'adagrad', loss: 'mse' }), /adagrad/);
  // categorical losses get one-hot targets as wide as the output; the labels must fit
  other.compile({ loss: 'categorical_crossentropy', fromLogits: true });
  const small = train.slice(0, 64);
  assert.ok(Number.isFinite(other.evaluate(small).loss));
  other.dispose();
  fails(() => other.summary(), /disposed/);
  small.dispose();
  // the module still works after all of these
  assert.ok(api.presets().length >= 1);
  assert.equal(model.predict(images(0, 1), 1).length, 10);
});

test('sessions: validation data, stop, and dispose with the model', () => {
  const model = api.createModel({ preset: 'mlp-64-32', seed: 4 });
  const train = api.createDataset(images(0, 256), [256, 28, 28], labels(0, 256));
  const validation = trained.heldOut.slice(0, 100);
  const session = model.fit(train, { epochs: 3, batchSize: 64, validation });
  const first = session.run(100);
  assert.ok(first.epochEnded && !first.finished);
  assert.ok('val_loss' in first.logs && 'val_accuracy' in first.logs, JSON.stringify(first.logs));
  session.run(1);
  session.stop();
  const last = session.run(1);
  assert.ok(last.finished);
  assert.deepEqual(Object.keys(session.history()).sort(), ['accuracy', 'loss', 'val_accuracy', 'val_loss']);
  assert.equal(session.history().loss.length, 2);
  // a split holds out the last samples
  const split = model.fit(train, { epochs: 1, batchSize: 32, validationSplit: 0.25 });
  assert.equal(split.trainSize, 192);
  model.dispose();  // disposes its sessions too
  assert.throws(() => split.run(1), /disposed/);
  assert.throws(() => session.history(), /disposed/);
  validation.dispose();
  train.dispose();
});

test('a cnn sees: the first Conv2D\'s filters and the feature maps of one image, after training on [n, 28, 28, 1]', () => {
  const model = api.createModel({ preset: 'cnn', seed: 5 });
  assert.deepEqual(model.inputShape, [28, 28, 1]);
  assert.deepEqual(model.layers().map((l) => l.className), ['Conv2D', 'MaxPooling2D', 'Flatten', 'Dense']);
  // the tutorial's x_train[..., tf.newaxis]: the same bytes with a channel axis
  const train = api.createDataset(images(0, 512), [512, 28, 28, 1], labels(0, 512));
  const session = model.fit(train, { epochs: 1, batchSize: 32 });
  while (!session.run(8).finished);
  session.dispose();

  const [kernel, bias] = model.layerWeights(0);
  assert.equal(kernel.name, 'kernel');
  assert.deepEqual(kernel.shape, [3, 3, 1, 64]);
  assert.deepEqual(bias.shape, [64]);
  assert.deepEqual(model.layerWeights(1), [], 'MaxPooling2D has no weights');

  const pixels = Float32Array.from(images(3000, 3001), (v) => v / 255);
  const maps = model.layerOutput(pixels, 0);
  assert.deepEqual(maps.shape, [1, 26, 26, 64]);
  // one value by hand: relu(bias + sum of the 3x3 window times the kernel), NHWC and [kh, kw, in, out]
  const [r, c, f] = [12, 9, 7];
  let sum = bias.values[f];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) sum += kernel.values[(i * 3 + j) * 64 + f] * pixels[(r + i) * 28 + c + j];
  assert.ok(Math.abs(maps.values[(r * 26 + c) * 64 + f] - Math.max(0, sum)) < 1e-5);
  assert.ok(maps.values.some((v) => v > 0) && maps.values.every((v) => v >= 0), 'relu feature maps');

  const pooled = model.layerOutput(pixels, 1);
  assert.deepEqual(pooled.shape, [1, 13, 13, 64]);
  const last = model.layerOutput(pixels, 3);
  const predicted = model.predict(pixels, 1);
  for (let k = 0; k < 10; k++) assert.ok(Math.abs(last.values[k] - predicted[k]) < 1e-6);

  assert.throws(() => model.layerOutput(pixels, 4), { name: 'Error', message: /layer index 4 is out of range: the model has 4 layers/ });
  assert.throws(() => model.layerOutput(pixels.subarray(0, 700), 0), /layerOutput: expected 1 × 28 × 28 × 1 = 784 values, got 700/);
  assert.throws(() => model.layerOutput(pixels, -1), RangeError);
  // a Conv2D after Flatten cannot be built: the core says why, in words
  const flatFirst = { class_name: 'Sequential', config: { name: 'sequential', layers: [
    { class_name: 'Flatten', config: { batch_input_shape: [null, 28, 28] } },
    { class_name: 'Conv2D', config: { filters: 8, kernel_size: [3, 3], activation: 'relu' } },
  ] } };
  assert.throws(() => api.createModel({ topology: flatFirst }), /needs images of shape \(height, width, channels\), got \(None, 784\)/);
  model.dispose();
  train.dispose();
});
