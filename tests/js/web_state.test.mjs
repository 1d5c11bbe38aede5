// The page's state machine (web/state.js) and settings checks (web/settings.js), without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Phase, eta, initialState, next, plainError } from '../../web/state.js';
import { checkSettings, optimizerConfig, recipeLoss, recipeSettings } from '../../web/settings.js';
import { milestonesText } from '../../web/ui/training-view.js';
import { checkRows, explainProblem, inputShapeFor, rowsFromTopology, topologyFromRows } from '../../web/ui/layer-editor.js';

const run = (events, s = initialState()) => events.reduce(next, s);

test('state.happy_path', () => {
  const s = run([
    { type: 'engine-ready', threaded: true, cores: 2, presets: [] },
    { type: 'load-start', source: 'mnist' },
    { type: 'data-progress', loaded: 5, total: 10 },
  ]);
  assert.equal(s.phase, Phase.LOADING);
  assert.deepEqual(s.loading, { source: 'mnist', loaded: 5, total: 10 });
  const t = run([
    { type: 'data-loaded', source: 'mnist', trainSize: 60000, testSize: 10000, imageShape: [28, 28], classes: 10 },
    { type: 'train-requested' },
    { type: 'train-started', epochs: 2, batchesPerEpoch: 100, trainSize: 3200, now: 0 },
    { type: 'train-progress', epoch: 0, batch: 50, batchesPerEpoch: 100 },
  ], s);
  assert.equal(t.phase, Phase.TRAINING);
  assert.equal(t.hasModel, true);
  assert.equal(eta(t.training, 1000), 3000); // 50 batches took 1 s, 150 to go
  const p = run([{ type: 'train-paused', now: 1000 }], t);
  assert.equal(p.phase, Phase.PAUSED);
  assert.equal(eta(p.training, 99999), 3000, 'paused time does not count');
  const d = run([{ type: 'train-resumed', now: 5000 }, { type: 'train-done', stopped: false, now: 6000 }], p);
  assert.equal(d.phase, Phase.DONE);
  assert.equal(d.training.activeMs, 2000);
});

test('state.side_errors_keep_the_phase', () => {
  const s = run([{ type: 'train-requested' }, { type: 'train-started', epochs: 1, batchesPerEpoch: 1, trainSize: 1, now: 0 }]);
  const bad = next(s, { type: 'error', during: 'load-model', message: 'weights: expected 401920 floats, found 3' });
  assert.equal(bad.phase, Phase.TRAINING);
  assert.match(bad.alert.text, /That model could not be loaded: weights: expected/);
  const diverged = next(s, { type: 'error', during: 'train', message: 'batch 7: training diverged (try a lower learning rate)' });
  assert.equal(diverged.phase, Phase.ERROR);
  assert.match(diverged.alert.text, /diverged.*lower learning rate/);
  assert.equal(plainError('train', 'Error: the loss became -nan: training diverged (try a lower learning rate); '
    + 'the weights from before this batch are kept'), 'Training stopped: the loss became not a number, so the training '
    + 'diverged. Try a lower learning rate.');
});

test('state.crash_forgets_the_data', () => {
  const s = run([{ type: 'data-loaded', source: 'mnist', trainSize: 1, testSize: 1, imageShape: [28, 28], classes: 10 },
    { type: 'engine-crashed', reason: 'boom', restarted: true }]);
  assert.equal(s.phase, Phase.ERROR);
  assert.equal(s.data, null);
  assert.match(s.alert.text, /crashed \(boom\).*restarted/);
  assert.throws(() => next(s, { type: 'nonsense' }), /unknown page event 'nonsense'/);
  assert.match(plainError('init', 'Error: x'), /could not start: x$/);
});

test('settings.checks_what_a_learner_typed', () => {
  const ok = { optimizer: 'adam', optimizers: ['sgd', 'adam', 'rmsprop'], learningRate: 0.001, epochs: 1, batchSize: 32, validation: 'test', seed: 1 };
  assert.deepEqual(checkSettings(ok), { optimizer: 'adam', learningRate: 0.001, schedule: 'constant', earlyStopping: false,
    epochs: 1, batchSize: 32, validation: 'test', validationSplit: 0, seed: 1, trainLimit: undefined });
  assert.equal(checkSettings({ ...ok, schedule: 'onecycle', earlyStopping: 'on' }).earlyStopping, true);
  assert.throws(() => checkSettings({ ...ok, schedule: 'warm' }), /the schedule must be one of constant, onecycle, cosine/);
  assert.throws(() => checkSettings({ ...ok, learningRate: -1 }), /learning rate must be a positive number/);
  assert.throws(() => checkSettings({ ...ok, epochs: 1.5 }), /epochs must be a whole number/);
  assert.throws(() => checkSettings({ ...ok, validation: 'split', validationSplit: 1 }), /validation split must be between 0 and 1/);
  assert.throws(() => checkSettings({ ...ok, optimizer: 'lbfgs' }), /optimizer must be one of sgd, adam, rmsprop/);
});

