// What the benchmark runs: the engines, the GEMM shapes, the defaults, and the command line.

// key: also the Worker's URL tag; script/type: the Worker under bench/browser/workers/.
export const ENGINES = [
  { key: 'neurite', label: 'Neurite wasm', script: 'neurite.mjs', type: 'module', options: { threaded: false } },
  { key: 'neurite-mt', label: 'Neurite wasm pthreads', script: 'neurite.mjs', type: 'module', options: { threaded: true } },
  // the build a browser without relaxed SIMD gets (Neurite wasm is the relaxed-SIMD one where Chromium has it)
  { key: 'neurite-simd128', label: 'Neurite wasm, SIMD128 (no FMA)', script: 'neurite.mjs', type: 'module',
    options: { threaded: false, relaxedSimd: false } },
  // the same core through the JavaScript library (dist/neurite.js: model.fit, its own Worker)
  { key: 'neurite-lib', label: 'Neurite library (model.fit)', script: 'neurite-lib.mjs', type: 'module', options: { threaded: false } },
  // the same, checkpointing to IndexedDB at each fit's end and every 2 s (the page: each epoch's end and every 20 s)
  { key: 'neurite-lib-checkpoints', label: 'Neurite library, checkpoints every 2 s', script: 'neurite-lib.mjs', type: 'module',
    options: { threaded: false, checkpointSeconds: 2 } },
  { key: 'tfjs-wasm', label: 'TF.js wasm', script: 'tfjs.js', type: 'classic', options: { backend: 'wasm' } },
  { key: 'tfjs-cpu', label: 'TF.js cpu', script: 'tfjs.js', type: 'classic', options: { backend: 'cpu' } },
  // jax-js's wasm backend, its training step jit-compiled (engines/jax-js.mjs): on one thread, and
  // with the worker pool it starts by itself where SharedArrayBuffer exists (a worker per core)
  { key: 'jax-js', label: 'jax-js wasm (jit)', script: 'jax-js.mjs', type: 'module', options: { pool: false } },
  { key: 'jax-js-pool', label: 'jax-js wasm (jit, worker pool)', script: 'jax-js.mjs', type: 'module', options: { pool: true } },
  { key: 'convnetjs', label: 'ConvNetJS', script: 'convnetjs.js', type: 'classic', options: {} },
];

// The engine the ratios are taken from: the build every page can load.
export const REFERENCE_ENGINE = 'neurite';

// The products of one training step at batch 32 (Dense: Y = X·W, dW = Xᵀ·dY, dX = dY·Wᵀ; Conv2D as
// im2col: cols [batch·oh·ow, kh·kw·cin] times the kernel [kh·kw·cin, filters]).
const gemm = (name, m, n, k, transA = false, transB = false) => ({ name, m, n, k, transA, transB });
export const GEMM_SHAPES = [
  gemm('mlp dense 784→128 forward X·W', 32, 128, 784),
  gemm('mlp dense 784→128 dW = Xᵀ·dY', 784, 128, 32, true),
  gemm('mlp dense 784→128 dX = dY·Wᵀ', 32, 784, 128, false, true),
  gemm('cnn conv 3×3×1→64 forward', 32 * 26 * 26, 64, 9),
  gemm('cnn conv 3×3×1→64 dK = colsᵀ·dY', 9, 64, 32 * 26 * 26, true),
  gemm('cnn conv 3×3×1→64 dCols = dY·Kᵀ', 32 * 26 * 26, 9, 64, false, true),
  gemm('cnn dense 10816→10 forward', 32, 10, 13 * 13 * 64),
  gemm('lenet conv 3×3×32→64 forward', 32 * 11 * 11, 64, 288),
  gemm('lenet conv 3×3×32→64 dK', 288, 64, 32 * 11 * 11, true),
  gemm('lenet conv 3×3×32→64 dCols', 32 * 11 * 11, 288, 64, false, true),
];

export const DEFAULTS = {
  runs: 5,                // timed runs per engine and workload; the table shows their median
  seconds: 2,             // length of one timed run, from the warm-up's rate
  minBatches: 2,          // the slowest peers' batches take seconds: never fewer than this
  maxBatches: 4000,
  warmUpSeconds: 2,
  warmUpBatches: 2,
  testLimit: 10000,       // test images evaluated after the runs ...
  evaluateSeconds: 20,    // ... or as many as this allows (the slow peers' CNNs: a few hundred a second)
  latencyGroups: 31,
  workloads: ['mlp', 'cnn', 'lenet'],
  engines: ENGINES.map((e) => e.key),
  native: true,
  timeToAccuracy: true,   // presets trained to 99 % (a few minutes)
  timeToAccuracyPresets: ['fast', 'lenet', 'best'],
  onlyTimeToAccuracy: false,
  outDir: 'bench-results',
};

const USAGE = `usage: node bench/browser/run.mjs [options]
  --runs N            timed runs per engine and workload (default ${DEFAULTS.runs}); the median is shown
  --seconds S         length of one timed run in seconds (default ${DEFAULTS.seconds})
  --workloads a,b     of mlp, cnn, lenet (default all)
  --engines a,b       of ${ENGINES.map((e) => e.key).join(', ')} (default all)
  --test-limit N      test images evaluated after the runs (default ${DEFAULTS.testLimit}) ...
  --evaluate-seconds S  ... or as many as S seconds allow (default ${DEFAULTS.evaluateSeconds})
  --no-native         skip the native figures
  --no-time-to-accuracy  skip the time-to-99 % runs
  --only-time-to-accuracy  run nothing else
  --presets a,b       the presets timed to accuracy (default fast,lenet,best; also cnn, mlp)
  --out DIR           where the JSON goes (default ${DEFAULTS.outDir}/)
  --compare FILE      also print the change against an earlier results file
  --quick             a smoke run: 1 run of 0.5 s, 1000 test images`;

const numeric = (name, text, min) => {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number >= ${min}, got '${text}'`);
  return value;
};

const listOf = (name, text, known) => {
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = items.filter((i) => !known.includes(i));
  if (unknown.length) throw new Error(`${name}: unknown ${unknown.join(', ')} (known: ${known.join(', ')})`);
  return items;
};

export function parseArgs(argv) {
  const config = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++i];
    };
    switch (arg) {
      case '--runs': config.runs = Math.round(numeric(arg, value(), 1)); break;
      case '--seconds': config.seconds = numeric(arg, value(), 0.05); break;
      case '--workloads': config.workloads = listOf(arg, value(), DEFAULTS.workloads); break;
      case '--engines': config.engines = listOf(arg, value(), DEFAULTS.engines); break;
      case '--test-limit': config.testLimit = Math.round(numeric(arg, value(), 1)); break;
      case '--evaluate-seconds': config.evaluateSeconds = numeric(arg, value(), 0); break;
      case '--no-native': config.native = false; break;
      case '--no-time-to-accuracy': config.timeToAccuracy = false; break;
      case '--presets': config.timeToAccuracyPresets = listOf(arg, value(), ['fast', 'best', 'lenet', 'cnn', 'mlp']); break;
      case '--only-time-to-accuracy': Object.assign(config, { onlyTimeToAccuracy: true, timeToAccuracy: true }); break;
      case '--out': config.outDir = value(); break;
      case '--compare': config.compare = value(); break;
      case '--quick': Object.assign(config, { runs: 1, seconds: 0.5, warmUpSeconds: 1, testLimit: 1000, latencyGroups: 5 }); break;
      case '--help': case '-h': config.help = USAGE; break;
      default: throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  return config;
}
