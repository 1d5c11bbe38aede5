// The trainer page as a person opens it: first paint → "ready to train" (engine started, MNIST
// fetched, decompressed and copied into wasm memory, the model built), which the page marks with
// performance.mark. Each visit uses a fresh browser profile, so nothing comes from a cache.
import { startServer } from '../../scripts/serve.mjs';
import { median } from './stats.mjs';

export const READY_MARK = 'neurite:ready-to-train';

async function visit(browser, url) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, READY_MARK, { timeout: 60000, polling: 20 });
    return await page.evaluate((mark) => {
      const paint = performance.getEntriesByName('first-paint')[0] ?? performance.getEntriesByName('first-contentful-paint')[0];
      return {
        firstPaintMs: paint?.startTime ?? NaN,
        readyMs: performance.getEntriesByName(mark)[0].startTime,
        threaded: document.querySelector('[data-trainer]').dataset.threaded === 'true',
      };
    }, READY_MARK);
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
      runs: visits,
    };
    log(`  ${entry.page}: first paint ${entry.firstPaintMs.toFixed(0)} ms, then ready to train after ${entry.paintToReadyMs.toFixed(0)} ms`);
    return entry;
  });
}
