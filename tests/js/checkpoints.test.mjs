// nn.checkpoints and fit's checkpoint / resumeFrom in Node 20 (IndexedDB from fake-indexeddb, the
// browser's API in memory): a fit stopped mid-epoch and resumed in a fresh model ends with the
// weights of an uninterrupted fit, bit for bit; a finished fit deletes its checkpoint; a checkpoint
// of another network is refused.
//   bash scripts/build.sh && node --test tests/js/checkpoints.test.mjs
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { root } from './helpers/mnist.mjs';

const nn = await import(path.join(root, 'dist/neurite.js'));
const mnist = await nn.datasets.mnist.load();
const x = mnist.xTrain.slice([0], [3000]).div(255);
const y = mnist.yTrain.slice([0], [3000]);

// Dropout and a shuffle (random draws), Adam under a one-cycle schedule (state per step)
function mlp(seed) {
  const model = nn.sequential({ seed, layers: [
    nn.layers.flatten({ inputShape: [28, 28] }),
    nn.layers.dense({ units: 32, activation: 'relu' }),
    nn.layers.dropout({ rate: 0.2 }),
    nn.layers.dense({ units: 10, activation: 'softmax' }),
  ] });
  model.compile({ optimizer: nn.train.adam(nn.schedules.oneCycle({ maxLearningRate: 0.01 })), loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'] });
  return model;
}

const FIT = { epochs: 3, batchSize: 50, validationSplit: 0.1 };
const weightsOf = async (model) => Promise.all((await model.getWeights()).map((t) => t.data()));

test('checkpoints.resumed_fit_equals_the_uninterrupted_one_bit_for_bit', async () => {
  const whole = mlp(3);
  const expected = await whole.fit(x, y, FIT);

  const first = mlp(3);
  const seen = [];
  let epochNow = 0;
  // the worker waits for onBatchEnd after every batch, so the stop (a "reload") lands exactly after
  // batch 6 of epoch 2; with everySeconds 0 every batch is checkpointed
  await first.fit(x, y, { ...FIT, checkpoint: { id: 'run', everySeconds: 0, keep: true, meta: { note: 'test' } },
    callbacks: {
      onEpochBegin(epoch) { epochNow = epoch; },
      onBatchEnd(batch) { if (epochNow === 1 && batch === 5) first.stopTraining = true; },
      onCheckpoint(summary) { seen.push(summary); },
    } });
  assert.ok(seen.length >= 2, `checkpoints written: ${seen.length}`);
  const [kept] = await nn.checkpoints.list();
  assert.equal(kept.id, 'run');
  assert.deepEqual(kept.meta, { note: 'test' });
  assert.equal(kept.weights, undefined, 'list() leaves the weights out');
  assert.deepEqual([kept.epoch, kept.batch, kept.batchesPerEpoch], [1, 6, 54]);
  assert.equal(kept.history.loss.length, 1);

  const resumed = mlp(99);  // another seed: every random draw comes from the checkpoint
  const history = await resumed.fit(x, y, { resumeFrom: 'run' });
  assert.deepEqual(history.history, expected.history);
  const [a, b] = [await weightsOf(whole), await weightsOf(resumed)];
  a.forEach((w, i) => assert.deepEqual(b[i], w, `weights ${i} differ`));
  assert.deepEqual(await nn.checkpoints.list(), [], 'the resumed fit ended: its checkpoint is gone');
});

test('checkpoints.a_finished_fit_deletes_its_own_and_a_wrong_model_is_refused', async () => {
  const model = mlp(5);
  let writes = 0;
  await model.fit(x, y, { epochs: 2, batchSize: 100, checkpoint: { id: 'short' }, callbacks: { onCheckpoint: () => { writes++; } } });
  assert.equal(writes, 1, 'one epoch end between the two epochs');
  await assert.rejects(nn.checkpoints.load('short'), /no checkpoint 'short'/);

  const keeper = mlp(5);
  await keeper.fit(x, y, { epochs: 2, batchSize: 100, checkpoint: { id: 'kept', keep: true } });
  const other = nn.sequential({ layers: [nn.layers.flatten({ inputShape: [28, 28] }), nn.layers.dense({ units: 10, activation: 'softmax' })] });
  other.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  await assert.rejects(other.fit(x, y, { resumeFrom: 'kept' }), /differs from this one at layer 2/);
  const record = await nn.checkpoints.load('kept');
  await assert.rejects(mlp(5).fit(x, y, { resumeFrom: record, batchSize: 64 }), /batch size 100, this fit has 64/);
  await nn.checkpoints.delete('kept');
});

test('checkpoints.keep_early_stoppings_best_weights', async () => {
  // "max" of a falling val_loss keeps an early epoch the best: each fit ends restoring its weights
  const stopping = () => nn.callbacks.earlyStopping({ monitor: 'val_loss', mode: 'max', patience: 100, restoreBestWeights: true });
  const whole = mlp(4);
  await whole.fit(x, y, { ...FIT, callbacks: [stopping()] });
  const last = mlp(4);
  await last.fit(x, y, FIT);
  const [best, lastEpoch] = [await weightsOf(whole), await weightsOf(last)];
  assert.ok(best.some((w, i) => w.some((v, j) => v !== lastEpoch[i][j])), 'the best epoch is not the last one');

  const first = mlp(4);
  let epochNow = 0;
  await first.fit(x, y, { ...FIT, checkpoint: { id: 'best', everySeconds: 0, keep: true }, callbacks: [stopping(), {
    onEpochBegin(epoch) { epochNow = epoch; },
    onBatchEnd(batch) { if (epochNow === 1 && batch === 5) first.stopTraining = true; },
  }] });
  const resumed = mlp(99);
  await resumed.fit(x, y, { resumeFrom: 'best', callbacks: [stopping()] });
  const weights = await weightsOf(resumed);
  best.forEach((w, i) => assert.deepEqual(weights[i], w, `weights ${i} differ from the uninterrupted fit's best`));
});
