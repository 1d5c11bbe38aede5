// The page: turns clicks and worker messages into state-machine events (state.js), renders the
// state with the ui/ modules, and never calls wasm itself (the worker owns it).
import { FromWorker, ToWorker, trainRequest } from './protocol.js';
import { createEngine } from './engine.js';
import { initialState, isTraining, isReadyToTrain, next } from './state.js';
import * as storage from './storage.js';
import { createBanner } from './ui/banner.js';
import { createCharts } from './ui/charts.js';
import { createControls } from './ui/controls.js';
import { $ } from './ui/dom.js';
import { download } from './ui/files.js';
import { createModelView } from './ui/model-view.js';
import { createResultsView } from './ui/results.js';
import { createTrainingView } from './ui/training-view.js';

let state = initialState();
let pendingTrain = false;      // Train was pressed before the data was there: train once it is
let dataStale = true;          // the data choice changed since the last load
let saving = Promise.resolve(null); // the latest write of the model to IndexedDB (its savedAt)

const views = [];
function dispatch(event) {
  state = next(state, { now: performance.now(), ...event });
  for (const v of views) v.render(state, performance.now());
  markReadyToTrain();
}

// The first moment Train would start at once (engine up, data in wasm memory, model built):
// npm run bench times the page from first paint to this mark.
let readyMarked = false;
function markReadyToTrain() {
  if (readyMarked || !isReadyToTrain(state)) return;
  readyMarked = true;
  performance.mark('neurite:ready-to-train');
}
const alertUser = (text) => dispatch({ type: 'alert', text });

const engine = createEngine({ onMessage: (m) => onWorker[m.type]?.(m), onCrash });
const charts = createCharts($('#chart-loss'), $('#chart-accuracy'));
const controls = createControls({
  onLoadData: () => loadData(), onTrain, onSave: () => saveToFiles().catch((e) => alertUser(`The model could not be saved: ${e.message}`)),
  onPause: () => engine.send({ type: ToWorker.PAUSE }),
  onResume: () => engine.send({ type: ToWorker.RESUME }),
  onStop: () => { dispatch({ type: 'stop-requested' }); engine.send({ type: ToWorker.STOP }); },
  onLoadModelFiles: (files) => loadModelFiles(files),
  onDatasetChange: () => { dataStale = true; },
  onModelChange: () => previewModel(),
});
views.push(createBanner({ onDismiss: () => alertUser(null) }), controls, createTrainingView(), createResultsView(), createModelView());

// ---------- worker messages ----------

const onWorker = {
  [FromWorker.READY]: (m) => {
    dispatch({ type: 'engine-ready', threaded: m.threaded, cores: m.cores, note: m.note, presets: m.presets });
    controls.setPresets(m.presets);
    restoreModel().then((restored) => { if (!restored) previewModel(0); });
  },
  [FromWorker.DATA_PROGRESS]: (m) => dispatch({ type: 'data-progress', loaded: m.loaded, total: m.total }),
  [FromWorker.DATA_LOADED]: (m) => {
    dataStale = false;
    dispatch({ ...m, type: 'data-loaded' });
    if (pendingTrain) { pendingTrain = false; startTraining(); }
  },
  [FromWorker.MODEL_INFO]: (m) => { dispatch({ type: 'model-info', model: m }); predictor.refresh(); },
  [FromWorker.TRAIN_STARTED]: (m) => { charts.reset(m.epochs); dispatch({ ...m, type: 'train-started' }); },
  [FromWorker.TRAIN_PROGRESS]: (m) => {
    charts.addBatch(m.epoch + m.batch / m.batchesPerEpoch, m.loss, m.accuracy);
    dispatch({ ...m, type: 'train-progress' });
    watchLearning();
  },
  [FromWorker.EPOCH_END]: (m) => {
    charts.addEpoch(m.epoch + 1, m.logs);
    dispatch({ ...m, type: 'epoch-end' });
    predictor.refresh(); // the drawing's guess follows the model as it learns
  },
  [FromWorker.TRAIN_PAUSED]: () => dispatch({ type: 'train-paused' }),
  [FromWorker.TRAIN_RESUMED]: () => dispatch({ type: 'train-resumed' }),
  [FromWorker.TRAIN_DONE]: (m) => {
    dispatch({ type: 'train-done', stopped: m.stopped });
    predictor.refresh();
    persistModel('trained');
  },
  [FromWorker.EVALUATION]: (m) => {
    const evaluation = { ...m, source: state.data?.source };
    dispatch({ type: 'evaluation', evaluation });
    saving.then((savedAt) => savedAt && storage.patchModelRecord(savedAt, { evaluation })).catch(() => {});
  },
  [FromWorker.ERROR]: (m) => {
    if (m.during === 'load-data') pendingTrain = false;
    dispatch({ type: 'error', during: m.during, message: m.message });
    if (m.during === 'train') predictor.refresh();
  },
};

