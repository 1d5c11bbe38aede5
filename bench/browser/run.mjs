#!/usr/bin/env node
// npm run bench: Neurite (wasm, single-threaded and pthreads) against TF.js (wasm and cpu backends)
// and ConvNetJS, training the same networks on MNIST at batch 32 in one headless Chromium, one
// Worker per engine; plus the trainer page's start-up, the SGEMM kernels against the wasm SIMD peak, and the native figures.
// Prints Markdown tables and writes bench-results/<time>.json and bench-results/latest.json.
// Not a test: nothing here fails on a slow number. See config.mjs for the options.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINES, GEMM_SHAPES, REFERENCE_ENGINE, parseArgs } from './config.mjs';
import { nativeBench, nativeTraining } from './native.mjs';
import { comparisonReport, report } from './report.mjs';
import { benchKernels, benchWorkload, expandThreadCounts, openBench } from './session.mjs';
import { SCHEMA, schemaProblems } from './stats.mjs';
import { benchCheckpointCost } from './checkpoint-cost.mjs';
import { benchStartup } from './startup.mjs';
import { TIME_TO_ACCURACY, browserTimeToAccuracy, nativeTimeToAccuracy } from './time-to-accuracy.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const log = (line) => process.stderr.write(`${line}\n`);

function requireFiles(files) {
  const missing = files.filter((f) => !fs.existsSync(path.join(root, f)));
  if (missing.length) throw new Error(`missing ${missing.join(', ')}: run bash scripts/build.sh --native first`);
}

function machine() {
  return { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? 'unknown', node: process.version,
    loadAverage: os.loadavg() };
}

async function browserPart(results, config) {
  const bench = await openBench(log);
  try {
    results.machine.chromium = bench.browserVersion;
    if (!bench.isolated) throw new Error('the bench page is not cross-origin isolated: the threaded build cannot run');
    if (config.timeToAccuracy) {
      log('time to accuracy: presets trained as their recipes say, timed to 98, 99 and 99.4 % on the probed test slice');
      results.timeToAccuracy = await browserTimeToAccuracy(bench, log, { ...TIME_TO_ACCURACY, presets: config.timeToAccuracyPresets });
    }
    if (config.onlyTimeToAccuracy) return;
    log('page start-up: first paint → ready to train, fresh profile per visit');
    results.startup = await benchStartup(bench.browser, { runs: config.runs }, log);
    log('checkpoints: the mlp fitted 4 epochs with the page\'s checkpoints and without, alternating');
    results.checkpointCost = await benchCheckpointCost(bench.browser, { rounds: config.runs }, log);
    log('kernels: wasm SIMD peak and SGEMM');
    results.kernels = await benchKernels(bench, GEMM_SHAPES);
    const engines = await expandThreadCounts(bench, ENGINES.filter((e) => config.engines.includes(e.key)));
    for (const workload of config.workloads) results.training.push(...await benchWorkload(bench, workload, engines, config, log));
  } finally {
    await bench.close();
  }
}

function nativePart(results, config) {
  if (config.timeToAccuracy) {
    log('\nnative time to accuracy');
    results.timeToAccuracy.push(...nativeTimeToAccuracy(root, log, { ...TIME_TO_ACCURACY, presets: config.timeToAccuracyPresets }));
  }
  if (config.onlyTimeToAccuracy) return;
  log('\nnative: neurite train per workload, and neurite_bench');
  const bench = nativeBench(root);
  results.native = { training: nativeTraining(root, config.workloads), gemm: bench.gemm, benchOutput: bench.output };
}

function save(results, outDir) {
  const dir = path.resolve(root, outDir);
  fs.mkdirSync(dir, { recursive: true });
  const text = `${JSON.stringify(results, null, 1)}\n`;
  const file = path.join(dir, `${results.startedAt.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, text);
  fs.writeFileSync(path.join(dir, 'latest.json'), text);
  return file;
}

async function main() {
  const config = parseArgs(process.argv.slice(2));
  if (config.help) { console.log(config.help); return; }
  const before = config.compare ? JSON.parse(fs.readFileSync(config.compare, 'utf8')) : null;
  requireFiles(['build/wasm/neurite.mjs', 'build/wasm/neurite-mt.mjs', 'build/data/mnist/train-images-idx3-ubyte.gz',
    ...(config.native ? ['build/native/neurite', 'build/native/neurite_bench'] : [])]);
  const started = Date.now();
  const results = { schema: SCHEMA, startedAt: new Date().toISOString(), machine: machine(),
    config: { ...config, referenceEngine: REFERENCE_ENGINE, batchSize: 32 }, training: [] };
  await browserPart(results, config);
  if (config.native) nativePart(results, config);
  results.seconds = (Date.now() - started) / 1000;
  const problems = schemaProblems(results);
  if (problems.length) throw new Error(`results do not fit the schema: ${problems.join('; ')}`);
  const file = save(results, config.outDir);
  console.log(report(results));
  if (results.native) console.log(`\n### bench/native (build/native/neurite_bench)\n\n${results.native.benchOutput.trim()}`);
  if (before) console.log(comparisonReport(before, results));
  log(`\nwrote ${path.relative(root, file)} and latest.json in ${(results.seconds / 60).toFixed(1)} min`);
}

main().catch((err) => { console.error(`bench: ${err.stack ?? err}`); process.exit(1); });
