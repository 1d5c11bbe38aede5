// The library's worker side: owns the wasm module (bindings/neurite.mjs) and everything in wasm
// memory (tensors' data, models, training sessions), and answers the requests of protocol.js. The
// same code runs in a browser Worker (worker.js) and a Node worker thread (node-worker.js); only
// how the module loads and how a file is opened differ, and those come in as `env`.
// Training runs in slices of ~30 ms, so stop, pause and predict requests are answered between them.
import { Request, FitEvent, DATA_PROGRESS, errorReply } from './protocol.js';
import { checkPair, parseIdx, readIdxBytes } from './idx.js';
import { DATA_FILES, isImages } from './catalog.js';

const SLICE_MS = 30;           // work per slice before looking at the message queue again
const PROGRESS_MS = 1000 / 30; // data-loading progress: ~30 updates a second

const sizeOf = (shape) => shape.reduce((a, b) => a * b, 1);

// env: { post(msg, transfer), loadApi(threaded) → {api, threaded, note?}, open(source) → {name, size, stream()},
//        schedule(fn): run fn soon, after pending messages }
export function createHost(env) {
  let api = null;
  let started = null;
  const tensors = new Map();  // id → { values, shape, dtype, cache: Map<key, Samples> }
  const models = new Map();   // id → the facade's Model
  const fits = new Map();     // fit id → see startFit

  // ---------- tensors: views of stored values → wasm Samples ----------

  function stored(view) {
    if (view.tensor == null) return { values: view.values, shape: view.shape, dtype: view.dtype, cache: null };
    const t = tensors.get(view.tensor);
    if (!t) throw new Error('this tensor\'s data is gone from the engine (released, or the engine restarted)');
    return t;
  }

  function oneHotRows(labels, depth) {
    const rows = new Float32Array(labels.length * depth);
    labels.forEach((label, i) => {
      if (!(label >= 0 && label < depth && Number.isInteger(label)))
        throw new RangeError(`oneHot: label ${label} at position ${i} is not a class from 0 to ${depth - 1}`);
      rows[i * depth + label] = 1;
    });
    return rows;
  }

  // The stored values of a view as the model sees them (divided, one-hot), all of the store.
  function transformed(store, view) {
    if (view.oneHot) return oneHotRows(store.values, view.oneHot);
    if (store.dtype === 'float32' && view.divisor === 1) return store.values;
    if (store.dtype === 'uint8') return store.values;  // divided in wasm as batches are gathered
    const out = new Float32Array(store.values.length);
    for (let i = 0; i < out.length; i++) out[i] = store.values[i] / view.divisor;
    return out;
  }

  // Samples for a view, made once per (store, transform, sample shape) and sliced (sharing storage).
  // The caller disposes what it gets; the whole-store Samples stay cached until the tensor is released.
  function samplesOf(view) {
    const store = stored(view);
    const [n, ...sample] = view.shape;
    const row = view.oneHot ? 1 : sizeOf(sample);
    const width = view.oneHot ? [view.oneHot] : sample;
    const aligned = row > 0 && store.values.length % row === 0 && view.offset % row === 0;
    const values = aligned ? store.values : store.values.subarray(view.offset, view.offset + n * row);
    const rows = values.length / row;
    // one copy per transform: a new sample shape (a CNN's [28, 28, 1] after an MLP's [28, 28])
    // replaces the old one, as wasm memory only grows
    const key = `${view.oneHot ?? 0}|${view.divisor}`;
    const cached = aligned ? store.cache?.get(key) : null;
    let whole = cached?.width === String(width) ? cached.samples : null;
    if (!whole) {
      const part = { ...store, values };
      const divisor = store.dtype === 'uint8' && !view.oneHot ? view.divisor : 1;
      whole = api.createSamples(transformed(part, view), [rows, ...width], { divisor });
      if (!aligned || !store.cache) return whole;
      cached?.samples.dispose();
      store.cache.set(key, { samples: whole, width: String(width) });
    }
    const first = view.offset / row;
    return whole.slice(first, first + n);
  }

  // The view's values as a typed array of its dtype (floats when divided or one-hot).
  function valuesOf(view) {
    const store = stored(view);
    const n = view.shape[0] ?? 1;
    if (view.oneHot) return oneHotRows(store.values.subarray(view.offset, view.offset + n), view.oneHot);
    const raw = store.values.subarray(view.offset, view.offset + sizeOf(view.shape));
    if (view.divisor === 1) return raw.slice();
    const out = new Float32Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw[i] / view.divisor;
    return out;
  }

  function release({ tensors: ids = [], models: modelIds = [] }) {
    for (const id of ids) {
      for (const c of tensors.get(id)?.cache.values() ?? []) c.samples.dispose();
      tensors.delete(id);
    }
    for (const id of modelIds) {
      models.get(id)?.dispose();
      models.delete(id);
    }
  }

  // Runs fn with Samples for the given views and disposes them afterwards.
  function withSamples(views, fn) {
    const made = [];
    try {
      for (const v of views) made.push(v ? samplesOf(v) : null);
      return fn(...made);
    } finally {
      for (const s of made) s?.dispose();
    }
  }

  // ---------- data sets ----------

  async function readAll(sources, request) {
    const total = sources.reduce((s, f) => s + f.size, 0);
    let loaded = 0, last = 0;
    const onBytes = (n) => {
      loaded += n;
      const now = Date.now();
      if (now - last >= PROGRESS_MS) { last = now; env.post({ event: DATA_PROGRESS, request, loaded, total }); }
    };
    const bytes = await Promise.all(sources.map((s) => readIdxBytes(s.stream(), s.name, onBytes)));
    env.post({ event: DATA_PROGRESS, request, loaded, total: Math.max(total, loaded) });
    return bytes;
  }

  // { sources: { xTrain: source, ... } (any of the four), ids: { xTrain: id, ... }, classes? }
  async function loadDataset(msg) {
    const parts = Object.keys(msg.sources).filter((p) => p in DATA_FILES);
    const opened = await Promise.all(parts.map((p) => env.open(msg.sources[p])));
    const bytes = await readAll(opened, msg.id);
    const parsed = {};
    parts.forEach((p, i) => { parsed[p] = parseIdx(bytes[i], opened[i].name, isImages(p) ? 3 : 1); });
    const name = (p) => opened[parts.indexOf(p)].name;
    for (const [x, y] of [['xTrain', 'yTrain'], ['xTest', 'yTest']]) {
      if (parsed[x] && parsed[y]) checkPair(parsed[x], parsed[y], `${name(x)} / ${name(y)}`, msg.classes ?? 256);
    }
    if (parsed.xTrain && parsed.xTest && parsed.xTrain.dims.slice(1).join() !== parsed.xTest.dims.slice(1).join()) {
      const [a, b] = [parsed.xTrain.dims, parsed.xTest.dims];
      throw new Error(`training images are ${a[1]}×${a[2]} but test images are ${b[1]}×${b[2]}`);
    }
    const out = {};
    for (const p of parts) {
      const { dims, data } = parsed[p];
      tensors.set(msg.ids[p], { values: data, shape: dims, dtype: 'uint8', cache: new Map() });
      out[p] = { shape: dims, dtype: 'uint8' };
    }
    return out;
  }

  // A core's 2-D data set: n training points and n / 4 test points (the next seed)
  function toyDataset(msg) {
    const out = {};
    const test = Math.max(1, Math.round(msg.n / 4));
    for (const [split, n, seed] of [['Train', msg.n, msg.seed], ['Test', test, msg.seed + 1]]) {
      const { x, y } = api.toyDataset(msg.name, n, seed);
      tensors.set(msg.ids[`x${split}`], { values: x, shape: [n, 2], dtype: 'float32', cache: new Map() });
      tensors.set(msg.ids[`y${split}`], { values: y, shape: [n, 1], dtype: 'float32', cache: new Map() });
      out[`x${split}`] = { shape: [n, 2], dtype: 'float32' };
      out[`y${split}`] = { shape: [n, 1], dtype: 'float32' };
    }
    return out;
  }

  // ---------- models ----------

  function modelOf(id) {
    const m = models.get(id);
    if (!m) throw new Error('this model is gone from the engine (disposed, or the engine restarted)');
    return m;
  }

  function describe(m) {
    return {
      summary: m.summary(), layers: m.layers(), inputShape: m.inputShape, outputShape: m.outputShape,
      topology: m.topology(), compiled: m.compiled, impliedLoss: m.impliedLoss, params: m.params,
    };
  }

  function adopt(id, m) {
    try {
      const info = describe(m);
      models.get(id)?.dispose();
      models.set(id, m);
      return info;
    } catch (err) {
      m.dispose();
      throw err;
    }
  }

  function compile(msg) {
    const m = modelOf(msg.model);
    const implied = msg.loss == null ? m.impliedLoss : null;
    m.compile({ optimizer: msg.optimizer, loss: msg.loss ?? implied.loss, fromLogits: msg.loss == null ? implied.fromLogits : msg.fromLogits,
      labelSmoothing: msg.labelSmoothing ?? 0,
      metrics: msg.metrics });
    return describe(m);
  }

  function evaluate(msg) {
    const m = modelOf(msg.model);
    return withSamples([msg.x, msg.y], (x, y) => m.evaluate(api.pair(x, y), { batchSize: msg.batchSize }));
  }

  function confusion(msg) {
    const m = modelOf(msg.model);
    return withSamples([msg.x, msg.y], (x, y) => m.confusion(api.pair(x, y), { batchSize: msg.batchSize }));
  }

  function predict(msg) {
    const m = modelOf(msg.model);
    const values = withSamples([msg.x], (x) => m.predict(x, undefined, { batchSize: msg.batchSize }));
    const n = msg.x.shape[0];
    return { result: { values, shape: [n, values.length / Math.max(n, 1)] }, transfer: [values.buffer] };
  }

  function layerOutput(msg) {
    const m = modelOf(msg.model);
    const input = Float32Array.from(valuesOf(msg.x));
    const out = m.layerOutput(input, msg.layer, msg.x.shape[0]);
    return { result: out, transfer: [out.values.buffer] };
  }

  function layerWeights(msg) {
    const weights = modelOf(msg.model).layerWeights(msg.layer);
    return { result: weights, transfer: weights.map((w) => w.values.buffer) };
  }

  // A checkpoint's model (its weights, optimizer and loss), which must have the current one's layers;
  // adopted only once its fit has taken the checkpoint.
  function checkpointModel(now, { modelJson, weights }) {
    const saved = api.loadModel(modelJson, new Uint8Array(weights), 0);
    const shape = (model) => model.layers().map((l) => `${l.className} ${JSON.stringify(l.outputShape)} ${l.params}`);
    const [a, b] = [shape(now), shape(saved)];
    const differs = a.findIndex((line, i) => line !== b[i]);
    if (differs >= 0 || a.length !== b.length) {
      saved.dispose();
      const at = differs >= 0 ? differs : Math.min(a.length, b.length);
      throw new Error(`resumeFrom: the checkpoint's model differs from this one at layer ${at + 1} ` +
        `(${b[at] ?? 'none'} there, ${a[at] ?? 'none'} here)`);
    }
    return saved;
  }

  // A model's files, its weights in an ArrayBuffer of their own (to transfer)
  function modelFiles(m) {
    const { modelJson, weights } = m.save();
    return { modelJson, weights: weights instanceof ArrayBuffer ? weights : weights.slice().buffer };
  }

  function save(msg) {
    const files = modelFiles(modelOf(msg.model));
    return { result: files, transfer: [files.weights] };
  }

  // ---------- training ----------

  const metricKeys = (logs) => Object.keys(logs).filter((k) => !k.startsWith('val_'));

  // Sums of each metric over the batches of the epoch so far, from the running means of the core.
  const totals = (logs, batches) => Object.fromEntries(metricKeys(logs).map((k) => [k, logs[k] * batches]));

  function meansSince(from, to, batches) {
    return Object.fromEntries(Object.keys(to).map((k) => [k, (to[k] - (from[k] ?? 0)) / batches]));
  }

  function startFit(msg, reply) {
    const current = modelOf(msg.model);
    const m = msg.resume ? checkpointModel(current, msg.resume) : current;
    const { epochs, batchSize, shuffle, validationSplit, callbacks = [], milestones = null, logLearningRate = false } = msg.options;
    let session = null, resumedAt = null;
    try {
      session = withSamples([msg.x, msg.y, ...(msg.validation ?? [])], (x, y, vx, vy) =>
        m.fit(api.pair(x, y), { epochs, batchSize, shuffle, validationSplit, validation: vx ? api.pair(vx, vy) : null,
          callbacks, milestones, logLearningRate }));
      if (msg.resume) {
        session.restore(msg.resume.session);
        // between epochs the core's batch counter still holds the last epoch's count
        const { epoch, batch, in_epoch: inEpoch } = JSON.parse(msg.resume.session.state);
        resumedAt = { epoch, batch: inEpoch ? batch : 0 };
        adopt(msg.model, m);  // the checkpoint's model replaces this one only now that its fit goes on
      }
    } catch (err) {
      session?.dispose();
      if (m !== current) m.dispose();
      throw err;
    }
    const position = resumedAt ? resumedAt.epoch * session.batchesPerEpoch + resumedAt.batch : 0;
    const fit = {
      id: msg.fit, session, model: m, reply, listen: msg.listen, epochs, batchSize,
      acks: 0,            // events sent that the caller must answer before training goes on
      yields: 0,          // yields not answered yet: one may be outstanding
      position, perBatchMs: 1, prevLogs: null,
      // inside a resumed epoch the sums before the restore are not known here: the first report uses the running means
      sumsUnknown: Boolean(resumedAt?.batch),
      betweenEpochs: true,  // no epoch in progress: a stop now ends the fit without starting one
      stopRequested: false,
      lastYield: performance.now(), lastCheckpoint: performance.now(),
      atYield: { epoch: resumedAt?.epoch ?? 0, batch: resumedAt?.batch ?? 0, sums: {} },
    };
    fits.set(fit.id, fit);
    event(fit, FitEvent.BEGIN, { epochs, batchesPerEpoch: session.batchesPerEpoch, trainSize: session.trainSize, resumedAt,
      info: msg.resume ? describe(m) : null });
    // callbacks of the first batch or epoch run before it does
    if (fit.listen.batch || fit.listen.epoch) fit.acks = 1;
    else env.schedule(() => slice(fit));
  }

  const event = (fit, type, payload, transfer = []) => env.post({ event: type, fit: fit.id, ...payload }, transfer);
  const blocked = (fit) => fit.acks > 0 || fit.yields > 1;

  function batchesPerCall(fit) {
    if (fit.listen.batch) return 1;
    return Math.max(1, Math.min(200, Math.floor(SLICE_MS / 3 / fit.perBatchMs)));
  }

  function slice(fit) {
    if (fits.get(fit.id) !== fit || blocked(fit)) return;
    if (fit.stopRequested && fit.betweenEpochs) { finish(fit); return; }
    try {
      const start = performance.now();
      let p;
      do {
        const t0 = performance.now();
        p = fit.session.run(batchesPerCall(fit));
        const position = p.epoch * p.batchesPerEpoch + p.batch;
        const done = position - fit.position;
        fit.position = position;
        // an epoch's end includes validation, which says nothing about the cost of a batch
        if (done > 0 && !p.epochEnded) fit.perBatchMs = Math.max(0.01, (performance.now() - t0) / done);
        report(fit, p, done);
        fit.prevLogs = p.epochEnded ? null : p.logs;
        fit.betweenEpochs = p.epochEnded;
      } while (!p.finished && !blocked(fit) && !(fit.stopRequested && fit.betweenEpochs) && performance.now() - start < SLICE_MS);
      if (p.finished || (fit.stopRequested && fit.betweenEpochs)) finish(fit);
      else if (!blocked(fit)) env.schedule(() => slice(fit));
    } catch (err) {
      end(fit);
      fit.reply(errorReply(fit.reply.id, err));
    }
  }

  const runningMeans = (logs) => Object.fromEntries(metricKeys(logs).map((k) => [k, logs[k]]));

  function report(fit, p, done) {
    if (fit.listen.batch && done > 0 && p.batch > 0) {
      const now = totals(p.logs, p.batch);
      const before = p.batch > 1 && fit.prevLogs ? totals(fit.prevLogs, p.batch - 1) : {};
      const batch = p.batch - 1;
      const logs = fit.sumsUnknown ? runningMeans(p.logs) : meansSince(before, now, 1);
      event(fit, FitEvent.BATCH_END, { epoch: p.epoch, batch, logs: { batch, size: fit.batchSize, ...logs } });
      fit.acks++;
    }
    const listening = fit.listen.yieldMs != null;
    if (listening && (performance.now() - fit.lastYield >= fit.listen.yieldMs || p.epochEnded)) yieldProgress(fit, p);
    if (p.epochEnded) {
      event(fit, FitEvent.EPOCH_END, { epoch: p.epoch, logs: { ...p.logs }, milestones: fit.session.milestones() });
      if (fit.listen.epoch) fit.acks++;
    }
    const due = p.epochEnded || (fit.listen.checkpointMs != null && performance.now() - fit.lastCheckpoint >= fit.listen.checkpointMs);
    if (fit.listen.checkpoint && due && !p.finished && done > 0) checkpoint(fit, p);
    if (done > 0) fit.sumsUnknown = false;
  }

  // The model files and the session's state, sent to the caller to keep (IndexedDB): a copy of a
  // few megabytes, taken between two batches.
  function checkpoint(fit, p) {
    const { modelJson, weights } = modelFiles(fit.model);
    const session = fit.session.checkpoint();
    const epoch = p.epochEnded ? p.epoch + 1 : p.epoch, batch = p.epochEnded ? 0 : p.batch;
    event(fit, FitEvent.CHECKPOINT, { epoch, batch, history: fit.session.history(), modelJson, weights, session },
      [weights, session.slots.buffer, session.order.buffer, session.callbackFloats.buffer]);
    fit.lastCheckpoint = performance.now();
  }

  // Progress carries the mean of each metric over the batches since the last yield (the running
  // means of the epoch would hide what happens now) and the running means themselves.
  function yieldProgress(fit, p) {
    const at = fit.atYield;
    if (at.epoch !== p.epoch) Object.assign(at, { epoch: p.epoch, batch: 0, sums: {} });
    if (p.batch <= at.batch) return;
    const sums = totals(p.logs, p.batch);
    const running = runningMeans(p.logs);
    const logs = fit.sumsUnknown ? running : meansSince(at.sums, sums, p.batch - at.batch);
    Object.assign(at, { batch: p.batch, sums });
    fit.lastYield = performance.now();
    event(fit, FitEvent.YIELD, { epoch: p.epoch, batch: p.batch, batchesPerEpoch: p.batchesPerEpoch, logs, running,
      milestones: fit.session.milestones() });
    fit.yields++;  // the caller's callback may pause training by not answering
  }

  function requestStop(fit) {
    fit.session.stop();
    fit.stopRequested = true;
  }

  function proceed({ fit: id, kind, stop }) {
    const fit = fits.get(id);
    if (!fit) return;
    const wasBlocked = blocked(fit);
    if (kind === 'yield') fit.yields = Math.max(0, fit.yields - 1);
    else fit.acks = Math.max(0, fit.acks - 1);
    if (stop) requestStop(fit);
    // a slice is scheduled already unless training was waiting for this answer
    if (wasBlocked && !blocked(fit)) env.schedule(() => slice(fit));
  }

  function stopFit({ fit: id }) {
    const fit = fits.get(id);
    if (!fit) return;
    requestStop(fit);
    const wasBlocked = blocked(fit);
    Object.assign(fit, { acks: 0, yields: 0 });
    if (wasBlocked) env.schedule(() => slice(fit));
  }

  function end(fit) {
    fits.delete(fit.id);
    fit.session.dispose();
  }

  function finish(fit) {
    const history = fit.session.history(), milestones = fit.session.milestones();
    end(fit);
    fit.reply({ replyTo: fit.reply.id, ok: true, result: { history, milestones } });
  }

  // ---------- dispatch ----------

  async function init(msg) {
    const loaded = await env.loadApi(msg.threaded);
    api = loaded.api;
    const { simd, fma } = api.buildInfo();
    return { threaded: loaded.threaded, note: loaded.note, simd, fma, registry: api.registry(),
      crossOriginIsolated: globalThis.crossOriginIsolated === true, cores: globalThis.navigator?.hardwareConcurrency ?? null };
  }

  const handlers = {
    [Request.TENSOR_PUT]: (m) => { tensors.set(m.tensor, { values: m.values, shape: m.shape, dtype: m.dtype, cache: new Map() }); },
    [Request.TENSOR_GET]: (m) => { const values = valuesOf(m.view); return { result: { values }, transfer: [values.buffer] }; },
    [Request.RELEASE]: release,
    [Request.LOAD_DATASET]: loadDataset,
    [Request.TOY_DATASET]: toyDataset,
    [Request.MODEL_CREATE]: (m) => adopt(m.model, api.createModel({ topology: m.topology, seed: m.seed })),
    [Request.MODEL_LOAD]: (m) => adopt(m.model, api.loadModel(m.modelJson, new Uint8Array(m.weights), m.seed)),
    [Request.MODEL_COMPILE]: compile,
    [Request.MODEL_EVALUATE]: evaluate,
    [Request.MODEL_PREDICT]: predict,
    [Request.MODEL_CONFUSION]: confusion,
    [Request.MODEL_SAVE]: save,
    [Request.LAYER_OUTPUT]: layerOutput,
    [Request.LAYER_WEIGHTS]: layerWeights,
    [Request.FIT_CONTINUE]: proceed,
    [Request.FIT_STOP]: stopFit,
    [Request.MEMORY]: () => ({
      numTensors: tensors.size, numModels: models.size, wasmBytes: api.memoryBytes(),
      numBytes: [...tensors.values()].reduce((sum, t) => sum + t.values.byteLength, 0),
      jsHeapBytes: globalThis.performance?.memory?.usedJSHeapSize ?? null,
    }),
    [Request.MODEL_SET_LR]: (msg) => { const m = modelOf(msg.model); m.setLearningRate(msg.learningRate); return describe(m); },
  };
  const NO_REPLY = new Set([Request.FIT_CONTINUE, Request.FIT_STOP, Request.RELEASE, Request.TENSOR_PUT]);

  function reply(msg) {
    const send = (r, transfer = []) => env.post(r, transfer);
    send.id = msg.id;
    return send;
  }

  async function handle(msg) {
    if (msg?.type === Request.CRASH) { setTimeout(() => { throw new Error('the engine was asked to crash (test)'); }, 0); return; }
    const answer = reply(msg);
    try {
      if (msg.type === Request.INIT) {
        started ??= init(msg);
        answer({ replyTo: msg.id, ok: true, result: await started });
        return;
      }
      if (!started) throw new Error('the engine has not been started');
      // reading files needs no wasm: it overlaps the module's start
      if (msg.type !== Request.LOAD_DATASET && msg.type !== Request.TENSOR_PUT) await started;
      if (msg.type === Request.MODEL_FIT) { startFit(msg, answer); return; }
      const handler = handlers[msg.type];
      if (!handler) throw new Error(`unknown request ${JSON.stringify(msg.type)}`);
      const out = await handler(msg);
      if (NO_REPLY.has(msg.type)) return;
      const { result, transfer } = out?.transfer ? out : { result: out, transfer: [] };
      answer({ replyTo: msg.id, ok: true, result }, transfer);
    } catch (err) {
      if (!NO_REPLY.has(msg.type) || msg.id != null) answer(errorReply(msg.id, err));
    }
  }

  return { handle };
}
