// Nothing trained is lost: the page checkpoints every epoch to IndexedDB, and after a reload of the
// tab or a crash of the worker it offers "Resume training", which brings the charts back and ends
// where an uninterrupted training ends (same seed). Served cross-origin isolated (threaded build).
//   node --test tests/e2e/resume.test.mjs     (needs the wasm build and scripts/build-web.sh)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { button, chooseTraining, openPage, screenshot, setUp, testAccuracy, waitForPhase } from './helpers.mjs';

const TRAINING = { preset: 'lenet', epochs: 3, trainLimit: 3000 };

const trainingEpoch = (page) => page.evaluate(() => document.querySelector('[data-trainer]').trainer.state.training?.epoch ?? -1);
const epochPoints = (page) => page.$eval('[data-ui="chart-loss"]', (el) => Number(el.dataset.epochs));
const batchPoints = (page) => page.$eval('[data-ui="chart-loss"]', (el) => Number(el.dataset.points));
const history = (page) => page.evaluate(() => document.querySelector('[data-trainer]').trainer.state.training);

async function startTraining(page) {
  await waitForPhase(page, 'ready', 60000);
  await chooseTraining(page, TRAINING);
  await page.fill('[data-ui="seed"]', '7');
  await button(page, 'Train').click();
  await waitForPhase(page, 'training', 30000);
}

async function resumeWhenOffered(page) {
  const offer = page.locator('[data-ui="resume-offer"]');
  await offer.waitFor({ state: 'visible', timeout: 30000 });
  const text = await page.locator('[data-ui="resume-text"]').textContent();
  await screenshot(page, 'resume-offered');
  await button(page, 'Resume training').click();
  await waitForPhase(page, 'training', 60000);
  return text;
}

describe('an interrupted training resumes', () => {
  let env;
  let uninterrupted;

  before(async () => { env = await setUp({ isolated: true }); });
  after(async () => { await env?.close(); });

  test('uninterrupted, for comparison', async () => {
    const { page, context } = await openPage(env);
    await startTraining(page);
    await waitForPhase(page, 'done', 180000);
    uninterrupted = { accuracy: await testAccuracy(page), epochs: await epochPoints(page) };
    assert.equal(uninterrupted.epochs, TRAINING.epochs);
    await context.close();
  });

  test('a reload during epoch 3, then Resume training: the charts come back and it ends as the uninterrupted one', async () => {
    const { page, context, problems } = await openPage(env);
    await startTraining(page);
    await page.waitForFunction(() => document.querySelector('[data-trainer]').trainer.state.training?.epoch >= 2, null, { timeout: 120000 });
    await page.waitForTimeout(300);  // the epoch's checkpoint is written in the background
    assert.equal(await trainingEpoch(page), 2, 'still in epoch 3 when the tab reloads');
    await page.reload();
    await page.waitForSelector('[data-trainer][data-engine="ready"]', { timeout: 30000 });
    const offered = await resumeWhenOffered(page).catch(async (err) => { await screenshot(page, 'resume-not-offered'); throw err; });
    assert.match(offered, /A training of lenet on MNIST digits was interrupted after epoch 2 of 3/);
    assert.equal(await epochPoints(page), 2, 'the charts show the two epochs from before the reload');
    const pointsBefore = await batchPoints(page);
    assert.equal(await page.inputValue('[data-ui="preset"]'), 'lenet', 'the form shows what trains');
    assert.equal(await page.inputValue('[data-ui="epochs"]'), '3');
    await screenshot(page, 'resumed-after-reload');
    await waitForPhase(page, 'done', 180000);
    const accuracy = await testAccuracy(page);
    assert.equal(await epochPoints(page), TRAINING.epochs);
    assert.ok(await batchPoints(page) > pointsBefore, 'the resumed epoch draws its batches too');
    assert.equal((await history(page)).epoch, TRAINING.epochs - 1);
    console.log(`# test accuracy: ${uninterrupted.accuracy} % uninterrupted, ${accuracy} % resumed after a reload`);
    assert.ok(Math.abs(accuracy - uninterrupted.accuracy) <= 0.1,
      `test accuracy ${accuracy} % resumed, ${uninterrupted.accuracy} % uninterrupted`);
    await page.waitForTimeout(300);
    assert.equal(await page.locator('[data-ui="resume-offer"]').isVisible(), false);
    assert.deepEqual(await page.evaluate(async () => (await import('./neurite.js')).checkpoints.list()), [],
      'a finished training leaves no checkpoint behind');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a crash of the worker in epoch 2, then Resume training, ends the training', async () => {
    const { page, context, problems } = await openPage(env);
    await startTraining(page);
    await page.waitForFunction(() => document.querySelector('[data-trainer]').trainer.state.training?.epoch >= 1, null, { timeout: 120000 });
    await page.waitForTimeout(300);
    await page.evaluate(() => document.querySelector('[data-trainer]').trainer.crashWorker());
    await page.waitForFunction(() => /crashed/.test(document.querySelector('[role="alert"]').textContent), null, { timeout: 10000 });
    const offered = await resumeWhenOffered(page);
    assert.match(offered, /interrupted after epoch 1 of 3/);
    await waitForPhase(page, 'done', 180000);
    assert.equal(await epochPoints(page), TRAINING.epochs);
    const accuracy = await testAccuracy(page);
    console.log(`# test accuracy: ${accuracy} % resumed after a crash`);
    assert.ok(Math.abs(accuracy - uninterrupted.accuracy) <= 0.1, `${accuracy} % resumed, ${uninterrupted.accuracy} % uninterrupted`);
    await screenshot(page, 'resumed-after-crash');
    assert.deepEqual(problems.filter((p) => !/asked to crash/.test(p)), []);
    await context.close();
  });
});
