// Convolutional networks in the page (cross-origin isolated, so the threaded build): the cnn preset
// trains for one epoch on the 60 000 MNIST images (and the fast preset to 99 % in one), reads a drawn digit, and shows its learned filters
// and the feature maps of the drawing; the layer editor builds Conv2D stacks and says in words why
// a stack that cannot be built is wrong. Tests in this file share one page and run in order.
//   node --test tests/e2e/cnn.test.mjs        (needs the wasm build and scripts/build-web.sh)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  button, chooseTraining, clearPad, draw, openPage, prediction, screenshot, setUp, strokeOne, testAccuracy, waitForPhase,
} from './helpers.mjs';

// How many distinct colours a canvas shows (a blank or flat canvas has one).
const colours = (page, label) => page.getByRole('img', { name: label, exact: true }).evaluate((canvas) => {
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  const seen = new Set();
  for (let i = 0; i < data.length && seen.size < 50; i += 4) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  return seen.size;
});

// Clicks Train and waits for the end: the wall time (data loading and testing included), the test
// accuracy the page shows and the one it measured.
async function trainToTheEnd(page) {
  const started = Date.now();
  await button(page, 'Train').click();
  await waitForPhase(page, 'training', 60000);
  await waitForPhase(page, 'done', 300000);
  const seconds = (Date.now() - started) / 1000;
  const accuracy = await testAccuracy(page);
  const exact = await page.evaluate(() => document.querySelector('[data-trainer]').trainer.state.evaluation.accuracy);
  return { seconds, accuracy, exact };
}

