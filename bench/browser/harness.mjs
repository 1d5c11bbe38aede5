// The worker side of the benchmark: one engine per Worker, driven by requests from the page
// ({id, command, args} in, {id, result} or {id, error} out). The harness owns the data and all
// timing; an engine adapter (engines/*.mjs) only builds, trains, evaluates and predicts.
import { openUrl, parseIdx, readIdxBytes } from '/lib/idx.js';
import { DATA_FILES } from '/lib/catalog.js';
import { BATCH_SIZE, IMAGE, WORKLOADS } from './workloads.mjs';
import { measureSimdPeak } from './simd-peak.mjs';

async function fetchIdx(name, dims) {
  const source = await openUrl(new URL(`/data/mnist/${name}`, self.location.href).href);
  const bytes = await readIdxBytes(source.stream(), name);
  return parseIdx(bytes, name, dims);
}

async function loadMnist() {
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
    fetchIdx(DATA_FILES.xTrain, 3), fetchIdx(DATA_FILES.yTrain, 1),
    fetchIdx(DATA_FILES.xTest, 3), fetchIdx(DATA_FILES.yTest, 1),
  ]);
  return {
    train: { images: trainImages.data, labels: trainLabels.data, count: trainImages.dims[0] },
    test: { images: testImages.data, labels: testLabels.data, count: testImages.dims[0] },
  };
}

// Trains in chunks until at least minBatches and minSeconds have passed: V8 first runs wasm and JS
// in its baseline tiers and swaps in optimised code later, so nothing before this is timed.
async function warmUp(engine, { minBatches, minSeconds }) {
  const start = performance.now();
  let batches = 0;
  let chunk = 1;
  while (batches < minBatches || performance.now() - start < minSeconds * 1000) {
    const chunkStart = performance.now();
    await engine.trainBatches(chunk);
    batches += chunk;
    // chunks of ~50 ms: short enough to stop close to minSeconds, long enough to cost nothing
    chunk = Math.max(1, Math.min(64, Math.round((chunk * 50) / Math.max(1, performance.now() - chunkStart))));
  }
  return { batches, seconds: (performance.now() - start) / 1000 };
}

async function timedTraining(engine, { batches }) {
  const start = performance.now();
  const { loss } = await engine.trainBatches(batches);
  const seconds = (performance.now() - start) / 1000;
  return { batches, seconds, samplesPerSecond: (batches * BATCH_SIZE) / seconds, loss };
}

// Median latency of one single-image predict. performance.now() ticks in 5 µs steps in an isolated
// worker, so calls are timed in groups of at least ~1 ms and divided.
async function predictLatency(engine, { groups, warmupCalls }) {
  for (let i = 0; i < warmupCalls; i++) await engine.predictOne(i);
  const probeStart = performance.now();
  await engine.predictOne(0);
  const perGroup = Math.max(1, Math.ceil(1 / Math.max(0.005, performance.now() - probeStart)));
  const samples = [];
  for (let g = 0; g < groups; g++) {
    const start = performance.now();
    for (let i = 0; i < perGroup; i++) await engine.predictOne(g * perGroup + i);
    samples.push((performance.now() - start) / perGroup);
  }
  samples.sort((a, b) => a - b);
  return { milliseconds: samples[samples.length >> 1], calls: groups * perGroup };
}

// Accuracy on the first `limit` test images, or on as many as maxSeconds allow (the slow peers
// classify a few hundred CNN images a second): the caller reports how many were seen.
async function evaluate(engine, data, { limit, maxSeconds = Infinity, chunk = 250 }) {
  const wanted = Math.min(limit ?? data.test.count, data.test.count);
  const start = performance.now();
  let seen = 0, correct = 0;
  while (seen < wanted && (seen === 0 || performance.now() - start < maxSeconds * 1000)) {
    const n = Math.min(chunk, wanted - seen);
    correct += await engine.countCorrect(seen, n);
    seen += n;
  }
  return { accuracy: correct / seen, samples: seen, seconds: (performance.now() - start) / 1000 };
}

export function serve(createEngine) {
  let engine = null;
  let data = null;
  const commands = {
    async init(options) {
      data = await loadMnist();
      engine = await createEngine(options, data);
      return engine.info;
    },
    build: ({ workload }) => engine.build(workload, WORKLOADS[workload]),
    warmUp: (args) => warmUp(engine, args),
    train: (args) => timedTraining(engine, args),
    evaluate: (args) => evaluate(engine, data, args),
    latency: (args) => predictLatency(engine, args),
    memory: () => engine.memory(),
    gemm: (args) => engine.gemm(args),
    layers: (args) => engine.layers(args),
    timeToAccuracy: (args) => engine.timeToAccuracy(args),
    simdPeak: (args) => measureSimdPeak(args),
  };
  self.onmessage = async ({ data: { id, command, args } }) => {
    try {
      if (!commands[command]) throw new Error(`unknown command ${command}`);
      self.postMessage({ id, result: await commands[command](args ?? {}) });
    } catch (err) {
      self.postMessage({ id, error: String(err?.stack ?? err?.message ?? err) });
    }
  };
  self.postMessage({ ready: true });
}

// ---------- helpers the peers' adapters share ----------

// A seeded permutation of 0..n-1 (xorshift32 Fisher–Yates): the peers' epoch order.
export function shuffledOrder(n, seed = 7) {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

// Walks the training set in shuffled order, a batch at a time, wrapping at the end.
export class BatchCursor {
  constructor(count) { this.order = shuffledOrder(count); this.next = 0; }
  take(size = BATCH_SIZE) {
    if (this.next + size > this.order.length) this.next = 0;
    const batch = this.order.subarray(this.next, this.next + size);
    this.next += size;
    return batch;
  }
}

// Pixels of the given samples as floats in [0, 1], into `out` (batch × 784).
export function pixelsOf(images, indices, out) {
  for (let b = 0; b < indices.length; b++) {
    const src = indices[b] * IMAGE.pixels, dst = b * IMAGE.pixels;
    for (let p = 0; p < IMAGE.pixels; p++) out[dst + p] = images[src + p] / 255;
  }
  return out;
}

export function oneHotOf(labels, indices, classes, out) {
  out.fill(0);
  for (let b = 0; b < indices.length; b++) out[b * classes + labels[indices[b]]] = 1;
  return out;
}
