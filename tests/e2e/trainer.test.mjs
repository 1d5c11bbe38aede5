// The trainer page in headless Chromium, served cross-origin isolated (so the threaded build):
// train the mlp preset on MNIST, pause/resume/stop, responsiveness, drawing, save/load, reload.
// Tests in this file share one page and run in order.
//   node --test tests/e2e/        (needs the wasm build and scripts/build-web.sh)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import {
  batchCounter, button, chooseTraining, clearPad, draw, openPage, prediction, screenshot, setUp,
  strokeOne, strokeZero, testAccuracy, waitForPhase,
} from './helpers.mjs';

// Waits for `condition` in the page; a timeout says what the page shows instead.
async function until(page, condition, what, timeout = 20000) {
  try {
    await page.waitForFunction(condition, null, { timeout });
  } catch (err) {
    const shown = await page.evaluate(() => {
      const root = document.querySelector('[data-trainer]');
      const text = (ui) => document.querySelector(`[data-ui="${ui}"]`)?.textContent.trim();
      return { ...root?.dataset, alert: document.querySelector('[role="alert"]')?.textContent.trim(),
        origin: text('model-origin'), saved: text('saved-models') };
    }).catch((e) => e.message);
    throw new Error(`${what}: not within ${timeout} ms (${err.message.split('\n')[0]}); the page shows ${JSON.stringify(shown)}`);
  }
}

