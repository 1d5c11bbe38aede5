// The in-browser part: one headless Chromium page on the isolated bench server, one Worker per
// engine and workload, timed runs interleaved between engines.
import { chromium } from 'playwright-core';
import { startBenchServer } from './server.mjs';
import { EPOCH_SAMPLES, interleave, median, timedBatchesFor } from './stats.mjs';
import { BATCH_SIZE, hasConvolution } from './workloads.mjs';

// DESIGN.md's flags for Debian's Chromium as root; ForceEagerMeasureMemory makes
// measureUserAgentSpecificMemory answer at once instead of at the next natural GC.
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--enable-blink-features=ForceEagerMeasureMemory'];

async function openPage(browser, url, log) {
  const page = await browser.newPage();
  page.on('console', (m) => { if (m.type() === 'error' || process.env.BENCH_DEBUG) log(`  [page] ${m.text()}`); });
  page.on('pageerror', (e) => log(`  [page] ${e.message}`));
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

// Two pages: measureUserAgentSpecificMemory waits for every worker of its page, and a pthread that
// ever blocked in Atomics.wait (the kernels' idle pool) stalls it for good, even once terminated;
// so the threaded engines run in a page of their own, which is never measured.
export async function openBench(log) {
  const server = await startBenchServer();
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: FLAGS });
  const url = `${server.url}bench/`;
  const pages = { plain: await openPage(browser, url, log), threaded: await openPage(browser, url, log) };
  const pageOf = new Map();  // worker key → the page it runs in
  const isolated = await pages.threaded.evaluate(() => window.bench.crossOriginIsolated);
  const on = (key) => pageOf.get(key);
  return {
    browser,
    browserVersion: browser.version(),
    isolated,
    async start(key, engine) {
      pageOf.set(key, engine.options?.threaded ? pages.threaded : pages.plain);
      await on(key).evaluate(([k, s, t]) => window.bench.start(k, s, t), [key, engine.script, engine.type]);
    },
    call: (key, command, args) => on(key).evaluate(([k, c, a]) => window.bench.call(k, c, a), [key, command, args]),
    stop: (key) => on(key).evaluate((k) => window.bench.stop(k), key),
    workerMemory: () => pages.plain.evaluate(() => window.bench.workerMemory()),
    async close() { await browser.close(); await server.close(); },
  };
}

// Neurite's pthread build, once per thread count when its kernels let the count be set
// (one Worker that reports whether it can), else once as it comes.
export async function expandThreadCounts(bench, engines) {
  const out = [];
  for (const engine of engines) {
    if (!engine.options.threaded) { out.push(engine); continue; }
    const key = 'probe/neurite-mt';
    await bench.start(key, engine);
    const info = await bench.call(key, 'init', engine.options).finally(() => bench.stop(key));
    if (!info.threadControl) { out.push({ ...engine, note: 'thread count not settable in this build' }); continue; }
    for (const threads of [1, 2]) {
      out.push({ ...engine, key: `${engine.key}×${threads}`, label: `${engine.label} ×${threads}`,
        options: { ...engine.options, threads } });
    }
  }
  return out;
}


async function prepare(bench, workload, engine, config, log) {
  const key = `${workload}/${engine.key}`;
  const entry = { workload, engine: engine.key, label: engine.label, status: 'ok', runs: [], memory: {}, notes: [] };
  if (engine.note) entry.notes.push(engine.note);
  try {
    await bench.start(key, engine);
    entry.info = await bench.call(key, 'init', engine.options);
  } catch (err) {
    return { ...entry, status: 'error', error: firstLine(err) };
  }
  try {
    entry.params = (await bench.call(key, 'build', { workload })).params;
    const warm = await bench.call(key, 'warmUp', { minBatches: config.warmUpBatches, minSeconds: config.warmUpSeconds });
    entry.warmUpBatches = warm.batches;
    entry.timedBatches = timedBatchesFor(warm.batches / warm.seconds,
      { targetSeconds: config.seconds, min: config.minBatches, max: config.maxBatches });
    log(`  ${engine.label}: warmed up over ${warm.batches} batches (${warm.seconds.toFixed(1)} s), timing ${entry.timedBatches} per run`);
  } catch (err) {
    // e.g. TF.js's wasm backend has no Conv2DBackpropFilter kernel: the engine cannot train this network
    await bench.stop(key);
    const status = hasConvolution(workload) && /kernel|not (yet )?(implemented|registered|supported)/i.test(err.message) ? 'cannot train' : 'error';
    log(`  ${engine.label}: ${status}: ${firstLine(err)}`);
    return { ...entry, status, error: firstLine(err) };
  }
  return { ...entry, key, threaded: Boolean(engine.options.threaded) };
}

