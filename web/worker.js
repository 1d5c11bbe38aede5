// The training worker: owns the wasm module and every wasm object (data sets, model, session).
// The page talks to it only through the messages in protocol.js. Training runs in slices of a
// few dozen milliseconds; between slices the worker yields so pause, stop and predict requests
// are answered at once.
import { ToWorker, FromWorker, DATASETS, DATA_FILES, errorMessage, isRequest } from './protocol.js';
import { checkPair, openFile, openUrl, parseIdx, readIdxBytes } from './idx.js';

const SLICE_MS = 30;          // work per slice before looking at the message queue again
const PROGRESS_MS = 1000 / 30; // a chart needs ~30 updates a second, not one per batch
const GALLERY_SIZE = 40;      // misclassified test images sent back for the gallery
const PREDICT_CHUNK = 500;    // test images per predict call while looking for mistakes

let api = null;
// train/test: the wasm data sets, shaped as `shape` (the images' [h, w], or what the model takes,
// e.g. [h, w, 1] for a Conv2D); the raw bytes stay here so they can be shaped again.
const data = { source: null, train: null, test: null, shape: null, raw: null, testImages: null, testLabels: null, imageShape: null, classes: 0 };
let model = null;             // { handle, fromLogits }
let training = null;          // see startTraining

const post = (msg, transfer = []) => self.postMessage(msg, transfer);

// ---------- start-up ----------

async function loadApi() {
  const { loadNeurite } = await import('./wasm/api.mjs');
  if (!self.crossOriginIsolated) return { api: await loadNeurite({ threaded: false }), threaded: false };
  try {
    return { api: await loadNeurite({ threaded: true }), threaded: true };
  } catch (err) {
    // a threaded build that fails to start must not cost the person the page
    return { api: await loadNeurite({ threaded: false }), threaded: false, note: `threaded build failed: ${err.message}` };
  }
}

function describePresets() {
  const out = [];
  for (const { name, description } of api.presets()) {
    const m = api.createModel({ preset: name, seed: 0 });
    try {
      // presets for other inputs (toy-binary takes 2 features) make no sense for images
      if (takesImages(m.inputShape)) out.push({ name, description, topology: topologyOf(m) });
    } finally {
      m.dispose();
    }
  }
  return out;
}

// [h, w] images, or [h, w, 1]: one channel, as a Keras Conv2D wants them (x[..., None])
const takesImages = (shape) => shape?.length === 2 || (shape?.length === 3 && shape[2] === 1);

async function init() {
  const loaded = await loadApi();
  api = loaded.api;
  post({
    type: FromWorker.READY,
    threaded: loaded.threaded,
    note: loaded.note,
    crossOriginIsolated: self.crossOriginIsolated,
    cores: navigator.hardwareConcurrency,
    presets: describePresets(),
  });
}

// ---------- data ----------

function disposeData() {
  data.train?.dispose();
  data.test?.dispose();
  Object.assign(data, { source: null, train: null, test: null, shape: null, raw: null, testImages: null, testLabels: null });
}

function createDataSets(shape) {
  const { train, test } = data.raw;
  data.train?.dispose();
  data.test?.dispose();
  Object.assign(data, { train: null, test: null, shape: null }); // a failed copy leaves no disposed sets behind
  data.train = api.createDataset(train.images.data, [train.images.dims[0], ...shape], train.labels.data);
  data.test = api.createDataset(test.images.data, [test.images.dims[0], ...shape], test.labels.data);
  data.shape = shape;
}

// The data sets shaped as the model's input, like the tutorial's x_train[..., tf.newaxis] for a
// CNN: the same bytes, copied into wasm memory again only when the shape changes.
function dataFor(handle) {
  if (!data.raw) throw new Error('load a data set first');
  const want = handle.inputShape ?? data.imageShape;
  if (data.shape?.join() === want.join()) return data;
  const [h, w] = data.imageShape;
  if (want.reduce((a, b) => a * b, 1) !== h * w) {
    throw new Error(`the model takes inputs of shape (${want.join(', ')}), but the images are ${h}×${w} pixels`);
  }
  createDataSets(want);
  return data;
}