describe('convolutional networks in the page', () => {
  let env, page, problems;

  before(async () => {
    env = await setUp({ isolated: true });
    ({ page, problems } = await openPage(env, { viewport: { width: 1280, height: 1000 } }));
  });
  after(async () => { await env?.close(); });

  test('the cnn and lenet presets are offered, with their Conv2D layers in the editor', async () => {
    const presets = await page.locator('[data-ui="preset"] option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(presets.includes('cnn') && presets.includes('lenet'), `presets: ${presets.join(', ')}`);
    await page.selectOption('[data-ui="preset"]', 'cnn');
    assert.equal(await page.getByLabel('Filters of layer 1').inputValue(), '64');
    assert.match(await page.locator('.layer-first').textContent(), /28×28×1 image, one channel/);
    await page.waitForFunction(() => /Total params: 108,?810/.test(document.querySelector('[data-ui="model-summary"]').textContent), null, { timeout: 10000 });
  });

  test('one epoch of the cnn preset on the 60 000 MNIST images reaches 97.5 % on the test set', async () => {
    await chooseTraining(page, { preset: 'cnn', epochs: 1 });
    const { seconds, accuracy, exact } = await trainToTheEnd(page);
    const rate = (await page.locator('[data-ui="progress-text"]').textContent()).match(/[\d\s\u202f]+images\/s/)?.[0];
    console.log(`# cnn preset, 1 epoch of 60000 MNIST images in the threaded page: ${seconds.toFixed(1)} s with loading ` +
      `the data and testing, ${rate} while training; test accuracy ${accuracy} % (${(100 * exact).toFixed(2)} %)`);
    assert.ok(accuracy >= 97.5, `test accuracy ${accuracy} %`);
    assert.ok(seconds < 240, `one epoch took ${seconds.toFixed(0)} s`);
  });

  test('the learned filters show, and a drawn digit shows its feature maps before and after pooling', async () => {
    await page.getByRole('img', { name: 'Learned filters', exact: true }).waitFor({ timeout: 10000 });
    assert.ok(await colours(page, 'Learned filters') > 10, 'the filters are not a flat colour');
    assert.match(await page.locator('[data-ui="cnn"] figcaption').first().textContent(), /64 filters of conv2d\w*, 3×3 each/);

    await draw(page, strokeOne());
    assert.match(await prediction(page, '1'), /^1/, 'a vertical stroke reads as 1');
    await page.getByRole('img', { name: 'Feature maps after pooling', exact: true }).waitFor({ timeout: 10000 });
    assert.ok(await colours(page, 'Feature maps') > 10, 'the feature maps are not a flat colour');
    assert.ok(await colours(page, 'Feature maps after pooling') > 10);
    assert.match(await page.locator('[data-ui="cnn"]').textContent(), /64 maps of 26×26.*64 maps of 13×13/s);
    await page.locator('[data-ui="cnn"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'cnn-feature-maps');

    // the maps follow the drawing: a second stroke changes them
    const before = await page.getByRole('img', { name: 'Feature maps', exact: true }).evaluate((c) => c.toDataURL());
    await draw(page, [[0.3, 0.3], [0.7, 0.3]]);
    await page.waitForFunction((old) => document.querySelector('canvas[aria-label="Feature maps"]').toDataURL() !== old,
      before, { timeout: 10000 });
    await clearPad(page);
    await page.getByRole('img', { name: 'Feature maps', exact: true }).waitFor({ state: 'hidden', timeout: 10000 });
  });

  test('the layer editor says in words why a Conv2D cannot follow a Dense layer, and clears it when fixed', async () => {
    await page.selectOption('[data-ui="preset"]', 'cnn');
    await page.getByLabel('Type of layer to add').selectOption('Conv2D');
    await button(page, 'Add layer').click();
    const problem = page.locator('[data-ui="layer-problem"]');
    await problem.waitFor({ state: 'visible', timeout: 10000 });
    assert.match(await problem.textContent(), /These layers cannot be built: layer 5 \(Conv2D\) needs images of shape \(height, width, channels\), got \(None, 10\)\. .*before Flatten/);
    await page.locator('[data-ui="layer-editor"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'cnn-layer-error');
    await button(page, 'Remove layer 5 (Conv2D)').click();
    await problem.waitFor({ state: 'hidden', timeout: 10000 });
  });

  test('a Conv2D stack edited in the page trains: 8 filters, "same" padding, average pooling', async () => {
    await page.selectOption('[data-ui="preset"]', 'cnn');
    await page.getByLabel('Filters of layer 1').fill('8');
    await page.getByLabel('Filters of layer 1').dispatchEvent('change');
    await page.getByLabel('Padding of layer 1').selectOption('same');
    await button(page, 'Remove layer 2 (MaxPooling2D)').click();
    await button(page, 'Remove layer 2 (Flatten)').click();
    await button(page, 'Remove layer 2 (Dense)').click();
    for (const type of ['AveragePooling2D', 'Flatten', 'Dense']) {
      await page.getByLabel('Type of layer to add').selectOption(type);
      await button(page, 'Add layer').click();
    }
    await page.getByLabel('Units of layer 4').fill('10');
    await page.getByLabel('Units of layer 4').dispatchEvent('change');
    await page.getByLabel('Activation of layer 4').selectOption('softmax');
    assert.equal(await page.locator('[data-ui="preset"]').inputValue(), 'custom');
    await page.fill('[data-ui="train-limit"]', '3000');
    await button(page, 'Train').click();
    await waitForPhase(page, 'done', 120000);
    const summary = await page.locator('[data-ui="model-summary"]').textContent();
    assert.match(summary, /conv2d\w* \(Conv2D\)\s+\(None, 28, 28, 8\)\s+80/);
    assert.match(summary, /average_pooling2d\w* \(Average\s+\(None, 14, 14, 8\)/);
    assert.ok(await testAccuracy(page) >= 80, 'a small CNN learns from 3000 images');
    assert.match(await page.locator('[data-ui="cnn"] figcaption').first().textContent(), /8 filters of conv2d/);
    await screenshot(page, 'cnn-custom');
  });

  test('lenet trains too, and the view shows its first Conv2D of two', async () => {
    await chooseTraining(page, { preset: 'lenet', epochs: 1, trainLimit: 2000 });
    await button(page, 'Train').click();
    await waitForPhase(page, 'training', 10000);
    await waitForPhase(page, 'done', 120000);
    assert.ok(await testAccuracy(page) >= 70, 'lenet learns from 2000 images');
    await page.getByRole('img', { name: 'Learned filters', exact: true }).waitFor({ timeout: 10000 });
    assert.match(await page.locator('[data-ui="cnn"] figcaption').first().textContent(), /^32 filters of conv2d, 3×3 each/);
    await draw(page, strokeOne());
    await page.getByRole('img', { name: 'Feature maps after pooling', exact: true }).waitFor({ timeout: 10000 });
    assert.match(await page.locator('[data-ui="cnn"]').textContent(), /32 maps of 26×26.*32 maps of 13×13/s);
    await clearPad(page);
  });

  test('the fast preset reaches 99 % on the test set in one epoch, and the page says when it crossed 98 %', async () => {
    await page.selectOption('[data-ui="preset"]', 'fast');
    // its recipe sets the training fields: one epoch of batches of 256 under a one-cycle schedule
    assert.equal(await page.locator('[data-ui="epochs"]').inputValue(), '1');
    assert.equal(await page.locator('[data-ui="batch-size"]').inputValue(), '256');
    assert.match(await page.locator('.layer-first').textContent(), /28×28×1 image, one channel/);
    await page.fill('[data-ui="train-limit"]', '');
    const { seconds, accuracy, exact } = await trainToTheEnd(page);
    const milestones = await page.locator('[data-ui="milestones"]').textContent();
    console.log(`# fast preset, 1 epoch in the threaded page: ${seconds.toFixed(1)} s with testing; ` +
      `test accuracy ${(100 * exact).toFixed(2)} %; ${milestones}`);
    assert.ok(exact >= 0.99, `test accuracy ${(100 * exact).toFixed(2)} %`);
    assert.equal(accuracy, Number((100 * exact).toFixed(1)), 'the page shows the accuracy it measured');
    assert.match(milestones, /^98 % after \d+\.\d s \(epoch 1, batch \d+\).* — validation accuracy on 2.000 test images$/u);
    await screenshot(page, 'fast-preset');
  });

  test('no errors in the console', () => {
    assert.deepEqual(problems, []);
  });
});
