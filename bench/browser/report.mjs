// The tables `npm run bench` prints, from a results object (the same one the JSON file holds).
import {
  compareResults, duration, fixed, megabytes, percent, ratio, signedPercent, table, times, trainingEntry,
} from './stats.mjs';
import { BATCH_SIZE } from './workloads.mjs';

function accuracyCell(entry) {
  if (entry.status !== 'ok') return '—';
  const trained = `${fixed(entry.samplesTrained)} trained`;
  const tested = entry.testSamples < 10000 ? `, ${fixed(entry.testSamples)} tested` : '';
  return `${percent(entry.testAccuracy)} (${trained}${tested})`;
}

function memoryCell(entry) {
  const { wasmHeapBytes, workerBytes } = entry.memory ?? {};
  return [megabytes(wasmHeapBytes), megabytes(workerBytes)];
}

function engineRow(entry, reference) {
  if (entry.status !== 'ok') return [entry.label, entry.status, '', `(${entry.error})`, '', '', '', ''];
  const referenceRate = reference?.status === 'ok' ? reference.samplesPerSecond : NaN;
  return [
    entry.label,
    fixed(entry.samplesPerSecond),
    duration(entry.epochSeconds),
    accuracyCell(entry),
    ...memoryCell(entry),
    `${fixed(entry.predictLatencyMs, 3)} ms`,
    entry.engine === reference?.engine ? '1' : times(ratio(referenceRate, entry.samplesPerSecond)),
  ];
}

const TRAINING_HEADERS = ['engine', 'samples/s', 'epoch (60k)', 'test accuracy', 'wasm heap', 'worker memory',
  'predict 1 image', 'Neurite ÷ engine'];

export function trainingTable(results, workload) {
  const reference = trainingEntry(results, workload, results.config.referenceEngine);
  const rows = results.training.filter((t) => t.workload === workload).map((t) => engineRow(t, reference));
  for (const n of (results.native?.training ?? []).filter((r) => r.workload === workload)) {
    rows.push([`Neurite native ×${n.threads}`, fixed(n.samplesPerSecond), duration(60000 / n.samplesPerSecond),
      '', '', '', '', times(ratio(reference?.samplesPerSecond, n.samplesPerSecond))]);
  }
  return table(TRAINING_HEADERS, rows, ['l', 'r', 'r', 'l', 'r', 'r', 'r', 'r']);
}

export function kernelTable(results) {
  const { fma, simdPeakGflops, fusedPeakGflops, simdPeakChains: chains, gemm, gemmSimd128 } = results.kernels;
  const peak = fma ? fusedPeakGflops : simdPeakGflops;
  const nativeFor = (s) => (results.native?.gemm ?? []).find((g) => g.m === s.m && g.n === s.n && g.k === s.k
    && g.transA === s.transA && g.transB === s.transB);
  const op = (s) => `${s.transA ? 'Aᵀ' : 'A'}·${s.transB ? 'Bᵀ' : 'B'}`;
  const rows = gemm.map((s, i) => [s.name, `${s.m}×${s.n}×${s.k}`, op(s), fixed(s.gflops, 1),
    percent(ratio(s.gflops, peak), 0), ...(gemmSimd128 ? [fixed(gemmSimd128[i]?.gflops, 1)] : []), fixed(nativeFor(s)?.gflops, 1)]);
  const blank = gemmSimd128 ? ['', ''] : [''];
  rows.push([`wasm SIMD128 peak (${chains} f32x4 mul+add chains)`, '', '', fixed(simdPeakGflops, 1),
    percent(ratio(simdPeakGflops, peak), 0), ...blank]);
  if (fma) rows.push([`wasm FMA peak (${chains} f32x4.relaxed_madd chains)`, '', '', fixed(fusedPeakGflops, 1), '100 %', ...blank]);
  const build = fma ? 'relaxed-SIMD build' : 'SIMD128 build';
  return table([`SGEMM (1 thread, ${build})`, 'M×N×K', 'op', 'wasm GFLOP/s', `of the ${fma ? 'FMA' : 'SIMD128'} peak`,
    ...(gemmSimd128 ? ['SIMD128 build GFLOP/s'] : []), 'native GFLOP/s'], rows,
  ['l', 'r', 'l', 'r', 'r', ...(gemmSimd128 ? ['r'] : []), 'r']);
}