function openSources({ source, files }) {
  const roles = Object.keys(DATA_FILES);
  if (source === 'files') {
    const missing = roles.filter((r) => !files?.[r]);
    if (missing.length) throw new Error(`choose all four IDX files (missing: ${missing.join(', ')})`);
    return roles.map((r) => openFile(files[r]));
  }
  const set = DATASETS[source];
  if (!set) throw new Error(`unknown data set '${source}'`);
  return Promise.all(roles.map((r) => openUrl(new URL(`./${set.dir}/${DATA_FILES[r]}`, import.meta.url).href)));
}

async function readWithProgress(sources) {
  const total = sources.reduce((s, f) => s + f.size, 0);
  let loaded = 0, last = 0;
  const onBytes = (n) => {
    loaded += n;
    const now = performance.now();
    if (now - last >= PROGRESS_MS) { last = now; post({ type: FromWorker.DATA_PROGRESS, loaded, total }); }
  };
  const files = await Promise.all(sources.map((s) => readIdxBytes(s.stream(), s.name, onBytes)));
  post({ type: FromWorker.DATA_PROGRESS, loaded, total: Math.max(total, loaded) });
  return files;
}

// Fetching and parsing need no wasm, so the page asks for the data as it opens and the download
// overlaps the module's compilation; only the copy into wasm memory waits for the engine.
async function loadData(msg) {
  if (training) throw new Error('stop training before loading other data');
  const sources = await openSources(msg);
  const [ti, tl, vi, vl] = await readWithProgress(sources);
  const names = sources.map((s) => s.name);
  const train = { images: parseIdx(ti, names[0], 3), labels: parseIdx(tl, names[1], 1) };
  const test = { images: parseIdx(vi, names[2], 3), labels: parseIdx(vl, names[3], 1) };
  checkPair(train.images, train.labels, `${names[0]} / ${names[1]}`);
  checkPair(test.images, test.labels, `${names[2]} / ${names[3]}`);
  const [, h, w] = train.images.dims;
  if (test.images.dims[1] !== h || test.images.dims[2] !== w) {
    throw new Error(`training images are ${h}×${w} but test images are ${test.images.dims[1]}×${test.images.dims[2]}`);
  }
  try { await started; } catch { return; } // init has said why already
  disposeData();
  Object.assign(data, { raw: { train, test }, imageShape: [h, w] });
  createDataSets([h, w]);
  Object.assign(data, { source: msg.source, testImages: test.images.data, testLabels: test.labels.data });
  post({ type: FromWorker.DATA_LOADED, source: msg.source, trainSize: data.train.size, testSize: data.test.size, imageShape: [h, w], classes: 10 });
}

// ---------- model ----------

function layerList(topology) {
  const c = topology?.config;
  return Array.isArray(c) ? c : (c?.layers ?? []);
}

// Softmax at the end means the model outputs probabilities; anything else is taken as logits,
// like the tutorial's Dense(10) with SparseCategoricalCrossentropy(from_logits=True).
function outputsLogits(topology) {
  const layers = layerList(topology).filter((l) => l.class_name !== 'Dropout');
  const last = layers[layers.length - 1];
  return last?.config?.activation !== 'softmax';
}

function buildModel(spec, seed) {
  return spec.preset ? api.createModel({ preset: spec.preset, seed }) : api.createModel({ topology: spec.topology, seed });
}

function compileModel(handle, fromLogits, { optimizer = 'adam', learningRate } = {}) {
  handle.compile({ optimizer, learningRate, loss: 'sparse_categorical_crossentropy', fromLogits, metrics: ['accuracy'] });
}

function topologyOf(handle) {
  const t = handle.topology();
  return typeof t === 'string' ? JSON.parse(t) : t;
}

function modelInfo(m, origin, replyTo) {
  const h = m.handle;
  return {
    type: FromWorker.MODEL_INFO, replyTo, origin,
    summary: h.summary(), layers: h.layers(), inputShape: h.inputShape, outputShape: h.outputShape,
    topology: topologyOf(h), fromLogits: m.fromLogits,
  };
}