test('layer_editor.round_trip_and_checks', () => {
  const topology = { class_name: 'Sequential', config: { name: 'sequential', layers: [
    { class_name: 'Flatten', config: { batch_input_shape: [null, 28, 28] } },
    { class_name: 'Dense', config: { units: 128, activation: 'relu' } },
    { class_name: 'Dropout', config: { rate: 0.2 } },
    { class_name: 'Dense', config: { units: 10, activation: 'linear' } },
    { class_name: 'Activation', config: { activation: 'softmax' } },
  ] } };
  const rows = rowsFromTopology(topology);
  assert.equal(rows.length, 5);
  assert.deepEqual(rows[0], { type: 'Flatten' });
  assert.deepEqual(topologyFromRows(rows, [28, 28]), topology);
  assert.equal(checkRows(rows), null);
  assert.match(checkRows([{ type: 'Dense', units: 64, activation: 'relu' }]), /last Dense layer needs 10 units, one per class \(it has 64\)/);
  assert.match(checkRows([{ type: 'Dropout', rate: 0.5 }]), /at least one Dense layer/);
  assert.match(checkRows([{ type: 'Flatten' }, { type: 'Dense', units: 0 }]), /layer 2 \(Dense\) needs a whole number of units/);
});

test('layer_editor.conv_layers_round_trip_and_a_conv_first_stack_takes_one_channel', () => {
  // what the cnn preset's topology says (Keras writes sizes as pairs)
  const topology = { class_name: 'Sequential', config: { name: 'sequential', layers: [
    { class_name: 'Conv2D', config: { batch_input_shape: [null, 28, 28, 1], filters: 64, kernel_size: [3, 3], strides: [1, 1],
      padding: 'valid', activation: 'relu' } },
    { class_name: 'MaxPooling2D', config: { pool_size: [2, 2], strides: [2, 2], padding: 'valid' } },
    { class_name: 'Flatten', config: {} },
    { class_name: 'Dense', config: { units: 10, activation: 'softmax' } },
  ] } };
  const rows = rowsFromTopology(topology);
  assert.deepEqual(rows.slice(0, 2), [
    { type: 'Conv2D', filters: 64, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu' },
    { type: 'MaxPooling2D', poolSize: 2, strides: 2 }]);
  assert.deepEqual(topologyFromRows(rows, [28, 28]), topology);
  assert.equal(checkRows(rows), null);
  assert.deepEqual(inputShapeFor(rows, [28, 28]), [28, 28, 1]);
  assert.deepEqual(inputShapeFor([{ type: 'Flatten' }], [28, 28]), [28, 28]);
  // an AveragePooling2D first also gets the channel axis
  const pooled = topologyFromRows([{ type: 'AveragePooling2D', poolSize: 2, strides: 2 }, ...rows.slice(2)], [28, 28]);
  assert.deepEqual(pooled.config.layers[0].config.batch_input_shape, [null, 28, 28, 1]);
  // a layer without a form (the fast preset's Rescaling) is kept as written, and its input shape stands
  const rescaled = rowsFromTopology({ config: { layers: [
    { class_name: 'Rescaling', config: { batch_input_shape: [null, 28, 28, 1], scale: 2, offset: -1 } }, topology.config.layers[0]] } });
  assert.deepEqual(inputShapeFor(rescaled, [28, 28]), [28, 28, 1]);
  assert.deepEqual(topologyFromRows(rescaled, [28, 28]).config.layers[0],
    { class_name: 'Rescaling', config: { batch_input_shape: [null, 28, 28, 1], scale: 2, offset: -1 } });
  assert.match(checkRows([{ ...rows[0], filters: 0 }, ...rows.slice(1)]), /layer 1 \(Conv2D\) needs a whole number of filters/);
  assert.match(checkRows([rows[0], { ...rows[1], poolSize: 1.5 }, ...rows.slice(2)]), /layer 2 \(MaxPooling2D\) needs a pool size/);
});

test('layer_editor.explains_the_core_message_with_layer_numbers', () => {
  const rows = [{ type: 'Conv2D' }, { type: 'MaxPooling2D' }, { type: 'Flatten' }, { type: 'Dense' }, { type: 'Conv2D' }];
  const text = explainProblem("Conv2D 'conv2d_1' needs images of shape (height, width, channels), got (None, 10)", rows);
  assert.match(text, /^layer 5 \(Conv2D\) needs images of shape \(height, width, channels\), got \(None, 10\)\. /);
  assert.match(text, /put them before Flatten and Dense/);
  assert.match(explainProblem("MaxPooling2D 'max_pooling2d' needs images", rows), /^layer 2 \(MaxPooling2D\)/);
  assert.equal(explainProblem('the last Dense layer needs 10 units', rows), 'the last Dense layer needs 10 units');
});

test('settings.a_schedule_and_a_recipe_become_keras_optimizer_configs', () => {
  const recipe = { class_name: 'Adam', config: { beta_1: 0.7, beta_2: 0.9, learning_rate: { class_name: 'OneCycle', config: { max_learning_rate: 0.01 } } } };
  assert.deepEqual(recipeSettings({ optimizer: recipe, epochs: 1, batchSize: 256 }),
    { optimizer: 'adam', learningRate: 0.01, schedule: 'onecycle', epochs: 1, batchSize: 256 });
  // the recipe's betas stay while its optimizer is chosen; the page's rate and schedule replace its own
  assert.deepEqual(optimizerConfig({ optimizer: 'adam', learningRate: 0.02, schedule: 'onecycle' }, { recipe }),
    { class_name: 'Adam', config: { beta_1: 0.7, beta_2: 0.9, learning_rate: { class_name: 'OneCycle', config: { max_learning_rate: 0.02 } } } });
  assert.deepEqual(optimizerConfig({ optimizer: 'sgd', learningRate: 0.1, schedule: 'cosine' }, { steps: 500, recipe }),
    { class_name: 'SGD', config: { learning_rate: { class_name: 'CosineDecay', config: { initial_learning_rate: 0.1, decay_steps: 500 } } } });
  assert.deepEqual(optimizerConfig({ optimizer: 'adamw', learningRate: 0.001, schedule: 'constant' }),
    { class_name: 'AdamW', config: { learning_rate: 0.001 } });
});

test('settings.a_recipe_keeps_its_label_smoothing_while_the_output_fits_its_loss', () => {
  const recipe = { loss: 'sparse_categorical_crossentropy', fromLogits: true, labelSmoothing: 0.1 };
  const ending = (activation) => ({ config: { layers: [{ class_name: 'Flatten' }, { class_name: 'Dense', config: { units: 10, activation } }] } });
  assert.deepEqual(recipeLoss(recipe, ending('linear')), { name: 'sparse_categorical_crossentropy', fromLogits: true, labelSmoothing: 0.1 });
  assert.equal(recipeLoss(recipe, ending('softmax')), null, 'a softmax output no longer gives logits: the implied loss');
  assert.equal(recipeLoss({ ...recipe, labelSmoothing: 0 }, ending('linear')), null);
  assert.equal(recipeLoss(null, ending('linear')), null);
});

test('training_view.milestones_say_when_each_accuracy_was_first_reached', () => {
  assert.equal(milestonesText([]), '');
  const text = milestonesText([{ threshold: 0.98, accuracy: 0.981, seconds: 6.04, epoch: 0, batch: 120 },
    { threshold: 0.99, accuracy: 0.9905, seconds: 14.2, epoch: 0, batch: 201 }]);
  assert.match(text, /^98 % after 6\.0 s \(epoch 1, batch 120\) · 99 % after 14\.2 s \(epoch 1, batch 201\)/);
  assert.match(text, /2.000 test images/);
  const s = next(next(initialState(), { type: 'train-started', epochs: 1, batchesPerEpoch: 10, trainSize: 100, now: 0 }),
    { type: 'milestone', milestone: { threshold: 0.98 } });
  assert.deepEqual(s.training?.milestones, [{ threshold: 0.98 }]);
});

test('state.checkpoint_offer_and_a_resumed_training', () => {
  const offered = run([
    { type: 'engine-ready', threaded: true, cores: 2, presets: [] },
    { type: 'checkpoint-found', checkpoint: { epoch: 2, batch: 0, epochs: 4, savedAt: 1, source: 'mnist', model: 'lenet' } },
  ]);
  assert.equal(offered.resumable.epoch, 2);
  assert.equal(run([{ type: 'checkpoint-discarded' }], offered).resumable, null);
  // resuming: the counters (and so the ETA) go on from the checkpoint, and the offer goes away
  const resumed = run([
    { type: 'data-loaded', source: 'mnist', trainSize: 60000, testSize: 10000, imageShape: [28, 28], classes: 10 },
    { type: 'train-requested' },
    { type: 'train-started', epochs: 4, batchesPerEpoch: 100, trainSize: 3200, now: 0,
      resumed: { epoch: 2, batch: 0, done: 200, activeMs: 4000, logs: { loss: 0.1 } } },
  ], offered);
  assert.equal(resumed.resumable, null);
  assert.equal(resumed.training.done, 200);
  assert.deepEqual(resumed.training.logs, { loss: 0.1 });
  assert.equal(eta(resumed.training, 0), 4000, '200 batches took 4 s, 200 to go');
});