// While training, the guess and the filters follow the model about once a second.
let lastWatch = 0;
function watchLearning() {
  const now = performance.now();
  if (now - lastWatch < 1000) return;
  lastWatch = now;
  predictor.refresh();
}

function onCrash({ reason, restarted }) {
  pendingTrain = false;
  dataStale = true;
  dispatch({ type: 'engine-crashed', reason, restarted });
}

// ---------- data and training ----------

function loadData() {
  const request = controls.dataRequest();
  dispatch({ type: 'load-start', source: request.source });
  engine.send({ type: ToWorker.LOAD_DATA, ...request });
}

function buildTrainRequest(imageShape) {
  return trainRequest({ model: controls.modelChoice(imageShape), ...controls.settings() });
}

function onTrain() {
  try {
    buildTrainRequest(state.data?.imageShape ?? [28, 28]); // complain about settings before loading anything
  } catch (err) {
    alertUser(`Please check the settings: ${err.message.replace(/^invalid training setting: /, '')}.`);
    return;
  }
  if (!state.data || dataStale || state.data.source !== controls.dataKey()) {
    pendingTrain = true;
    loadData();
    return;
  }
  startTraining();
}

function startTraining() {
  let msg;
  try {
    msg = buildTrainRequest(state.data.imageShape);
  } catch (err) {
    alertUser(`Please check the settings: ${err.message}.`);
    return;
  }
  dispatch({ type: 'train-requested' });
  charts.reset(msg.fit.epochs);
  engine.send(msg);
}

// ---------- models: preview, save, load, restore ----------

// Edits come in bursts (typing a number): the preview waits for a pause of `delayMs`.
let previewTimer = 0;
function previewModel(delayMs = 120) {
  clearTimeout(previewTimer);
  previewTimer = setTimeout(async () => {
    if (isTraining(state) || state.engine.status !== 'ready') return;
    try {
      const info = await engine.request({ type: ToWorker.DESCRIBE, model: controls.modelChoice(state.data?.imageShape ?? [28, 28]) });
      controls.setModelProblem(null);
      dispatch({ type: 'model-info', model: info });
    } catch (err) {
      controls.setModelProblem(err.message);
      dispatch({ type: 'model-info', model: { origin: 'preview', summary: `This model cannot be built: ${err.message}`, layers: [], inputShape: [] } });
    }
  }, delayMs);
}

function persistModel(origin, extra = {}) {
  saving = (async () => {
    const saved = await engine.request({ type: ToWorker.SAVE_MODEL });
    const savedAt = Date.now();
    await storage.saveModelRecord({ modelJson: saved.modelJson, weights: saved.weights, origin, savedAt, evaluation: state.evaluation, ...extra });
    dispatch({ type: 'model-saved', savedAt });
    return savedAt;
  })().catch((err) => {
    console.warn('Neurite: the model could not be kept in IndexedDB:', err);
    return null;
  });
  return saving;
}

// The first restore uses the record read while the engine started; after a crash, a fresh one.
let savedRecord = storage.loadModelRecord().catch(() => null);
async function restoreModel() {
  const record = await (savedRecord ?? storage.loadModelRecord().catch(() => null));
  savedRecord = null;
  if (!record) return false;
  const when = new Date(record.savedAt).toLocaleString();
  try {
    const info = await engine.request({ type: ToWorker.LOAD_MODEL, modelJson: record.modelJson, weights: record.weights, origin: 'restored' });
    dispatch({ type: 'model-info', model: { ...info, savedAt: record.savedAt } });
    if (record.evaluation) dispatch({ type: 'evaluation', evaluation: { ...record.evaluation, note: `Measured when the model was saved (${when}).` } });
    dispatch({ type: 'notice', text: `Restored model from ${when}.` });
    saving = Promise.resolve(record.savedAt);
    predictor.refresh();
    return true;
  } catch (err) {
    alertUser(`The model saved in this browser could not be restored: ${err.message}`);
    return false;
  }
}

function modelJsonForDownload(modelJson) {
  const json = typeof modelJson === 'string' ? JSON.parse(modelJson) : structuredClone(modelJson);
  // the files are downloaded as model.json + weights.bin: point the manifest at that name
  if (json.weightsManifest?.length === 1) json.weightsManifest[0].paths = ['weights.bin'];
  return JSON.stringify(json);
}

async function saveToFiles() {
  const saved = await engine.request({ type: ToWorker.SAVE_MODEL });
  download('model.json', new Blob([modelJsonForDownload(saved.modelJson)], { type: 'application/json' }));
  download('weights.bin', new Blob([saved.weights], { type: 'application/octet-stream' }));
}

