// The tutorial gallery (dist/tutorials/): every page loads without console errors, trains its
// tutorial's network, and reports what it reached against what the tutorial promises.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setUp } from './helpers.mjs';

describe('the tutorial gallery', () => {
  let env, context;
  const problems = [];
  before(async () => {
    env = await setUp({ isolated: true });
    context = await env.browser.newContext({ viewport: { width: 1200, height: 900 } });
  });
  after(async () => { await env?.close(); });

  async function open(name) {
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`${name}: page error: ${e.message}`));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`${name}: console: ${m.text()}`); });
    await page.goto(new URL(`tutorials/${name}`, env.server.url).href);
    await page.waitForFunction(() => !/loading/.test(document.querySelector('[data-ui="source"]')?.textContent ?? 'loading'));
    return page;
  }

  const done = (page, result = 'result', timeout = 180000) =>
    page.waitForFunction((r) => document.querySelector(`[data-ui="${r}"]`)?.dataset.done, result, { timeout, polling: 200 })
      .then(() => page.evaluate((r) => document.querySelector(`[data-ui="${r}"]`).dataset.done, result));

  test('the gallery links every page', async () => {
    const page = await open('index.html').catch(async () => {
      const p = await context.newPage();
      await p.goto(new URL('tutorials/index.html', env.server.url).href);
      return p;
    });
    const links = await page.locator('.gallery a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(links, ['mlp-64-32.html', 'flatten-dropout.html', 'fashion-mnist.html', 'from-scratch.html', 'random-binary.html', 'cnn.html']);
    await page.close();
  });

  test('1. MLP 64-32-10: raw pixels against / 255', async () => {
    const page = await open('mlp-64-32.html');
    assert.match(await page.locator('[data-ui="source"]').textContent(), /nn\.layers\.dense\(\{ units: 64, activation: 'relu' \}\)/);
    await page.getByRole('button', { name: 'Train both' }).click();
    assert.equal(await done(page), 'true');
    const verdict = await page.locator('[data-ui="verdict"]').textContent();
    console.log(`# ${verdict}`);
    const [scaled] = /([\d.]+) % with \/ 255/.exec(verdict).slice(1).map(Number);
    assert.ok(scaled >= 96.5, verdict);
    await page.close();
  });

  test('2. Flatten-128-Dropout-10 from logits: evaluate, history plots, and overfitting with and without the remedies', async () => {
    const page = await open('flatten-dropout.html');
    await page.locator('[data-ui="run"]').click();
    assert.equal(await done(page), 'true');
    const verdict = await page.locator('[data-ui="verdict"]').textContent();
    console.log(`# ${verdict}`);
    assert.ok(Number(/reached ([\d.]+) %/.exec(verdict)[1]) >= 97.5, verdict);
    await page.waitForFunction(() => document.querySelector('[data-ui="chart-accuracy"]').dataset.epochs === '5');
    await page.locator('[data-ui="run-overfit"]').click();
    assert.equal(await done(page, 'result-overfit'), 'true');
    const rows = await page.locator('[data-ui="result-overfit"] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    console.log(`# overfitting: ${rows.map((r) => r.join(' | ')).join(' ; ')}`);
    const gap = (r) => parseFloat(r[4]), valLoss = (r) => Number(r[5]);
    assert.ok(gap(rows[0]) > 5, `without dropout the gap is ${rows[0][4]}`);
    assert.ok(valLoss(rows[1]) < valLoss(rows[0]), 'dropout lowers the validation loss');
    assert.ok(Number(rows[2][1]) < 40 && valLoss(rows[2]) < valLoss(rows[0]), 'early stopping stopped early, at a lower validation loss');
    await page.close();
  });

  test('3. Fashion-MNIST with the model drawn as plot_model draws it', async () => {
    const page = await open('fashion-mnist.html');
    const widget = page.locator('nn-trainer');
    await page.waitForFunction(() => /Press Train/.test(document.querySelector('nn-trainer').shadowRoot.querySelector('[role="status"]').textContent), null, { timeout: 60000 });
    const diagram = await widget.locator('[data-ui="model-diagram"]').textContent();
    assert.match(diagram, /flatten/);
    assert.match(diagram, /\(None, 784\)/);
    await widget.getByRole('button', { name: 'Train' }).click();
    assert.equal(await done(page), 'true');
    const verdict = await page.locator('[data-ui="verdict"]').textContent();
    console.log(`# ${verdict}`);
    assert.ok(Number(/Test accuracy ([\d.]+) %/.exec(verdict)[1]) >= 85, verdict);
    await page.close();
  });

  test('4. from scratch: the hand computation equals Neurite\'s step; precision, recall and F1', async () => {
    const page = await open('from-scratch.html');
    for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Next step' }).click();
    assert.equal(await page.locator('[data-ui="steps"] li').count(), 3);
    await page.locator('[data-ui="run"]').click();
    assert.equal(await done(page), 'true');
    assert.ok(Number(await page.locator('[data-ui="check"]').getAttribute('data-gap')) < 1e-5);
    assert.equal(await page.locator('[data-ui="steps"] li').count(), 10);
    assert.ok(Number(await page.locator('[data-ui="result"]').getAttribute('data-accuracy')) > 0.85);
    const metrics = await page.locator('[data-ui="metrics"]').textContent();
    const [own, core] = [/precision \d+ \/ \(\d+ \+ \d+\) = ([\d.]+) %/.exec(metrics)[1], /own figures: ([\d.]+) %/.exec(metrics)[1]];
    assert.equal(own, core);
    await page.close();
  });

  test('5. the random binary classifier stays a coin toss; the moons beside it are learnt', async () => {
    const page = await open('random-binary.html');
    await page.waitForFunction(() => [...document.querySelectorAll('nn-trainer')].every((t) => /Press Train/.test(t.shadowRoot.querySelector('[role="status"]').textContent)), null, { timeout: 60000 });
    await page.locator('[data-ui="run"]').click();
    assert.equal(await done(page), 'true');
    const rows = await page.locator('[data-ui="result"] tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => parseFloat(c.textContent))));
    console.log(`# random labels: validation ${rows[0][2]} %; moons: ${rows[1][2]} %`);
    assert.ok(rows[0][2] > 35 && rows[0][2] < 65, `random labels ${rows[0][2]} %`);
    assert.ok(rows[1][2] > 95, `moons ${rows[1][2]} %`);
    await page.close();
  });

  test('6. the CNN with to_categorical, 3 epochs, and the first test image', async () => {
    const page = await open('cnn.html');
    await page.locator('[data-ui="run"]').click();
    assert.equal(await done(page, 'result', 300000), 'true');
    const verdict = await page.locator('[data-ui="verdict"]').textContent();
    console.log(`# ${verdict}`);
    assert.ok(Number(/this one ([\d.]+) %/.exec(verdict)[1]) >= 97.5, verdict);
    assert.equal(await page.locator('[data-ui="result"]').getAttribute('data-predicted'), '7');  // MNIST's first test digit
    await page.close();
  });

  test('no errors in the console of any page', () => {
    assert.deepEqual(problems, []);
  });
});
