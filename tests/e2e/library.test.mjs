// The library (dist/neurite.js) in headless Chromium, on a page served without isolation headers
// (so single-threaded), used only through its API: the MNIST tutorial network to ≥ 97.5 %, and
// save → load round trips through IndexedDB and through downloaded files.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { setUp } from './helpers.mjs';

describe('the library in a browser page without isolation headers', () => {
  let env, page;
  const problems = [];
  before(async () => {
    env = await setUp({ isolated: false });
    const context = await env.browser.newContext({ acceptDownloads: true });
    page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    await page.goto(new URL('tests/library.html', env.server.url).href);
    await page.waitForSelector('body[data-ready="true"]');
  });
  after(async () => { await env?.close(); });

  test('the MNIST tutorial network trains to ≥ 97.5 % on the single-threaded build', async () => {
    const result = await page.evaluate(async () => {
      const { nn } = window;
      const progress = [];
      const { xTrain, yTrain, xTest, yTest } = await nn.datasets.mnist.load({ onProgress: (f) => progress.push(f) });
      const model = nn.sequential({ seed: 1, layers: [
        nn.layers.flatten({ inputShape: [28, 28] }),
        nn.layers.dense({ units: 128, activation: 'relu' }),
        nn.layers.dropout({ rate: 0.2 }),
        nn.layers.dense({ units: 10 }),
      ] });
      model.compile({ optimizer: 'adam', loss: nn.losses.sparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
      const t0 = performance.now();
      const history = await model.fit(xTrain.div(255), yTrain, { epochs: 5, batchSize: 32, validationData: [xTest.div(255), yTest] });
      const seconds = (performance.now() - t0) / 1000;
      const [loss, acc] = await model.evaluate(xTest.div(255), yTest);
      window.tutorial = { model, xTest };
      return { info: await nn.engineInfo(), isolated: self.crossOriginIsolated, progress, valAccuracy: history.history.val_accuracy, loss, acc, seconds };
    });
    console.log(`# the tutorial MLP, 5 epochs in Chromium through the library: ${result.seconds.toFixed(1)} s, test accuracy ${(100 * result.acc).toFixed(2)} %`);
    assert.equal(result.isolated, false);
    assert.equal(result.info.threaded, false);
    assert.ok(result.progress.length > 0 && result.progress.at(-1) === 1, `progress ${result.progress.slice(-3)}`);
    assert.equal(result.valAccuracy.length, 5);
    assert.ok(result.acc >= 0.975, `test accuracy ${result.acc}`);
  });

  test('save → load through IndexedDB gives the same predictions', async () => {
    const same = await page.evaluate(async () => {
      const { nn, tutorial: { model, xTest } } = window;
      await model.save('indexeddb://digits');
      const again = await nn.loadModel('indexeddb://digits');
      const x = xTest.slice(0, 50).div(255);
      const [a, b] = await Promise.all([model.predict(x).data(), again.predict(x).data()]);
      const listed = await nn.io.listModels();
      return { equal: a.every((v, i) => v === b[i]), n: a.length, listed: Object.keys(listed), compiled: again.compiled };
    });
    assert.equal(same.n, 500);
    assert.ok(same.equal);
    assert.ok(same.listed.includes('indexeddb://digits'));
    assert.equal(same.compiled.loss, 'sparse_categorical_crossentropy');
  });

  test('save to downloads:// and load the files back as an <input> would give them', async () => {
    const downloads = [];
    page.on('download', (d) => downloads.push(d));
    await page.evaluate(() => window.tutorial.model.save('downloads://digits'));
    for (let i = 0; i < 50 && downloads.length < 2; i++) await page.waitForTimeout(100);
    assert.deepEqual(downloads.map((d) => d.suggestedFilename()).sort(), ['digits.json', 'digits.weights.bin']);
    const files = {};
    for (const d of downloads) files[d.suggestedFilename()] = [...fs.readFileSync(await d.path())];
    const same = await page.evaluate(async (saved) => {
      const { nn, tutorial: { model, xTest } } = window;
      const picked = Object.entries(saved).map(([name, bytes]) => new File([new Uint8Array(bytes)], name));
      const again = await nn.loadModel(picked);
      const x = xTest.slice(100, 20).div(255);
      const [a, b] = await Promise.all([model.predict(x).data(), again.predict(x).data()]);
      return a.every((v, i) => v === b[i]);
    }, files);
    assert.ok(same);
  });

  test('a bad file is a rejected promise naming the file', async () => {
    const message = await page.evaluate(async () => {
      const file = new File([new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2])], 'cut-images-idx3-ubyte');
      try { await window.nn.datasets.fromIdx({ xTrain: file }); return 'resolved'; } catch (err) { return err.message; }
    });
    assert.match(message, /cut-images-idx3-ubyte: header cut short \(8 bytes, need 16\)/);
  });

  test('no errors in the console', () => {
    assert.deepEqual(problems, []);
  });
});

describe('two trainers on one page', () => {
  let env, page;
  before(async () => {
    env = await setUp({ isolated: false });
    page = await (await env.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(new URL('tests/two-trainers.html', env.server.url).href);
    await page.waitForFunction(() => [...document.querySelectorAll('[data-trainer]')].every((t) => t.dataset.engine === 'ready'
      && t.dataset.state === 'ready'), null, { timeout: 60000 });
  });
  after(async () => { await env?.close(); });

  test('each trains its own model in its own engine, at the same time', async () => {
    const trainer = (name) => page.locator(`[data-trainer="${name}"]`);
    for (const [name, batch] of [['a', '32'], ['b', '100']]) {
      await trainer(name).locator('[data-ui="epochs"]').fill('1');
      await trainer(name).locator('[data-ui="train-limit"]').fill('3000');
      await trainer(name).locator('[data-ui="batch-size"]').fill(batch);
    }
    await trainer('a').getByRole('button', { name: 'Train', exact: true }).click();
    await trainer('b').getByRole('button', { name: 'Train', exact: true }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-trainer]')].every((t) => t.dataset.state === 'done'),
      null, { timeout: 120000 });
    const seen = await page.evaluate(() => [...document.querySelectorAll('[data-trainer]')].map((t) => ({
      batches: t.trainer.state.training.batchesPerEpoch, engine: t.trainer.model.engine.name,
      accuracy: t.querySelector('[aria-label="Test accuracy"]')?.textContent ?? null,
    })));
    assert.deepEqual(seen.map((s) => s.batches), [94, 30]);   // 3000 / 32 and 3000 / 100, rounded up
    assert.notEqual(seen[0].engine, seen[1].engine);
    await page.waitForFunction(() => document.querySelectorAll('[aria-label="Test accuracy"]').length === 2, null, { timeout: 60000 });
    const accuracies = await page.locator('[aria-label="Test accuracy"]').allTextContents();
    for (const a of accuracies) assert.ok(parseFloat(a) > 80, `test accuracy ${a}`);
  });
});