// TF.js may split weights over several .bin files: join them in the manifest's order.
async function joinWeights(json, bins) {
  const order = (json.weightsManifest ?? []).flatMap((g) => g.paths ?? []).map((p) => p.split('/').pop());
  const rank = (f) => { const i = order.indexOf(f.name); return i < 0 ? order.length : i; };
  const parts = await Promise.all([...bins].sort((a, b) => rank(a) - rank(b)).map((f) => f.arrayBuffer()));
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let at = 0;
  for (const p of parts) { out.set(new Uint8Array(p), at); at += p.byteLength; }
  return out.buffer;
}

async function readModelFiles(files) {
  const jsonFile = files.find((f) => f.name.toLowerCase().endsWith('.json'));
  const bins = files.filter((f) => f !== jsonFile);
  if (!jsonFile) throw new Error('choose the model.json file together with its weights file (.bin)');
  let json;
  try { json = JSON.parse(await jsonFile.text()); } catch (err) { throw new Error(`${jsonFile.name} is not valid JSON (${err.message})`); }
  if (!bins.length) throw new Error(`choose the weights file (.bin) together with ${jsonFile.name}`);
  return { json, name: jsonFile.name, weights: await joinWeights(json, bins) };
}

async function loadModelFiles(files) {
  try {
    const { json, name, weights } = await readModelFiles(files);
    const info = await engine.request({ type: ToWorker.LOAD_MODEL, modelJson: json, weights, origin: 'file' }, [weights]);
    dispatch({ type: 'model-info', model: { ...info, fileName: name } });
    dispatch({ type: 'evaluation', evaluation: null });
    dispatch({ type: 'alert', text: null });
    dispatch({ type: 'notice', text: `Loaded ${name}.` });
    predictor.refresh();
    await persistModel('file');
    if (state.data && !dataStale) engine.send({ type: ToWorker.EVALUATE });
  } catch (err) {
    dispatch({ type: 'error', during: 'load-model', message: err.message });
  }
}

// ---------- drawing pad → prediction ----------

// At most one request of a kind in flight; calls made meanwhile collapse into the latest one, so
// a fast drawing hand costs one request per answer, not one per mouse move.
function latestOnly(run) {
  let busy = false, pending = null;
  return function call(arg) {
    if (busy) { pending = { arg }; return; }
    busy = true;
    Promise.resolve().then(() => run(arg)).finally(() => {
      busy = false;
      if (pending) { const p = pending; pending = null; call(p.arg); }
    });
  };
}

const blank = (pixels) => !pixels || !pixels.some((v) => v > 0); // Clear sends null

// The drawing's prediction, and what the first Conv2D layer makes of it (with no drawing, its
// filters alone): both follow the drawing and the model as it learns.
const predictor = (() => {
  let view = null, cnnView = null, last = null;
  const predict = latestOnly((pixels) => engine.request({ type: ToWorker.PREDICT, pixels })
    .then((r) => { if (last && !blank(last)) view.update(r.probabilities); })
    .catch((err) => dispatch({ type: 'error', during: 'predict', message: err.message })));
  const inspect = latestOnly((pixels) => engine.request({ type: ToWorker.INSPECT, pixels })
    .then((r) => cnnView.update(r))
    .catch(() => cnnView.update(null))); // a failed look inside must not bother anyone
  function request(pixels) {
    last = pixels;
    if (!view) return;
    const drawn = !blank(pixels);
    if (!state.hasModel) { view.reset(); cnnView.update(null); return; }
    if (drawn) predict(pixels); else view.reset();
    inspect(drawn ? pixels : null);
  }
  return {
    attach(v, c) { view = v; cnnView = c; },
    request,
    refresh() { request(last); },
  };
})();

async function setupDrawing() {
  try {
    const [{ createDrawPad }, { createPredictionView }, { createCnnView }] = await Promise.all([
      import('./ui/draw-pad.js'), import('./ui/prediction-view.js'), import('./ui/cnn-view.js'),
    ]);
    predictor.attach(createPredictionView($('#prediction'), { placeholder: 'Waiting for a drawing' }), createCnnView($('#cnn-view')));
    createDrawPad($('#draw-pad'), { onInput: (pixels) => predictor.request(pixels) });
  } catch (err) {
    alertUser(`The drawing pad could not be loaded (${err.message}).`);
  }
}

// For the browser console and the tests: read the state, ask for a prediction.
window.neurite = {
  get state() { return state; },
  predict: (pixels) => engine.request({ type: ToWorker.PREDICT, pixels: Float32Array.from(pixels) }).then((r) => r.probabilities),
  crashWorker: () => engine.send({ type: ToWorker.CRASH }),
};

dispatch({ type: 'notice', text: null });
engine.start();
// The data set shown is fetched at once, while the engine compiles; own files wait for a click.
if (controls.dataKey() !== 'files') loadData();
setupDrawing();