const NOTES = `samples/s: median of the timed runs (batch 32, after warm-up, engines interleaved); epoch = 60,000 / that.
test accuracy: after all the runs' training (samples trained shown), on the first N of the 10,000 test images.
wasm heap: the engine's WebAssembly memory at the end (it only grows, so this is its peak; Neurite's holds the
  training and test sets as bytes). worker memory: performance.measureUserAgentSpecificMemory's figure for the
  engine's Worker after its evaluation (JS heap and buffers, the data set included). Not for the pthread
  build: a pthread that ever waited in Atomics.wait stalls the measurement, so it runs in an unmeasured page.
predict 1 image: median time of one single-image predict call, result read back, after warm-up.
Neurite ÷ engine: Neurite wasm (single-threaded, relaxed-SIMD build where the browser has it) samples/s over that engine's; on the native rows
  (the CLI on a slice of MNIST, NEURITE_THREADS=1 or 2) it is what share of native speed the wasm build reaches.`;

// Neurite's training step by layer for each of its engines (ms per batch of 32): the profile behind
// the threads' speed-up, taken by the training loop itself on the session's next steps, with those
// steps' whole time beside it (the loss, the optimizer and the batch gathering are the difference).
export function layerTable(results, workload) {
  const engines = results.training.filter((t) => t.workload === workload && t.status === 'ok' && t.layers);
  if (!engines.length) return null;
  const one = engines.find((e) => e.engine === 'neurite-mt×1'), two = engines.find((e) => e.engine === 'neurite-mt×2');
  const layersMs = (e) => e.layers.reduce((sum, l) => sum + l.forwardMs + l.backwardMs, 0);
  const stepMs = (e) => e.profiledStepMs ?? (BATCH_SIZE / e.samplesPerSecond) * 1000;
  const lines = [];  // [label, ms of an engine]
  engines[0].layers.forEach((layer, i) => {
    for (const pass of ['forward', 'backward']) lines.push([`${layer.name} (${layer.className}) ${pass}`, (e) => e.layers[i][`${pass}Ms`]]);
  });
  lines.push(['all layers', layersMs], ['whole training step (loss, optimizer, batch gathering too)', stepMs]);
  const rows = lines.map(([label, msOf]) => [label, ...engines.map((e) => fixed(msOf(e), 2)),
    ...(one && two ? [times(ratio(msOf(one), msOf(two)))] : [])]);
  return table(['ms per batch of 32', ...engines.map((e) => e.label), ...(one && two ? ['pthreads ×1 ÷ ×2'] : [])], rows);
}

export function startupTable(results) {
  const rows = results.startup.map((s) => [s.page, `${fixed(s.firstPaintMs)} ms`, `${fixed(s.paintToReadyMs)} ms`,
    `${fixed(s.readyMs)} ms`, s.drawPadMs === undefined ? '' : `${fixed(s.drawPadMs, 2)} ms (fastest ${fixed(s.drawPadFastestMs, 2)})`]);
  return table(['trainer page (localhost, fresh profile)', 'first paint', 'first paint → ready to train', 'navigation → ready',
    'draw pad: preprocess one 280×280 drawing'], rows);
}

const milestoneCell = (t, threshold) => {
  if (!(t.thresholds ?? [0.98, 0.99]).includes(threshold)) return '(not timed)';
  const m = t.milestones?.find((r) => r.threshold === threshold);
  return m ? `${fixed(m.seconds, 1)} s (epoch ${m.epoch + 1}, batch ${fixed(m.batch)})` : 'not reached';
};

export function timeToAccuracyTable(results) {
  const rows = results.timeToAccuracy;
  const thresholds = [...new Set(rows.flatMap((t) => t.thresholds ?? [0.98, 0.99]))].sort();
  const body = rows.map((t) => (t.error ? [t.preset, t.where, '', `error: ${t.error}`, ...thresholds.map(() => ''), '', ''] : [
    t.preset, t.where, String(t.batchSize), ...thresholds.map((h) => milestoneCell(t, h)),
    `${t.epochsRun} of ${t.maxEpochs}`, `${fixed(t.fitSeconds, 0)} s`,
    percent(Number.isFinite(t.testAccuracy) ? t.testAccuracy : t.probeAccuracy, 2),
  ]));
  return table(['preset', 'where', 'batch', ...thresholds.map((h) => `to ${Number((h * 100).toFixed(1))} %`), 'epochs', 'whole run',
    'test accuracy at the end'], body, ['l', 'l', 'r', ...thresholds.map(() => 'l'), 'r', 'r', 'l']);
}

