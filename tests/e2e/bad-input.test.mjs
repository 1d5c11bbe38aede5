// Every bad input a person can give the page, each read back as the message they see, and each
// leaving the model trained before it as it was (same predictions, still savable). Served without
// cross-origin isolation, so the single-threaded build runs.
//   node --test tests/e2e/bad-input.test.mjs     (needs the wasm build and scripts/build-web.sh)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { button, chooseTraining, openPage, screenshot, setUp, waitForPhase } from './helpers.mjs';

const trainer = (page, fn, arg) => page.evaluate(fn, arg);
const zeros = () => document.querySelector('[data-trainer]').trainer.predict(new Float32Array(784));

// IDX files made here: images [n, 28, 28] (magic 0x803) and labels [n] (magic 0x801)
function idx(magic, dims, body) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(body)]);
}
const images = (n, bytes = n * 784) => idx(0x803, [n, 28, 28], new Uint8Array(bytes).fill(7));
const labels = (values) => idx(0x801, [values.length], Uint8Array.from(values));
const file = (name, buffer) => ({ name, mimeType: 'application/octet-stream', buffer });

describe('bad input in the page', () => {
  let env, page, problems, before_;

  before(async () => {
    env = await setUp({ isolated: false });
    ({ page, problems } = await openPage(env));
    await waitForPhase(page, 'ready', 60000);
    await chooseTraining(page, { preset: 'mlp', epochs: 1, trainLimit: 2000 });
    await button(page, 'Train').click();
    await waitForPhase(page, 'done', 120000);
    before_ = await trainer(page, zeros);
  });
  after(async () => { await env?.close(); });

  // the message shown names the problem, and the trained model is untouched
  async function shows(pattern, name) {
    await page.waitForFunction((source) => new RegExp(source).test(document.querySelector('[role="alert"]').textContent),
      pattern.source, { timeout: 30000 }).catch(async (err) => {
      throw new Error(`${name}: the alert says "${await page.getByRole('alert').textContent()}", not ${pattern} (${err.message})`);
    });
    assert.deepEqual(await trainer(page, zeros), before_, `${name}: the model trained before still predicts the same`);
    assert.equal(await page.evaluate(() => document.querySelector('[data-trainer]').dataset.model), 'true');
  }

  test('model files: not JSON, an unknown layer, weights short, no weights file, NaN weights', async () => {
    const { json, bin } = await page.evaluate(async () => {
      const a = await document.querySelector('[data-trainer]').trainer.model.toArtifacts();
      return { json: JSON.stringify(a.modelJson), bin: Array.from(new Uint8Array(a.weights)) };
    });
    const weights = Buffer.from(bin);
    const load = (modelJson, weightFile = weights) => page.setInputFiles('[data-ui="model-files"]',
      [file('model.json', Buffer.from(modelJson)), ...(weightFile ? [file('model.weights.bin', weightFile)] : [])]);
    const unknown = JSON.parse(json);
    (unknown.modelTopology.model_config ?? unknown.modelTopology).config.layers[1].class_name = 'Densse';
    const nan = Buffer.from(weights);
    nan.writeFloatLE(NaN, 4 * 10);

    await load('{"modelTopology": ');
    await shows(/That model could not be loaded.*model\.json is not valid JSON/, 'not JSON');
    await load(JSON.stringify(unknown));
    await shows(/unknown layer class 'Densse' \(known: Dense, /, 'unknown layer');
    await load(json, weights.subarray(0, weights.length - 8));
    await shows(/the weightsManifest lists \d+ weights of \d+ bytes in total, but the weight data has \d+ bytes/, 'weights short');
    await load(json, null);
    await shows(/choose the weights file \(\.bin\) together with model\.json/, 'no weights file');
    await load(json, nan);
    await shows(/holds NaN at value 10 of \d+: the weights file is damaged or from a diverged training/, 'NaN weights');
    await screenshot(page, 'bad-input-model-file');
  });

  test('IDX files: cut short, wrong magic, counts that differ, labels out of range', async () => {
    await page.selectOption('[data-ui="dataset"]', 'files');
    const loadFiles = async (trainImages, trainLabels) => {
      await page.setInputFiles('[data-ui="file-trainImages"]', file('train-images', trainImages));
      await page.setInputFiles('[data-ui="file-trainLabels"]', file('train-labels', trainLabels));
      await page.setInputFiles('[data-ui="file-testImages"]', file('test-images', images(4)));
      await page.setInputFiles('[data-ui="file-testLabels"]', file('test-labels', labels([1, 2, 3, 4])));
      await button(page, 'Load data').click();
    };
    await loadFiles(images(10, 5 * 784), labels([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    await shows(/train-images: dimensions \[10, 28, 28\] need 7856 bytes, the file has 3936/, 'cut short');
    await loadFiles(labels([1, 2]), labels([1, 2]));
    await shows(/train-images: not an IDX images file: expected magic 0x00000803 at offset 0, found 0x00000801/, 'wrong magic');
    await loadFiles(images(10), labels([0, 1, 2, 3, 4, 5, 6, 7, 8]));
    await shows(/10 images but 9 labels/, 'count mismatch');
    await loadFiles(images(3), labels([0, 12, 1]));
    await shows(/label 12 at index 1 is not a class from 0 to 9/, 'label out of range');
    await screenshot(page, 'bad-input-idx');
    await page.selectOption('[data-ui="dataset"]', 'mnist');
    await button(page, 'Load data').click();
    await waitForPhase(page, 'ready', 60000);
  });

  test('layers that cannot be built: 0 units, a kernel larger than its input', async () => {
    const problem = page.locator('[data-ui="layer-problem"]');
    await page.selectOption('[data-ui="preset"]', 'mlp');
    await page.getByLabel('Units of layer 2').fill('0');
    await page.getByLabel('Units of layer 2').dispatchEvent('change');
    await problem.waitFor({ state: 'visible', timeout: 10000 });
    assert.match(await problem.textContent(), /units/i);
    await button(page, 'Train').click();
    await shows(/units/i, '0 units');
    await page.selectOption('[data-ui="preset"]', 'cnn');
    await page.getByLabel('Kernel size of layer 1').fill('40');
    await page.getByLabel('Kernel size of layer 1').dispatchEvent('change');
    await problem.waitFor({ state: 'visible', timeout: 10000 });
    const text = await problem.textContent();
    assert.match(text, /40/, text);
    await screenshot(page, 'bad-input-layers');
    await page.selectOption('[data-ui="preset"]', 'mlp');
    await problem.waitFor({ state: 'hidden', timeout: 10000 });
  });

  test('learning rate 0 or negative is refused; a huge one diverges, stops, and keeps the weights from before', async () => {
    for (const rate of ['0', '-0.1']) {
      await chooseTraining(page, { preset: 'mlp', epochs: 1, trainLimit: 2000 });
      await page.fill('[data-ui="learning-rate"]', rate);
      await button(page, 'Train').click();
      await shows(/Please check the settings: learning rate must be a positive number/, `learning rate ${rate}`);
    }
    await chooseTraining(page, { preset: 'mlp', epochs: 1, trainLimit: 2000, optimizer: 'sgd', learningRate: 1e12 });
    await button(page, 'Train').click();
    await waitForPhase(page, 'error', 60000);
    await page.waitForFunction(() => /The model is back to/.test(document.querySelector('[role="alert"]').textContent), null, { timeout: 10000 });
    const text = await page.getByRole('alert').textContent();
    assert.match(text, /the training diverged\. Try a lower learning rate\. The model is back to the model you had before this training, and can be saved\./);
    // the diverged weights would predict NaN: the model trained before is back, and savable
    assert.deepEqual(await trainer(page, zeros), before_, 'the model trained before predicts as it did');
    assert.equal(await button(page, 'Save model').isEnabled(), true);
    await screenshot(page, 'bad-input-diverged');
  });

  test('no unexpected errors in the console', () => {
    assert.deepEqual(problems, []);
  });
});
