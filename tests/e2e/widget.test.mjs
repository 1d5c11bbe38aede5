// <nn-trainer> as a tutorial author uses it: a copy of dist/ in some folder of their site, served
// by a plain static server (no COOP/COEP, no CSP: nothing but Content-Type), a page with nothing
// but the script tag and two widgets. One trains MNIST and reads a drawn digit, the other a
// 2-feature set with its decision boundary, at the same time, each in its own Worker.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { requireBuild, root, strokeOne } from './helpers.mjs';

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm',
  '.json': 'application/json', '.svg': 'image/svg+xml' };

function plainServer(dir) {
  const server = http.createServer((req, res) => {
    const file = path.join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname));
    if (!file.startsWith(dir) || !fs.existsSync(file) || !fs.statSync(file).isFile()) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const PAGE = `<!doctype html>
<script type="module" src="assets/neurite/nn-trainer.js"></script>
<nn-trainer id="digits" dataset="mnist" layers="flatten, dense 64 relu, dense 10" epochs="1" panels="controls chart draw summary"></nn-trainer>
<nn-trainer id="moons" dataset="moons" layers="dense 16 relu, dense 16 relu, dense 1 sigmoid" epochs="40" batch-size="10" seed="3"></nn-trainer>
<nn-trainer id="saved" model="saved/model.json" dataset="mnist" panels="controls draw"></nn-trainer>
<nn-trainer id="json" dataset="circles" panels="summary"><script type="application/json">
{"class_name": "Sequential", "config": {"layers": [
  {"class_name": "Dense", "config": {"units": 7, "activation": "tanh", "batch_input_shape": [null, 2]}},
  {"class_name": "Dense", "config": {"units": 1, "activation": "sigmoid"}}]}}
</script></nn-trainer>
<nn-trainer id="csv" src="points.csv" layers="dense 8 relu, dense 1 sigmoid" epochs="30" batch-size="16" panels="controls boundary"></nn-trainer>
`;

// One widget whose training a reload interrupts
const RESUME_PAGE = `<!doctype html>
<script type="module" src="assets/neurite/nn-trainer.js"></script>
<nn-trainer id="resumable" dataset="mnist" layers="flatten, dense 128 relu, dropout 0.2, dense 10" epochs="6" seed="9"
            panels="controls chart"></nn-trainer>
`;

// A person's own CSV: two features and a label, with a header line (label: above the line y = x / 2)
function pointsCsv() {
  let s = 11;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const rows = ['x,y,label'];
  for (let i = 0; i < 400; i++) { const x = rand(), y = rand(); rows.push(`${x.toFixed(4)},${y.toFixed(4)},${y > x / 2 ? 1 : 0}`); }
  return rows.join('\n');
}

// A model trained here in Node with the library, saved as the files a widget's model="" points at
async function savedModel(dir) {
  const nn = await import(path.join(root, 'dist/neurite.js'));
  const { xTrain, yTrain } = await nn.datasets.mnist.load();
  const model = nn.sequential({ seed: 5, layers: [nn.layers.flatten({ inputShape: [28, 28] }),
    nn.layers.dense({ units: 64, activation: 'relu' }), nn.layers.dense({ units: 10 })] });
  model.compile({ optimizer: 'adam', loss: nn.losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
  await model.fit(xTrain.div(255), yTrain, { epochs: 1 });
  await model.save(`file://${dir}`);
}

async function drawOne(page, widget) {
  const pad = widget.locator('canvas[aria-label="Draw a digit"]');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  const points = strokeOne();
  await page.mouse.move(box.x + points[0][0] * box.width, box.y + points[0][1] * box.height);
  await page.mouse.down();
  for (const [x, y] of points.slice(1)) await page.mouse.move(box.x + x * box.width, box.y + y * box.height, { steps: 2 });
  await page.mouse.up();
}

describe('<nn-trainer> widgets on a plain static host', () => {
  let site, server, browser, page;
  const problems = [];
  before(async () => {
    requireBuild();
    site = fs.mkdtempSync(path.join(os.tmpdir(), 'neurite-site-'));
    fs.cpSync(path.join(root, 'dist'), path.join(site, 'assets/neurite'), { recursive: true });
    fs.writeFileSync(path.join(site, 'index.html'), PAGE);
    fs.writeFileSync(path.join(site, 'resume.html'), RESUME_PAGE);
    fs.writeFileSync(path.join(site, 'points.csv'), pointsCsv());
    await savedModel(path.join(site, 'saved'));
    server = await plainServer(site);
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 420, height: 900 } });   // a phone's width
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    // the browser's own /favicon.ico request is the host page's business, not the widget's
    page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`); });
    page.on('response', (r) => { if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`${r.status()} for ${r.url()}`); });
    page.on('request', (r) => { if (!r.url().startsWith(`http://127.0.0.1:${server.address().port}/`)) problems.push(`fetched ${r.url()}`); });
    await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
  });
  after(async () => {
    await browser?.close();
    server?.close();
    if (site) fs.rmSync(site, { recursive: true, force: true });
  });

  test('both train at once; the digits widget reads a drawn 1, the moons widget draws its boundary', async () => {
    const digits = page.locator('#digits'), moons = page.locator('#moons');
    await page.waitForFunction(() => ['digits', 'moons'].every((id) => /Press Train/.test(
      document.getElementById(id).shadowRoot.querySelector('[role="status"]')?.textContent ?? '')), null, { timeout: 60000 });
    const ended = page.evaluate(() => Promise.all(['digits', 'moons'].map((id) => new Promise((resolve) => {
      const el = document.getElementById(id);
      const epochs = [];
      el.addEventListener('epochend', (e) => epochs.push(e.detail.epoch));
      el.addEventListener('trainend', (e) => resolve({ id, epochs, logs: e.detail.logs, isolated: self.crossOriginIsolated }));
    }))));
    await digits.getByRole('button', { name: 'Train' }).click();
    await moons.getByRole('button', { name: 'Train' }).click();
    const results = await ended;
    const [d, m] = results;
    assert.equal(d.isolated, false);
    assert.deepEqual(d.epochs, [0]);
    assert.equal(m.epochs.length, 40);
    assert.ok(d.logs.val_accuracy > 0.93, `MNIST validation accuracy ${d.logs.val_accuracy}`);
    assert.ok(m.logs.val_accuracy > 0.9, `moons validation accuracy ${m.logs.val_accuracy}`);
    assert.match(await digits.getByRole('status').first().textContent(), /Trained 1 epoch/);

    const painted = await page.evaluate(() => Number(document.getElementById('moons').shadowRoot.querySelector('canvas[aria-label="Decision boundary"]').dataset.painted));
    assert.ok(painted >= 2, `the boundary was painted ${painted} times`);

    const predicted = page.evaluate(() => new Promise((resolve) => document.getElementById('digits').addEventListener('predict', (e) => resolve(e.detail), { once: true })));
    await drawOne(page, digits);
    const detail = await predicted;
    assert.equal(detail.probabilities.length, 10);
    await page.waitForFunction(() => document.getElementById('digits').shadowRoot.querySelector('[aria-label="Prediction"]').textContent.trim().startsWith('1'),
      null, { timeout: 10000 });
    await page.screenshot({ path: path.join(root, 'test-results', 'widgets.png'), fullPage: true });
  });

  test('a widget starts from a saved model (model="...") and reads a digit without training', async () => {
    const saved = page.locator('#saved');
    await page.waitForFunction(() => /Press Train/.test(document.getElementById('saved').shadowRoot.querySelector('[role="status"]').textContent),
      null, { timeout: 30000 });
    await drawOne(page, saved);
    await page.waitForFunction(() => document.getElementById('saved').shadowRoot.querySelector('[aria-label="Prediction"]').textContent.trim().startsWith('1'),
      null, { timeout: 10000 });
  });

  test('a widget takes a Keras topology from a child <script type="application/json">', async () => {
    await page.waitForFunction(() => /Total params: 29/.test(document.getElementById('json').shadowRoot.querySelector('[aria-label="Model summary"]').textContent),
      null, { timeout: 30000 });
    const summary = await page.locator('#json').getByLabel('Model summary').textContent();
    assert.match(summary, /\(None, 7\)/);
  });

  test('a widget trains on the person\'s own CSV file', async () => {
    const csv = page.locator('#csv');
    const ended = page.evaluate(() => new Promise((resolve) => document.getElementById('csv').addEventListener('trainend', (e) => resolve(e.detail.logs))));
    await csv.getByRole('button', { name: 'Train' }).click();
    const logs = await ended;
    assert.ok(logs.val_accuracy > 0.9, `validation accuracy on the CSV's held-out fifth: ${logs.val_accuracy}`);
    assert.match(await csv.getByRole('status').first().textContent(), /Trained 30 epochs/);
  });

  test('a reload during training offers Resume training, which ends where an uninterrupted training does', async () => {
    const other = await browser.newPage();
    other.on('pageerror', (e) => problems.push(`resume page error: ${e.message}`));
    try {
      await other.goto(`http://127.0.0.1:${server.address().port}/resume.html`);
      const widget = other.locator('#resumable');
      const status = () => widget.getByRole('status').first().textContent();
      await other.waitForFunction(() => /Press Train/.test(document.getElementById('resumable').shadowRoot.querySelector('[role="status"]').textContent),
        null, { timeout: 60000 });
      const trained = () => other.evaluate(() => new Promise((resolve) => document.getElementById('resumable')
        .addEventListener('trainend', (e) => resolve(e.detail.history), { once: true })));
      const uninterrupted = trained();
      await widget.getByRole('button', { name: 'Train' }).click();
      const expected = await uninterrupted;
      assert.equal(expected.loss.length, 6);

      // again, and a reload once the first epoch's checkpoint is written
      await widget.getByRole('button', { name: 'Train' }).click();
      const checkpointed = () => other.evaluate(async () => (await (await import(new URL('assets/neurite/neurite.js', location.href).href))
        .checkpoints.list()).some((c) => c.id.endsWith('#resumable') && c.epoch >= 1));
      for (let i = 0; i < 600 && !(await checkpointed()); i++) await other.waitForTimeout(100);
      assert.ok(await checkpointed(), 'a checkpoint after epoch 1');
      await other.reload();
      const resume = widget.getByRole('button', { name: 'Resume training' });
      await resume.waitFor({ state: 'visible', timeout: 60000 });
      await other.waitForFunction(() => /A training was interrupted (after|in) epoch \d of 6/.test(
        document.getElementById('resumable').shadowRoot.querySelector('[role="status"]').textContent), null, { timeout: 60000 })
        .catch(async (err) => { throw new Error(`the widget says "${await status()}" (${err.message})`); });
      const resumed = trained();
      await resume.click();
      const history = await resumed;
      assert.deepEqual(history, expected, 'the resumed training ends with the uninterrupted one\'s history, bit for bit');
      assert.match(await status(), /Trained 6 epochs/);
      assert.equal(await resume.isHidden(), true);
      const left = await other.evaluate(async () => (await (await import(new URL('assets/neurite/neurite.js', location.href).href)).checkpoints.list()).length);
      assert.equal(left, 0, 'a finished training leaves no checkpoint');
      await other.screenshot({ path: path.join(root, 'test-results', 'widget-resumed.png'), fullPage: true });
    } finally {
      await other.close();
    }
  });

  test('the host page\'s CSS does not leak in, and nothing is fetched but the copied dist/', async () => {
    await page.addStyleTag({ content: 'button { background: rgb(255, 0, 0) !important; } p { display: none; }' });
    const [bg, shown] = await page.evaluate(() => {
      const shadow = document.getElementById('digits').shadowRoot;
      return [getComputedStyle(shadow.querySelector('button')).backgroundColor, getComputedStyle(shadow.querySelector('[role="status"]')).display];
    });
    assert.notEqual(bg, 'rgb(255, 0, 0)');
    assert.notEqual(shown, 'none');
    assert.deepEqual(problems, []);
  });
});