const TIME_TO_ACCURACY_NOTES = `Wall time from the first batch until the accuracy on test images 4,000-5,999 (half from MNIST's
  cleaner first 5,000, half from its harder rest) first reached each threshold, probed 12 times an epoch and at
  each epoch's end, the probes' time counted; seed 1, each preset's recipe (optimizer, schedule, batch size,
  epochs), run to its end. Chromium: the library (model.fit with milestones) in its Worker, the epoch-end
  validation on that same slice. Native: the CLI (--milestones), whose epoch-end validation on all 10,000
  test images is inside its times. Whole run: the fit (native: the CLI process, data loading included).
  Test accuracy at the end: all 10,000 test images.`;

export function report(results) {
  const parts = [];
  const { machine, config } = results;
  parts.push(`Neurite benchmark, ${results.startedAt}: Chromium ${machine.chromium}, ${machine.cpus}× ${machine.cpuModel}, `
    + `load average ${machine.loadAverage.map((l) => l.toFixed(1)).join(' ')} at the start; ${config.runs} runs per engine.`);
  if (results.timeToAccuracy?.length) {
    parts.push(`\n### Time to accuracy\n\n${timeToAccuracyTable(results)}\n\n${TIME_TO_ACCURACY_NOTES}`);
  }
  if (config.onlyTimeToAccuracy) return parts.join('\n');
  for (const workload of config.workloads) parts.push(`\n### ${workload}\n\n${trainingTable(results, workload)}`);
  parts.push(`\n${NOTES}`);
  for (const workload of config.workloads) {
    const layers = layerTable(results, workload);
    if (layers) parts.push(`\n### Where Neurite's ${workload} step goes (each layer timed inside wasm during training)\n\n${layers}`);
  }
  if (results.startup) {
    parts.push(`\n### Page start-up (median of ${config.runs} visits)\n\n${startupTable(results)}\n\n`
      + 'ready to train: the engine has started, MNIST is fetched, decompressed and in wasm memory, and the model is built. '
      + 'Draw pad: web/ui/mnist-preprocess.js on a 280×280 disc, median of 50 calls per visit after 20 to warm up '
      + '(it runs on every stroke; budget 2 ms).');
  }
  if (results.checkpointCost) {
    const c = results.checkpointCost;
    parts.push(`\n### What checkpoints cost (median of ${c.rounds} fits each, alternating)\n\n`
      + table(['the mlp, 4 epochs of MNIST in the page (single-threaded build)', 'wall time', 'checkpoints written'], [
        ['without checkpoints', `${fixed(c.withoutSeconds, 2)} s`, '0'],
        ['with the page\'s (each epoch\'s end, every 20 s)', `${fixed(c.withSeconds, 2)} s`, String(c.checkpointsPerFit)],
        ['with ÷ without', times(ratio(c.withSeconds, c.withoutSeconds)), ''],
      ]));
  }
  if (results.kernels) parts.push(`\n### SGEMM kernels (wasm, one Worker)\n\n${kernelTable(results)}`);
  return parts.join('\n');
}

export function comparisonReport(before, after) {
  const { training, gemm } = compareResults(before, after);
  const parts = [`\n### Change against ${before.startedAt}\n`];
  parts.push(table(['workload', 'engine', 'before samples/s', 'now', 'change'],
    training.map((t) => [t.workload, t.engine, fixed(t.before), fixed(t.after), signedPercent(t.change)]),
    ['l', 'l', 'r', 'r', 'r']));
  if (gemm.length) {
    parts.push('', table(['SGEMM', 'before GFLOP/s', 'now', 'change'],
      gemm.map((g) => [g.name, fixed(g.before, 1), fixed(g.after, 1), signedPercent(g.change)])));
  }
  return parts.join('\n');
}
