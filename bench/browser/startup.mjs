// The trainer page as a person opens it: first paint → "ready to train" (engine started, MNIST
// fetched, decompressed and copied into wasm memory, the model built), which the page marks with
// performance.mark. Each visit uses a fresh browser profile, so nothing comes from a cache.
// On the same page, the draw pad's preprocessing (web/ui/mnist-preprocess.js), which runs on every
// stroke: a 280×280 disc, the fastest and the median of 50 calls after 20 to warm the JIT.
import { startServer } from '../../scripts/serve.mjs';
import { median } from './stats.mjs';

export const READY_MARK = 'neurite:ready-to-train';

async function timePreprocessing() {
  const { preprocessDrawing } = await import('/ui/mnist-preprocess.js');
  const size = 280;
  const rgba = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) if ((x - 140) ** 2 + (y - 140) ** 2 <= 100 ** 2) rgba[(y * size + x) * 4 + 3] = 255;
  }
  for (let i = 0; i < 20; i++) preprocessDrawing(rgba, size, size);
  const times = [];
  for (let i = 0; i < 50; i++) {
    const t0 = performance.now();
    preprocessDrawing(rgba, size, size);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { fastestMs: times[0], medianMs: times[25] };
}

async function visit(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, READY_MARK, { timeout: 60000, polling: 20 });
    const drawPad = await page.evaluate(timePreprocessing);
    const timings = await page.evaluate((mark) => {
      const paint = performance.getEntriesByName('first-paint')[0] ?? performance.getEntriesByName('first-contentful-paint')[0];
      return {
        firstPaintMs: paint?.startTime ?? NaN,
        readyMs: performance.getEntriesByName(mark)[0].startTime,
        threaded: document.querySelector('[data-trainer]').dataset.threaded === 'true',
      };
    }, READY_MARK);
    return { ...timings, drawPad };
  } finally {
    await context.close();
  }
}

// Both pages (single-threaded when not cross-origin isolated, pthreads when isolated), visited
// in turn `runs` times; medians of navigation → first paint and first paint → ready.
export async function benchStartup(browser, { runs }, log) {
  const pages = [];
  for (const isolated of [false, true]) {
    pages.push({ isolated, server: await startServer({ port: 0, isolated }), visits: [] });
  }
  try {
    for (let round = 0; round < runs; round++) {
      for (const p of pages) p.visits.push(await visit(browser, p.server.url));
    }
  } finally {
    await Promise.all(pages.map((p) => p.server.close()));
  }
  return pages.map(({ isolated, visits }) => {
    const entry = {
      page: isolated ? 'cross-origin isolated (pthreads build)' : 'not isolated (single-threaded build)',
      threaded: visits.every((v) => v.threaded),
      firstPaintMs: median(visits.map((v) => v.firstPaintMs)),
      paintToReadyMs: median(visits.map((v) => v.readyMs - v.firstPaintMs)),
      readyMs: median(visits.map((v) => v.readyMs)),
      drawPadMs: median(visits.map((v) => v.drawPad.medianMs)),
      drawPadFastestMs: Math.min(...visits.map((v) => v.drawPad.fastestMs)),
      runs: visits,
    };
    log(`  ${entry.page}: first paint ${entry.firstPaintMs.toFixed(0)} ms, then ready to train after ${entry.paintToReadyMs.toFixed(0)} ms; `
      + `draw pad preprocessing ${entry.drawPadMs.toFixed(2)} ms (fastest ${entry.drawPadFastestMs.toFixed(2)})`);
    return entry;
  });
}