function replaceModel(next) {
  if (model && model !== next) model.handle.dispose();
  model = next;
}

function describe(msg) {
  const handle = buildModel(msg.model, 0);
  const m = { handle, fromLogits: outputsLogits(topologyOf(handle)) };
  try {
    post(modelInfo(m, 'preview', msg.id));
  } finally {
    handle.dispose();
  }
}

function loadModel(msg) {
  if (training) throw new Error('stop training before loading a model');
  const json = typeof msg.modelJson === 'string' ? JSON.parse(msg.modelJson) : msg.modelJson;
  const handle = api.loadModel(json, new Uint8Array(msg.weights), 0);
  try {
    const m = { handle, fromLogits: outputsLogits(topologyOf(handle)) };
    compileModel(handle, m.fromLogits);
    post(modelInfo(m, msg.origin ?? 'file', msg.id));
    replaceModel(m); // only now: a bad file leaves the current model untouched
  } catch (err) {
    handle.dispose();
    throw err;
  }
}

function saveModel(msg) {
  if (!model) throw new Error('there is no model to save yet: train or load one first');
  const { modelJson, weights } = model.handle.save();
  const copy = weights instanceof ArrayBuffer ? weights : weights.slice().buffer;
  post({ type: FromWorker.MODEL_SAVED, replyTo: msg.id, modelJson, weights: copy }, [copy]);
}

