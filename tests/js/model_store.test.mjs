// nn.io's model management in Node 20 (IndexedDB from fake-indexeddb): TF.js' listModels,
// copyModel, moveModel and removeModel on indexeddb://, with each model's info and the
// user-defined metadata that the page's list of saved models shows.
//   bash scripts/build.sh && node --test tests/js/model_store.test.mjs
import 'fake-indexeddb/auto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import { root } from './helpers/mnist.mjs';

const nn = await import(path.join(root, 'dist/neurite.js'));

function small(seed) {
  const model = nn.sequential({ seed, layers: [nn.layers.dense({ inputShape: [4], units: 3, activation: 'softmax' })] });
  model.compile({ optimizer: 'adam', loss: 'sparseCategoricalCrossentropy' });
  return model;
}
const x = nn.tensor(Float32Array.from({ length: 8 }, (_, i) => i / 8), [2, 4]);
const predictions = async (model) => Array.from(await model.predict(x).data());

test('model_store.list_copy_move_remove_keep_the_weights_and_the_metadata', async () => {
  const model = small(1);
  model.setUserDefinedMetadata({ neurite: { dataset: 'mnist', accuracy: 0.97 } });
  const saved = await model.save('indexeddb://first');
  assert.equal(saved.modelArtifactsInfo.weightDataBytes, (4 * 3 + 3) * 4);

  const listed = await nn.io.listModels();
  const info = listed['indexeddb://first'];
  assert.ok(info, `listed: ${Object.keys(listed)}`);
  assert.equal(info.weightDataBytes, 60);
  assert.ok(info.dateSaved instanceof Date && Math.abs(info.dateSaved - Date.now()) < 60000);
  assert.deepEqual(info.userDefinedMetadata, { neurite: { dataset: 'mnist', accuracy: 0.97 } });

  await nn.io.copyModel('indexeddb://first', 'indexeddb://copy');
  await nn.io.moveModel('indexeddb://first', 'indexeddb://renamed');
  const after = await nn.io.listModels();
  assert.deepEqual(Object.keys(after).sort(), ['indexeddb://copy', 'indexeddb://renamed']);
  assert.equal(after['indexeddb://renamed'].dateSaved.getTime(), info.dateSaved.getTime(), 'a move keeps the date saved');

  const back = await nn.loadModel('indexeddb://renamed');
  assert.deepEqual(await predictions(back), await predictions(model));
  assert.deepEqual(back.getUserDefinedMetadata(), { neurite: { dataset: 'mnist', accuracy: 0.97 } });

  const removed = await nn.io.removeModel('indexeddb://copy');
  assert.equal(removed.weightDataBytes, 60);
  assert.deepEqual(Object.keys(await nn.io.listModels()), ['indexeddb://renamed']);
  await nn.io.removeModel('indexeddb://renamed');
});

test('model_store.bad_names_say_what_is_wrong', async () => {
  await assert.rejects(nn.io.removeModel('indexeddb://nothing-here'), /no model is saved as indexeddb:\/\/nothing-here/);
  await assert.rejects(nn.io.moveModel('downloads://x', 'indexeddb://y'), /give a model kept in this browser/);
  await assert.rejects(nn.io.copyModel('indexeddb://same', 'indexeddb://same'), /the source and the destination are the same/);
  await assert.rejects(nn.io.moveModel('indexeddb://missing', 'indexeddb://y'), /no model is saved under that name/);
  await assert.rejects(small(2).save('indexeddb://'), /needs a name/);
  assert.throws(() => small(2).setUserDefinedMetadata([1, 2]), /plain object/);
  assert.deepEqual(Object.keys(await nn.io.listModels()), []);
});
