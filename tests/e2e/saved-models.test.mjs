// The models kept in this browser, as a person uses the list: every trained model joins it with
// its name, date, data set and test accuracy; one can be renamed, loaded (it predicts as it did),
// downloaded as TF.js files and deleted; a reload brings back the one in use; and a full disk
// (Chromium's quota for the origin set to almost nothing) is a message while training goes on.
//   node --test tests/e2e/saved-models.test.mjs     (needs the wasm build and scripts/build-web.sh)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { button, chooseTraining, openPage, screenshot, setUp, waitForPhase } from './helpers.mjs';

const zeros = () => document.querySelector('[data-trainer]').trainer.predict(new Float32Array(784));
const entries = (page) => page.$$eval('[data-ui="saved-models"] li', (items) => items.map((li) => ({
  name: li.querySelector('.saved-name')?.textContent ?? null,
  details: li.querySelector('.hint').textContent,
  inUse: li.querySelector('.badge') !== null,
})));
async function waitForEntries(page, check, what) {
  await page.waitForFunction(check, null, { timeout: 60000 }).catch(async (err) => {
    throw new Error(`${what}: the list shows ${JSON.stringify(await entries(page))} (${err.message})`);
  });
}

describe('models kept in this browser', () => {
  let env, page, context, problems;
  const predictions = [];

  before(async () => {
    env = await setUp({ isolated: false });
    ({ page, context, problems } = await openPage(env));
    await waitForPhase(page, 'ready', 60000);
  });
  after(async () => { await env?.close(); });

  async function train(seed) {
    await chooseTraining(page, { preset: 'mlp', epochs: 1, trainLimit: 2000 });
    await page.fill('[data-ui="seed"]', String(seed));
    await button(page, 'Train').click();
    await waitForPhase(page, 'done', 120000);
    predictions.push(await page.evaluate(zeros));
  }

  test('each training joins the list with its data set and test accuracy', async () => {
    assert.match(await page.locator('[data-ui="saved-empty"]').textContent(), /None yet/);
    await train(1);
    await waitForEntries(page, () => /test accuracy/.test(document.querySelector('[data-ui="saved-models"] li .hint')?.textContent),
      'after the first training');
    await train(2);
    await waitForEntries(page, () => document.querySelectorAll('[data-ui="saved-models"] li').length === 2
      && /test accuracy/.test(document.querySelector('[data-ui="saved-models"] li .hint').textContent), 'after the second training');
    const list = await entries(page);
    assert.deepEqual(list.map((e) => e.name), ['mlp · MNIST digits (2)', 'mlp · MNIST digits']);
    assert.deepEqual(list.map((e) => e.inUse), [true, false]);
    for (const e of list) assert.match(e.details, /· MNIST digits · \d+\.\d % test accuracy$/, e.details);
    assert.equal(await page.locator('[data-ui="saved-empty"]').isHidden(), true);
    await screenshot(page, 'saved-models');
  });

  test('rename, then load: the model predicts as it did when it was trained', async () => {
    await page.getByRole('button', { name: 'Rename mlp · MNIST digits', exact: true }).click();
    const input = page.locator('[data-ui="rename-input"]');
    await input.fill('my first model');
    await input.press('Enter');
    await waitForEntries(page, () => [...document.querySelectorAll('.saved-name')].some((n) => n.textContent === 'my first model'), 'renamed');
    await page.getByRole('button', { name: 'Load my first model', exact: true }).click();
    await page.waitForFunction(() => /Loaded “my first model” from this browser/.test(document.querySelector('[data-ui="draw-hint"]').textContent),
      null, { timeout: 30000 });
    assert.deepEqual(await page.evaluate(zeros), predictions[0]);
    const list = await entries(page);
    assert.deepEqual(list.find((e) => e.inUse)?.name, 'my first model');
    // a name taken already is refused, and nothing changes
    await page.getByRole('button', { name: 'Rename my first model', exact: true }).click();
    await input.fill('mlp · MNIST digits (2)');
    await input.press('Enter');
    await page.waitForFunction(() => /a model named “mlp · MNIST digits \(2\)” is kept already/.test(document.querySelector('[role="alert"]').textContent),
      null, { timeout: 10000 });
    assert.deepEqual((await entries(page)).map((e) => e.name).sort(), ['mlp · MNIST digits (2)', 'my first model']);
  });

  test('a reload brings back the model in use', async () => {
    await page.reload();
    await page.waitForSelector('[data-trainer][data-engine="ready"]', { timeout: 30000 });
    await page.waitForFunction(() => document.querySelector('[data-trainer]').dataset.model === 'true', null, { timeout: 10000 });
    assert.match(await page.locator('[data-ui="model-origin"]').textContent(), /“my first model”, kept in this browser/);
    assert.deepEqual(await page.evaluate(zeros), predictions[0]);
    await waitForEntries(page, () => document.querySelector('.badge')?.closest('li').dataset.name === 'my first model', 'after the reload');
  });

  test('download gives the TF.js files; delete asks once more, then removes', async () => {
    const downloads = [];
    page.on('download', (d) => downloads.push(d.suggestedFilename()));
    await page.getByRole('button', { name: 'Download my first model', exact: true }).click();
    for (let i = 0; i < 50 && downloads.length < 2; i++) await page.waitForTimeout(100);
    assert.deepEqual(downloads.sort(), ['my-first-model.json', 'my-first-model.weights.bin']);

    const remove = page.getByRole('button', { name: 'Delete mlp · MNIST digits (2)', exact: true });
    await remove.click();
    assert.equal(await remove.textContent(), 'Click again to delete');
    assert.equal((await entries(page)).length, 2, 'one click deletes nothing');
    await remove.click();
    await waitForEntries(page, () => document.querySelectorAll('[data-ui="saved-models"] li').length === 1, 'after the delete');
    assert.deepEqual((await entries(page)).map((e) => e.name), ['my first model']);
  });

  // In a profile of its own: Chromium applies a quota override only to an origin that has not
  // written to IndexedDB yet.
  test('a full disk is a message, and training goes on to its end', async () => {
    const fresh = await openPage(env);
    const cdp = await fresh.context.newCDPSession(fresh.page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(env.server.url).origin, quotaSize: 1 });
    try {
      const p = fresh.page;
      await waitForPhase(p, 'ready', 60000);
      await chooseTraining(p, { preset: 'mlp', epochs: 1, trainLimit: 2000 });
      await button(p, 'Train').click();
      await waitForPhase(p, 'done', 120000);
      await p.waitForFunction(() => /The model could not be kept in this browser: the browser's storage for this site is full/
        .test(document.querySelector('[role="alert"]').textContent), null, { timeout: 30000 }).catch(async (err) => {
        const shown = await p.evaluate(() => JSON.stringify(document.querySelector('[data-trainer]').trainer.state.alert));
        throw new Error(`the alert says ${shown} (${err.message})`);
      });
      assert.equal(await p.evaluate(() => document.querySelector('[data-trainer]').dataset.state), 'done');
      const probabilities = await p.evaluate(zeros);
      assert.equal(probabilities.length, 10);
      assert.ok(probabilities.every(Number.isFinite), 'the trained model is in use');
      assert.equal(await button(p, 'Save model').isEnabled(), true);
      assert.deepEqual(await entries(p), []);
      await screenshot(p, 'saved-models-quota');
      assert.deepEqual(fresh.problems, []);
    } finally {
      await fresh.context.close();
    }
  });

  test('no unexpected errors in the console', () => {
    assert.deepEqual(problems, []);
  });
});
