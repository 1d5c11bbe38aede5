// The page's state machine (web/state.js) and message checks (web/protocol.js), without a browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Phase, eta, initialState, next, plainError } from '../../web/state.js';
import { ToWorker, trainRequest } from '../../web/protocol.js';
import { checkRows, rowsFromTopology, topologyFromRows } from '../../web/ui/layer-editor.js';

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

test('protocol.train_request_checks_settings', () => {
  const ok = { model: { preset: 'mlp' }, optimizer: 'adam', learningRate: 0.001, epochs: 1, batchSize: 32, validation: 'test', seed: 1 };
  const msg = trainRequest(ok);
  assert.equal(msg.type, ToWorker.TRAIN);
  assert.deepEqual(msg.fit, { epochs: 1, batchSize: 32, validation: 'test', validationSplit: 0, seed: 1, trainLimit: undefined });
  assert.throws(() => trainRequest({ ...ok, learningRate: -1 }), /learning rate must be a positive number/);
  assert.throws(() => trainRequest({ ...ok, epochs: 1.5 }), /epochs must be a whole number/);
  assert.throws(() => trainRequest({ ...ok, validation: 'split', validationSplit: 1 }), /validation split must be between 0 and 1/);
  assert.throws(() => trainRequest({ ...ok, optimizer: 'lbfgs' }), /optimizer must be one of adam, sgd, rmsprop/);
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
  assert.equal(rows.length, 4);
  assert.deepEqual(topologyFromRows(rows, [28, 28]), topology);
  assert.equal(checkRows(rows), null);
  assert.match(checkRows([{ type: 'Dense', units: 64, activation: 'relu' }]), /last Dense layer needs 10 units, one per class \(it has 64\)/);
  assert.match(checkRows([{ type: 'Dropout', rate: 0.5 }]), /at least one Dense layer/);
  assert.match(checkRows([{ type: 'Dense', units: 0 }]), /layer 2 \(Dense\) needs a whole number of units/);
});