function softmax(values) {
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

function predict(msg) {
  if (!model) throw new Error('there is no model yet: train or load one first');
  const out = Array.from(model.handle.predict(msg.pixels, 1));
  post({ type: FromWorker.PREDICTION, replyTo: msg.id, probabilities: model.fromLogits ? softmax(out) : out });
}

// ---------- what a CNN sees ----------

const POOLING = new Set(['MaxPooling2D', 'AveragePooling2D']);

// The first Conv2D's learned filters (kernel [kh, kw, in, out]) and, for a drawing, the feature
// maps it produces, plus the next layer's when that is a pooling layer (the same maps, smaller).
// Models without a Conv2D answer { filters: null, maps: [] }.
function inspect(msg) {
  if (!model) throw new Error('there is no model yet: train or load one first');
  const layers = model.handle.layers();
  const conv = layers.findIndex((l) => l.className === 'Conv2D');
  if (conv < 0) { post({ type: FromWorker.INSPECTION, replyTo: msg.id, filters: null, maps: [] }); return; }
  const [kernel] = model.handle.layerWeights(conv);
  const filters = { layer: layers[conv].name, shape: kernel.shape, values: kernel.values };
  const shown = POOLING.has(layers[conv + 1]?.className) ? [conv, conv + 1] : [conv];
  const maps = msg.pixels ? shown.map((i) => {
    const { shape, values } = model.handle.layerOutput(msg.pixels, i);
    return { layer: layers[i].name, className: layers[i].className, shape: shape.slice(1), values };
  }) : [];
  const transfer = [filters.values.buffer, ...maps.map((m) => m.values.buffer)];
  post({ type: FromWorker.INSPECTION, replyTo: msg.id, filters, maps }, transfer);
}

// ---------- training ----------

function requireData() {
  if (!data.train) throw new Error('load a data set before training');
}

function fitOptions(fit, sets) {
  const opts = { epochs: fit.epochs, batchSize: fit.batchSize, shuffle: true };
  if (fit.validation === 'test') opts.validation = sets.test;
  else opts.validationSplit = fit.validationSplit;
  return opts;
}

function startTraining(msg) {
  requireData();
  if (training) throw new Error('training is already running');
  const handle = buildModel(msg.model, msg.fit.seed);
  const m = { handle, fromLogits: outputsLogits(topologyOf(handle)) };
  let subset = null;
  try {
    compileModel(handle, m.fromLogits, msg.compile);
    const sets = dataFor(handle);
    const limit = msg.fit.trainLimit;
    subset = limit && limit < sets.train.size ? sets.train.slice(0, limit) : null;
    const session = handle.fit(subset ?? sets.train, fitOptions(msg.fit, sets));
    replaceModel(m);
    post(modelInfo(m, 'trained'));
    training = { session, subset, paused: false, stopped: false, perBatchMs: 1, globalBatch: 0, lastPost: 0, epochStats: null };
  } catch (err) {
    subset?.dispose();
    handle.dispose();
    throw err;
  }
  Object.assign(training, { epochs: msg.fit.epochs, batchSize: msg.fit.batchSize, announced: false });
  schedule();
}

// A MessageChannel round trip yields to the event loop without setTimeout's 4 ms clamp.
const tick = new MessageChannel();
tick.port1.onmessage = () => guarded('train', slice);
const schedule = () => tick.port2.postMessage(null);

// Batch counts per run() call aim at ~1/3 of a slice, so a slice ends close to SLICE_MS.
function batchesPerCall() {
  return Math.max(1, Math.min(200, Math.floor(SLICE_MS / 3 / training.perBatchMs)));
}

function slice() {
  if (!training || training.paused) return;
  const start = performance.now();
  let p;
  do {
    const k = batchesPerCall();
    const t0 = performance.now();
    const before = training.globalBatch;
    p = training.session.run(k);
    if (!training.announced) announce(p);
    training.globalBatch = p.epoch * p.batchesPerEpoch + p.batch;
    const done = training.globalBatch - before;
    // an epoch's end includes validation, which says nothing about the cost of a batch
    if (done > 0 && !p.epochEnded) training.perBatchMs = Math.max(0.01, (performance.now() - t0) / done);
    report(p);
  } while (!p.finished && !p.epochEnded && performance.now() - start < SLICE_MS);
  if (p.finished) finishTraining();
  else schedule();
}

// The first run() tells how many batches an epoch has (after any validation split).
function announce(p) {
  training.announced = true;
  const trainSize = typeof training.session.trainSize === 'number' ? training.session.trainSize : p.batchesPerEpoch * training.batchSize;
  post({ type: FromWorker.TRAIN_STARTED, epochs: training.epochs, batchesPerEpoch: p.batchesPerEpoch, trainSize });
}

// Progress carries the mean loss/accuracy of the batches since the last message (the running
// means in logs cover the whole epoch, which would hide what happens now).
function report(p) {
  const s = training.epochStats ?? { epoch: p.epoch, batch: 0, loss: 0, acc: 0 };
  if (s.epoch !== p.epoch) Object.assign(s, { epoch: p.epoch, batch: 0, loss: 0, acc: 0 });
  training.epochStats = s;
  const now = performance.now();
  const due = now - training.lastPost >= PROGRESS_MS || p.epochEnded || p.finished;
  if (p.batch > s.batch && due) {
    const n = p.batch - s.batch;
    const loss = (p.logs.loss * p.batch - s.loss) / n;
    const accuracy = (p.logs.accuracy * p.batch - s.acc) / n;
    Object.assign(s, { batch: p.batch, loss: p.logs.loss * p.batch, acc: p.logs.accuracy * p.batch });
    training.lastPost = now;
    post({ type: FromWorker.TRAIN_PROGRESS, epoch: p.epoch, batch: p.batch, batchesPerEpoch: p.batchesPerEpoch,
      loss, accuracy, running: { loss: p.logs.loss, accuracy: p.logs.accuracy } });
  }
  if (p.epochEnded) post({ type: FromWorker.EPOCH_END, epoch: p.epoch, logs: { ...p.logs } });
}

function endTraining() {
  const t = training;
  training = null;
  t?.session.dispose();
  t?.subset?.dispose();
  return t;
}

function finishTraining() {
  const history = training.session.history();
  const { stopped } = endTraining();
  post({ type: FromWorker.TRAIN_DONE, stopped, history });
  // a separate task, so the page hears "done" before the evaluation's few hundred ms
  setTimeout(() => guarded('evaluate', () => evaluate({})), 0);
}

function pause() {
  if (!training || training.paused) return;
  training.paused = true;
  post({ type: FromWorker.TRAIN_PAUSED });
}

function resume() {
  if (!training || !training.paused) return;
  training.paused = false;
  post({ type: FromWorker.TRAIN_RESUMED });
  schedule();
}

function stop() {
  if (!training) return;
  training.stopped = true;
  training.session.stop();
  if (training.paused) resume();
}

// ---------- evaluation ----------

function argmax(values, from, n) {
  let best = 0;
  for (let j = 1; j < n; j++) if (values[from + j] > values[from + best]) best = j;
  return best;
}

// The first GALLERY_SIZE test images the model gets wrong, with their pixels for thumbnails.
function findMisclassified() {
  const { testImages: images, testLabels: labels } = data;
  const size = data.imageShape[0] * data.imageShape[1];
  const found = [];
  for (let start = 0; start < labels.length && found.length < GALLERY_SIZE; start += PREDICT_CHUNK) {
    const n = Math.min(PREDICT_CHUNK, labels.length - start);
    // bytes go in as stored: the core divides by 255 as it did in training
    const out = model.handle.predict(images.subarray(start * size, (start + n) * size), n, { batchSize: 100 });
    const classes = out.length / n;
    for (let i = 0; i < n && found.length < GALLERY_SIZE; i++) {
      const predicted = argmax(out, i * classes, classes);
      const truth = labels[start + i];
      if (predicted !== truth) {
        const index = start + i;
        found.push({ index, predicted, truth, pixels: images.slice(index * size, (index + 1) * size) });
      }
    }
  }
  return found;
}

function evaluate(msg) {
  if (!model) throw new Error('there is no model to evaluate yet');
  if (!data.test) throw new Error('load a data set before evaluating');
  const { test } = dataFor(model.handle);
  const { loss } = model.handle.evaluate(test);
  const c = model.handle.confusion(test);
  post({
    type: FromWorker.EVALUATION, replyTo: msg.id, loss, accuracy: c.accuracy,
    precision: Array.from(c.precision), recall: Array.from(c.recall), f1: Array.from(c.f1),
    matrix: Array.from(c.matrix, (row) => Array.from(row)),
    imageShape: data.imageShape, misclassified: findMisclassified(),
  });
}

// ---------- dispatch ----------

function guarded(during, fn, replyTo) {
  try {
    const result = fn();
    if (result?.then) return result.catch((err) => failed(during, err, replyTo));
  } catch (err) {
    failed(during, err, replyTo);
  }
  return undefined;
}

// A failed training slice ends the run: the C++ side kept the weights from before the bad batch.
function failed(during, err, replyTo) {
  if (during === 'train' && training) endTraining();
  post(errorMessage(during, err, replyTo));
}

const handlers = {
  [ToWorker.LOAD_DATA]: loadData,
  [ToWorker.DESCRIBE]: describe,
  [ToWorker.TRAIN]: startTraining,
  [ToWorker.PAUSE]: pause,
  [ToWorker.RESUME]: resume,
  [ToWorker.STOP]: stop,
  [ToWorker.EVALUATE]: evaluate,
  [ToWorker.PREDICT]: predict,
  [ToWorker.INSPECT]: inspect,
  [ToWorker.SAVE_MODEL]: saveModel,
  [ToWorker.LOAD_MODEL]: loadModel,
  [ToWorker.CRASH]: () => setTimeout(() => { throw new Error('the worker was asked to crash (test)'); }, 0),
};

const started = init().catch((err) => { post(errorMessage('init', err)); throw err; });

self.onmessage = async ({ data: msg }) => {
  if (!isRequest(msg)) { post(errorMessage('message', new Error(`unknown message ${JSON.stringify(msg?.type)}`))); return; }
  if (msg.type !== ToWorker.LOAD_DATA) {
    try { await started; } catch { return; }
  }
  await guarded(msg.type, () => handlers[msg.type](msg), msg.id);
};
