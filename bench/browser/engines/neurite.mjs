// Neurite in a module Worker, used the way the library's worker uses it (web/lib/host.js): the JS facade
// (/wasm/api.mjs), a preset, a dataset copied into wasm once, and a TrainingSession advanced a few
// batches per call.
import { BATCH_SIZE, IMAGE } from '../workloads.mjs';

// The thread-count setter, where the build's facade or module exposes one (the kernels' thread pool).
function threadSetter(api) {
  if (typeof api.setThreadCount === 'function') return (n) => api.setThreadCount(n);
  if (typeof api.module.setThreadCount === 'function') return (n) => api.module.setThreadCount(n);
  return null;
}

export async function createNeurite({ threaded = false, relaxedSimd = 'auto', threads = null }, data) {
  const { loadNeurite } = await import('/wasm/api.mjs');
  const api = await loadNeurite({ threaded, relaxedSimd });
  const setThreads = threadSetter(api);
  const threadsInForce = threads && setThreads ? setThreads(threads) : null;
  let model = null, train = null, test = null, session = null, positionInEpoch = 0;

  const dataset = (set, inputShape) => api.createDataset(set.images, [set.count, ...inputShape], set.labels);

  return {
    info: { ...api.buildInfo(), threadControl: Boolean(setThreads), threads: threadsInForce },

    build(workload) {
      model = api.createModel({ preset: workload, seed: 1 });
      train = dataset(data.train, model.inputShape);
      test = dataset(data.test, model.inputShape);
      session = model.fit(train, { epochs: 1000, batchSize: BATCH_SIZE, shuffle: true });
      return { params: model.params };
    },

    // run(k) never crosses an epoch's end, so the batches are counted here, not read back.
    async trainBatches(count) {
      const perEpoch = session.batchesPerEpoch;
      let progress = null;
      for (let left = count; left > 0;) {
        const k = Math.min(left, perEpoch - positionInEpoch);
        progress = session.run(k);
        left -= k;
        positionInEpoch = (positionInEpoch + k) % perEpoch;
      }
      return { loss: progress?.logs?.loss };
    },

    async countCorrect(start, count) {
      const part = test.slice(start, start + count);
      try {
        return Math.round(model.evaluate(part, { batchSize: BATCH_SIZE }).accuracy * count);
      } finally {
        part.dispose();
      }
    },

    async predictOne(i) {
      const at = (i % data.test.count) * IMAGE.pixels;
      return model.predict(data.test.images.subarray(at, at + IMAGE.pixels), 1);
    },

    // wasm memory only grows, so its size now is the run's peak (it holds the datasets too)
    memory: () => ({ wasmHeapBytes: api.module.HEAP8.buffer.byteLength }),

    // ms per batch of each layer's forward and backward pass, and of the whole step, on the training
    // session's own next steps (bindings/bench.cpp: the training loop times them inside wasm); the
    // medians of `runs` runs of `batches` steps, after one untimed run
    layers({ batches = 20, runs = 5 }) {
      const profiles = [];
      for (let r = 0; r <= runs; r++) {
        const k = Math.min(batches, session.batchesPerEpoch - positionInEpoch);
        const profile = api.module.profileSession(session.handle, k);
        positionInEpoch = (positionInEpoch + k) % session.batchesPerEpoch;
        if (r > 0) profiles.push(profile);
      }
      const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];
      return {
        stepMs: median(profiles.map((p) => p.stepMs)),
        layers: profiles[0].layers.map((layer, i) => ({ name: layer.name, className: layer.className,
          forwardMs: median(profiles.map((p) => p.layers[i].forwardMs)),
          backwardMs: median(profiles.map((p) => p.layers[i].backwardMs)) })),
      };
    },

    // GFLOP/s of neurite::kernels::sgemm per shape (bindings/bench.cpp times the calls inside wasm)
    gemm({ shapes, minSeconds = 0.2, runs = 5, warmUpCalls = 20 }) {
      return shapes.map((s) => {
        const time = (reps) => api.module.benchGemm(s.m, s.n, s.k, s.transA, s.transB, reps);
        for (let i = 0; i < warmUpCalls; i++) time(5);
        let reps = 1;
        while (time(reps) < minSeconds / 2) reps *= 2;
        const rates = [];
        for (let r = 0; r < runs; r++) rates.push((2 * s.m * s.n * s.k * reps) / time(reps) / 1e9);
        rates.sort((a, b) => a - b);
        return { ...s, gflops: rates[rates.length >> 1] };
      });
    },
  };
}
