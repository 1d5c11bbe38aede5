// Shared set-up for the browser tests: Debian's Chromium driven by playwright-core, the page
// served by scripts/serve.mjs on a free port, and small helpers that act like a person would.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const resultsDir = path.join(root, 'test-results');

// The flags DESIGN.md lists as working as root in this container (playwright adds --headless).
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function requireBuild() {
  for (const f of ['dist/neurite.js', 'dist/wasm/neurite.mjs', 'dist/wasm/neurite.wasm', 'dist/data/mnist/train-images-idx3-ubyte.gz']) {
    if (!fs.existsSync(path.join(root, f))) throw new Error(`${f} is missing: build first (bash scripts/build.sh)`);
  }
}

// Test pages of tests/e2e/pages/ are served under /tests/, beside dist/.
const TEST_PAGES = { prefixes: [['/tests/', 'tests/e2e/pages']] };

export async function setUp({ isolated = true, throttleRate = 0 } = {}) {
  requireBuild();
  const server = await startServer({ port: 0, isolated, throttleRate, routes: TEST_PAGES });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: FLAGS,
  });
  return {
    server, browser,
    async close() { await browser.close(); await server.close(); },
  };
}

// A fresh browser profile (so IndexedDB starts empty) with the page open and the engine ready.
export async function openPage(env, { viewport = { width: 1280, height: 900 }, context } = {}) {
  const ctx = context ?? await env.browser.newContext({ viewport, acceptDownloads: true });
  const page = await ctx.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.goto(env.server.url);
  await page.waitForSelector('[data-trainer][data-engine="ready"]', { timeout: 30000 });
  return { page, context: ctx, problems };
}

export const button = (page, name) => page.getByRole('button', { name, exact: true });

export async function chooseTraining(page, { preset = 'mlp', epochs = 1, trainLimit, optimizer, learningRate, batchSize } = {}) {
  await page.selectOption('[data-ui="preset"]', preset);
  await page.fill('[data-ui="epochs"]', String(epochs));
  await page.fill('[data-ui="train-limit"]', trainLimit ? String(trainLimit) : '');
  if (optimizer) await page.selectOption('[data-ui="optimizer"]', optimizer);
  if (learningRate) await page.fill('[data-ui="learning-rate"]', String(learningRate));
  if (batchSize) await page.fill('[data-ui="batch-size"]', String(batchSize));
}

export const phase = (page) => page.evaluate(() => document.querySelector('[data-trainer]').dataset.state);
export const batchCounter = (page) => page.$eval('[data-ui="epoch-progress"]', (el) => Number(el.dataset.batch));

export async function waitForPhase(page, wanted, timeout = 120000) {
  await page.waitForFunction((w) => w.includes(document.querySelector('[data-trainer]').dataset.state), [wanted].flat(), { timeout, polling: 50 });
}

// Reads "97.8 %" from the element a person sees as the test accuracy.
export async function testAccuracy(page, timeout = 60000) {
  const out = page.getByLabel('Test accuracy');
  await out.waitFor({ timeout });
  return parseFloat((await out.textContent()).replace(',', '.'));
}

export async function screenshot(page, name) {
  fs.mkdirSync(resultsDir, { recursive: true });
  await page.screenshot({ path: path.join(resultsDir, `${name}.png`), fullPage: true });
}

// Draws with the mouse on the pad: points are in 0..1 of the canvas.
export async function draw(page, points) {
  const pad = page.locator('canvas[aria-label="Draw a digit"]');
  await pad.scrollIntoViewIfNeeded();
  const box = await pad.boundingBox();
  const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 2 });
  await page.mouse.up();
}

export const strokeOne = () => Array.from({ length: 16 }, (_, i) => [0.5, 0.18 + (0.64 * i) / 15]);
export const strokeZero = () => Array.from({ length: 41 }, (_, i) => {
  const t = (2 * Math.PI * i) / 40;
  return [0.5 + 0.2 * Math.sin(t), 0.5 - 0.3 * Math.cos(t)];
});

export async function prediction(page, startsWith, timeout = 10000) {
  const el = page.getByLabel('Prediction', { exact: true });
  if (startsWith != null) {
    await page.waitForFunction((s) => document.querySelector('[aria-label="Prediction"]')?.textContent.trim().startsWith(s),
      startsWith, { timeout }).catch(() => {});
  }
  return (await el.textContent()).trim();
}

export async function clearPad(page) {
  await button(page, 'Clear').click();
}