describe('trainer page, cross-origin isolated', () => {
  let env, page, problems;
  const saved = {};

  before(async () => {
    env = await setUp({ isolated: true });
    ({ page, problems } = await openPage(env));
  });
  after(async () => { await env?.close(); });

  test('the worker runs the threaded build', async () => {
    assert.equal(await page.evaluate(() => crossOriginIsolated), true);
    assert.equal(await page.evaluate(() => document.querySelector('[data-trainer]').dataset.threaded), 'true');
    // Chromium has relaxed SIMD (since 114): the worker loads the relaxed-SIMD twin
    assert.match(await page.locator('[data-ui="engine"]').textContent(), /^WebAssembly SIMD \+ FMA · multi-threaded/);
    assert.equal(await page.evaluate(() => document.querySelector('[data-trainer]').dataset.fma), 'true');
  });

  test('MNIST loads as the page opens, without a click, and the page marks when Train can start', async () => {
    await waitForPhase(page, 'ready', 60000);
    assert.match(await page.locator('[data-ui="data-info"]').textContent(), /MNIST digits: 60\u202f000 training/);
    await page.waitForFunction(() => performance.getEntriesByName('neurite:ready-to-train').length === 1, null, { timeout: 10000 });
    assert.equal(await button(page, 'Train').isEnabled(), true);
    await screenshot(page, 'opened');
  });

  test('pause, resume and stop; the page stays responsive while training', async () => {
    await chooseTraining(page, { preset: 'mlp', epochs: 5 });
    await button(page, 'Train').click();
    await waitForPhase(page, 'training', 60000);
    await page.waitForFunction(() => Number(document.querySelector('[data-ui="epoch-progress"]').dataset.batch) > 100, null, { timeout: 60000 });

    // a click handler runs within 100 ms of the click, and timers keep ticking
    const lag = await page.evaluate(async () => {
      const probe = Object.assign(document.createElement('button'), { textContent: 'probe', id: 'probe' });
      const delays = [];
      probe.addEventListener('click', (e) => delays.push(performance.now() - e.timeStamp));
      document.body.append(probe);
      let last = performance.now();
      const gaps = [];
      const timer = setInterval(() => { const now = performance.now(); gaps.push(now - last); last = now; }, 10);
      window.__probe = { delays, stop: () => { clearInterval(timer); probe.remove(); return gaps; } };
      return true;
    }).then(async () => {
      for (let i = 0; i < 8; i++) { await page.click('#probe'); await page.waitForTimeout(120); }
      return page.evaluate(() => ({ delays: window.__probe.delays, gaps: window.__probe.stop() }));
    });
    assert.equal(lag.delays.length, 8);
    assert.ok(Math.max(...lag.delays) < 100, `click handler delays ${lag.delays.map((d) => d.toFixed(1)).join(', ')} ms`);
    // a page that blocks holds most ticks up; one late tick is the OS scheduling a loaded machine
    const gaps = lag.gaps.sort((a, b) => a - b);
    const p95 = gaps[Math.floor(gaps.length * 0.95)];
    assert.ok(gaps.length > 50 && p95 < 50, `a 10 ms timer: ${gaps.length} ticks, 95th percentile gap ${p95?.toFixed(0)} ms`);
    await screenshot(page, 'training');

    await button(page, 'Pause').click();
    await waitForPhase(page, 'paused', 5000);
    // the worker holds at its next yield: batches already under way (and an epoch's end, with its
    // validation and milestone probe, when the click lands in its last batches) still report
    await page.waitForTimeout(500);
    const pausedAt = await batchCounter(page);
    await page.waitForTimeout(1000);
    assert.equal(await batchCounter(page), pausedAt, 'no batches while paused');
    await screenshot(page, 'paused');

    await button(page, 'Resume').click();
    await waitForPhase(page, 'training', 5000);
    await page.waitForFunction((b) => Number(document.querySelector('[data-ui="epoch-progress"]').dataset.batch) > b + 50, pausedAt, { timeout: 30000 });

    await button(page, 'Stop').click();
    await waitForPhase(page, 'done', 30000);
    assert.match(await page.locator('[data-ui="status"]').textContent(), /Stopped after/);
    await testAccuracy(page); // a stopped model is evaluated too
  });

  test('one epoch of the mlp preset on the 60 000 MNIST images reaches 95 % on the test set', async () => {
    await chooseTraining(page, { preset: 'mlp', epochs: 1 });
    await button(page, 'Train').click();
    await waitForPhase(page, 'training', 10000);
    await waitForPhase(page, 'done', 240000);
    const accuracy = await testAccuracy(page);
    assert.ok(accuracy >= 95, `test accuracy ${accuracy} %`);
    const points = await page.$eval('[data-ui="chart-loss"]', (el) => Number(el.dataset.points));
    assert.ok(points >= 10, `the loss chart has ${points} points`);
    assert.equal(await page.locator('table.metrics tbody tr').count(), 10);
    assert.ok(await page.locator('.gallery li').count() > 0, 'misclassified images are shown');
    assert.match(await page.locator('[data-ui="model-summary"]').textContent(), /Total params: 101,?770/);
    await screenshot(page, 'done');
  });

  test('drawing a 1 and a 0 on the pad', async () => {
    await draw(page, strokeOne());
    const one = await prediction(page, '1');
    await screenshot(page, 'drawing');
    assert.match(one, /^1/, `prediction for a vertical stroke: ${one}`);
    await clearPad(page);
    await draw(page, strokeZero());
    const zero = await prediction(page, '0');
    if (!/^0/.test(zero)) console.log(`# note: the ellipse was read as "${zero}"`);
    await clearPad(page);
  });

  test('save model downloads model.json and model.weights.bin (TF.js names)', async () => {
    const downloads = [];
    page.on('download', (d) => downloads.push(d));
    await button(page, 'Save model').click();
    await page.waitForFunction(() => true, null, { timeout: 100 });
    for (let i = 0; i < 50 && downloads.length < 2; i++) await page.waitForTimeout(100);
    assert.deepEqual(downloads.map((d) => d.suggestedFilename()).sort(), ['model.json', 'model.weights.bin']);
    for (const d of downloads) saved[d.suggestedFilename()] = fs.readFileSync(await d.path());
    const json = JSON.parse(saved['model.json']);
    assert.deepEqual(json.weightsManifest[0].paths, ['model.weights.bin']);
    assert.equal(saved['model.weights.bin'].length, 101770 * 4);
  });

  test('a corrupt model file is refused with a message and the current model keeps working', async () => {
    const json = JSON.parse(saved['model.json']);
    const kernel = json.weightsManifest[0].weights[0];
    kernel.shape = [kernel.shape[0], kernel.shape[1] + 1];
    await page.setInputFiles('[data-ui="model-files"]', [
      { name: 'model.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(json)) },
      { name: 'model.weights.bin', mimeType: 'application/octet-stream', buffer: saved['model.weights.bin'] },
    ]);
    const alert = page.getByRole('alert');
    await alert.waitFor({ state: 'visible', timeout: 10000 });
    const text = await alert.textContent();
    assert.match(text, /That model could not be loaded/);
    assert.match(text, new RegExp(kernel.name.split('/')[0]), `the message names the layer: ${text}`);
    await screenshot(page, 'error-model-file');

    await page.setInputFiles('[data-ui="model-files"]', [{ name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('{"modelTopology": ') }]);
    await page.waitForFunction(() => /not valid JSON/.test(document.querySelector('[role="alert"]').textContent), null, { timeout: 5000 });

    await draw(page, strokeOne());
    assert.match(await prediction(page, '1'), /^1/, 'the trained model still predicts');
    await clearPad(page);
  });

  test('a saved model loads back from its files', async () => {
    await page.setInputFiles('[data-ui="model-files"]', [
      { name: 'model.json', mimeType: 'application/json', buffer: saved['model.json'] },
      { name: 'model.weights.bin', mimeType: 'application/octet-stream', buffer: saved['model.weights.bin'] },
    ]);
    await page.waitForFunction(() => /Loaded model\.json/.test(document.querySelector('[data-ui="draw-hint"]').textContent), null, { timeout: 10000 });
    assert.ok(await testAccuracy(page, 30000) >= 95, 'the loaded model is evaluated on the test set');
  });

  test('after a reload the model is restored from IndexedDB and predicts', async () => {
    // a person reloads once the list shows the loaded model kept, with its test accuracy
    await until(page, () => /test accuracy/.test(document.querySelector('[data-ui="saved-models"] li:has(.badge) .hint')?.textContent),
      'the loaded model is kept with its test accuracy');
    await page.reload();
    await until(page, () => document.querySelector('[data-trainer]')?.dataset.engine === 'ready', 'the engine starts after the reload', 30000);
    await until(page, () => document.querySelector('[data-trainer]').dataset.model === 'true', 'a model is restored');
    assert.match(await page.locator('[data-ui="model-origin"]').textContent(), /Restored model from/);
    await until(page, () => /Restored model from/.test(document.querySelector('[data-ui="draw-hint"]').textContent),
      'the pad says which model it reads with');
    await draw(page, strokeOne());
    assert.match(await prediction(page, '1'), /^1/);
    await screenshot(page, 'restored');
  });

  test('no errors in the console', () => {
    assert.deepEqual(problems, []);
  });
});