// The error's own first line, without the "page.evaluate: Error: " wrappers it gathers on the way out.
const firstLine = (err) => (String(err?.message ?? err).split('\n').find((l) => l.trim()) ?? 'unknown error')
  .replace(/^(page\.evaluate: |Uncaught |Error: )+/, '');

async function finish(bench, entry, config, measureWorker) {
  const { key } = entry;
  const evaluation = await bench.call(key, 'evaluate', { limit: config.testLimit, maxSeconds: config.evaluateSeconds });
  entry.testAccuracy = evaluation.accuracy;
  entry.testSamples = evaluation.samples;
  entry.evaluateSeconds = evaluation.seconds;
  const latency = await bench.call(key, 'latency', { groups: config.latencyGroups, warmupCalls: 20 });
  entry.predictLatencyMs = latency.milliseconds;
  entry.predictCalls = latency.calls;
  Object.assign(entry.memory, await bench.call(key, 'memory'));
  // where Neurite's step goes, layer by layer, with this engine's thread count
  if (entry.engine.startsWith('neurite')) {
    const profile = await bench.call(key, 'layers', { workload: entry.workload });
    if (profile) Object.assign(entry, { layers: profile.layers, profiledStepMs: profile.stepMs });
  }
  if (measureWorker) {
    const bytes = (await bench.workerMemory())?.[key];
    if (Number.isFinite(bytes)) entry.memory.workerBytes = bytes;
  }
  await bench.stop(key);
  delete entry.key;
}

export async function benchWorkload(bench, workload, engines, config, log) {
  log(`\n${workload}: warming up`);
  const entries = [];
  for (const engine of engines) entries.push(await prepare(bench, workload, engine, config, log));
  const active = entries.filter((e) => e.key);

  log(`${workload}: ${config.runs} rounds of timed runs, engines interleaved`);
  for (const { engine: entry } of interleave(active, config.runs)) {
    const run = await bench.call(entry.key, 'train', { batches: entry.timedBatches });
    entry.runs.push(run.samplesPerSecond);
  }
  for (const entry of active) {
    entry.samplesPerSecond = median(entry.runs);
    entry.epochSeconds = EPOCH_SAMPLES / entry.samplesPerSecond;
    entry.samplesTrained = (entry.warmUpBatches + entry.timedBatches * config.runs) * BATCH_SIZE;
    log(`  ${entry.label}: ${Math.round(entry.samplesPerSecond)} samples/s; evaluating`);
    await finish(bench, entry, config, !entry.threaded);
    delete entry.threaded;
  }
  return entries;
}

// The SGEMM of the build the page loads (the relaxed-SIMD one where the browser has it) against its
// peak (of fused multiply-adds, for that build), and of the SIMD128 build beside it.
export async function benchKernels(bench, shapes) {
  const measure = async (key, options, measurePeaks) => {
    await bench.start(key, { script: 'neurite.mjs', type: 'module' });
    try {
      const { fma } = await bench.call(key, 'init', { threaded: false, ...options });
      const peak = measurePeaks ? await bench.call(key, 'simdPeak', {}) : null;
      const fusedPeak = measurePeaks && fma ? await bench.call(key, 'simdPeak', { fused: true }) : null;
      return { fma, peak, fusedPeak, gemm: await bench.call(key, 'gemm', { shapes }) };
    } finally {
      await bench.stop(key);
    }
  };
  const loaded = await measure('kernels', {}, true);
  const plain = loaded.fma ? await measure('kernels-simd128', { relaxedSimd: false }, false) : null;
  return { fma: loaded.fma, simdPeakGflops: loaded.peak.gflops, fusedPeakGflops: loaded.fusedPeak?.gflops ?? null,
    simdPeakChains: loaded.peak.chains, gemm: loaded.gemm, gemmSimd128: plain?.gemm ?? null };
}
