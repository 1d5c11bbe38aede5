// The page's state machine: idle → loading → ready → training ⇄ paused → done / error.
// `next(state, event)` is pure (tested under Node); app.js feeds it events and the ui/ modules
// render whatever it returns. Charts are fed directly, since they only ever grow.

export const Phase = Object.freeze({
  IDLE: 'idle', LOADING: 'loading', READY: 'ready', TRAINING: 'training',
  PAUSED: 'paused', DONE: 'done', ERROR: 'error',
});

export function initialState() {
  return {
    phase: Phase.IDLE,
    engine: { status: 'starting', threaded: null, fma: null, cores: null, note: null },
    presets: [],
    data: null,          // { source, trainSize, testSize, imageShape, classes }
    loading: null,       // { source, loaded, total }
    training: null,      // { epochs, epoch, batch, batchesPerEpoch, trainSize, done, activeMs, resumedAt, logs }
    model: null,         // latest model info from the worker, { origin, summary, layers, ..., savedAt? }
    hasModel: false,     // a trained, loaded or restored model lives in the worker (predictions work)
    evaluation: null,
    alert: null,         // { text } shown in the alert region
    failed: null,        // what ended in the error phase: 'train', 'load-data', 'init' or 'crash'
    notice: null,        // { text } shown in the status line (not an error)
    resumable: null,     // a training checkpoint the page offers to resume: { epoch, batch, epochs, savedAt, ... }
    saved: { models: [], current: null },  // models kept in this browser: [{ name, dateSaved, metadata }], newest first; the one in use
  };
}

// Phases in which a long task runs: other long tasks must wait.
export function isBusy(state) {
  return [Phase.LOADING, Phase.TRAINING, Phase.PAUSED].includes(state.phase);
}

export function isTraining(state) {
  return state.phase === Phase.TRAINING || state.phase === Phase.PAUSED;
}

// Engine started, data loaded and a model built: Train starts at once.
export function isReadyToTrain(state) {
  return state.engine.status === 'ready' && state.phase === Phase.READY && state.data != null && state.model != null;
}

function withTraining(state, patch) {
  return { ...state, training: { ...state.training, ...patch } };
}

// Time spent training, without pauses; the ETA divides by it.
export function activeMs(training, now) {
  if (!training) return 0;
  return training.activeMs + (training.resumedAt != null ? now - training.resumedAt : 0);
}

export function eta(training, now) {
  const total = training.epochs * training.batchesPerEpoch;
  if (!training.done || !total) return null;
  return (activeMs(training, now) / training.done) * (total - training.done);
}

const reducers = {
  'engine-ready': (s, e) => ({
    ...s, engine: { status: 'ready', threaded: e.threaded, fma: e.fma ?? false, cores: e.cores, note: e.note ?? null }, presets: e.presets,
  }),
  'engine-crashed': (s, e) => ({
    ...s,
    phase: Phase.ERROR,
    engine: { ...s.engine, status: e.restarted ? 'starting' : 'failed' },
    data: null, loading: null, training: null, hasModel: false, failed: 'crash',
    alert: { text: e.restarted
      ? `The training engine crashed (${e.reason}). It was restarted, and the last model saved in this browser is loaded again. Press Train to train a new one.`
      : `The training engine crashed again (${e.reason}). Reload the page to start over.` },
  }),
  'load-start': (s, e) => ({ ...s, phase: Phase.LOADING, loading: { source: e.source, loaded: 0, total: 0 }, alert: null }),
  'data-progress': (s, e) => ({ ...s, loading: { ...s.loading, loaded: e.loaded, total: e.total } }),
  'data-loaded': (s, e) => ({
    ...s, phase: Phase.READY, loading: null,
    data: { source: e.source, trainSize: e.trainSize, testSize: e.testSize, imageShape: e.imageShape, classes: e.classes },
  }),
  'train-requested': (s) => ({ ...s, phase: Phase.TRAINING, training: null, evaluation: null, alert: null, notice: null, resumable: null }),
  'checkpoint-found': (s, e) => ({ ...s, resumable: e.checkpoint }),
  'checkpoint-discarded': (s) => ({ ...s, resumable: null }),
  'train-started': (s, e) => ({
    ...s, phase: Phase.TRAINING, hasModel: true,
    training: {
      epochs: e.epochs, epoch: 0, batch: 0, batchesPerEpoch: e.batchesPerEpoch, trainSize: e.trainSize,
      done: 0, activeMs: 0, resumedAt: e.now, logs: null, stopping: false, milestones: [], learningRate: null,
      ...e.resumed,  // from a checkpoint: { epoch, batch, done, activeMs, logs }
    },
  }),
  'train-progress': (s, e) => withTraining(s, {
    epoch: e.epoch, batch: e.batch, batchesPerEpoch: e.batchesPerEpoch, done: e.epoch * e.batchesPerEpoch + e.batch,
    learningRate: Number.isFinite(e.learningRate) ? e.learningRate : s.training?.learningRate ?? null,
  }),
  'milestone': (s, e) => withTraining(s, { milestones: [...(s.training?.milestones ?? []), e.milestone] }),
  'epoch-end': (s, e) => withTraining(s, { logs: e.logs, epoch: e.epoch }),
  'train-paused': (s, e) => ({
    ...withTraining(s, { activeMs: activeMs(s.training, e.now), resumedAt: null }), phase: Phase.PAUSED,
  }),
  'train-resumed': (s, e) => ({ ...withTraining(s, { resumedAt: e.now }), phase: Phase.TRAINING }),
  'stop-requested': (s) => withTraining(s, { stopping: true }),
  'train-done': (s, e) => ({
    ...withTraining(s, { activeMs: activeMs(s.training, e.now), resumedAt: null, stopped: e.stopped }),
    phase: Phase.DONE,
  }),
  'evaluation': (s, e) => ({ ...s, evaluation: e.evaluation }),
  'model-info': (s, e) => ({
    ...s, model: e.model, hasModel: s.hasModel || e.model.origin !== 'preview',
  }),
  'model-saved': (s, e) => (s.model ? { ...s, model: { ...s.model, savedAt: e.savedAt } } : s),
  'saved-models': (s, e) => ({ ...s, saved: { models: e.models, current: e.current } }),
  'error': (s, e) => failure(s, e),
  'alert': (s, e) => ({ ...s, alert: e.text ? { text: e.text } : null }),
  'notice': (s, e) => ({ ...s, notice: e.text ? { text: e.text } : null }),
};

// Training and data loading failures end their phase; a failed side request (a bad model
// file, a prediction) only raises the alert and leaves the phase as it was.
function failure(s, e) {
  const alert = { text: plainError(e.during, e.message) };
  if (e.during === 'train' || e.during === 'load-data' || e.during === 'init') {
    return {
      ...s, phase: Phase.ERROR, alert, failed: e.during, loading: null,
      training: s.training && { ...s.training, activeMs: activeMs(s.training, e.now), resumedAt: null },
      engine: e.during === 'init' ? { ...s.engine, status: 'failed' } : s.engine,
    };
  }
  return { ...s, alert };
}

const CONTEXT = {
  'load-data': 'The data could not be loaded',
  train: 'Training stopped',
  init: 'The training engine could not start',
  'load-model': 'That model could not be loaded',
  'save-model': 'The model could not be saved',
  predict: 'The prediction failed',
  evaluate: 'The evaluation failed',
  describe: 'That model cannot be built',
};

export function plainError(during, message) {
  const prefix = CONTEXT[during] ?? 'Something went wrong';
  const text = String(message ?? '').replace(/^Error:\s*/, '');
  if (during === 'train' && /diverged/i.test(text)) {
    // the core says "the loss became -nan: training diverged (...)": keep only what a person needs
    const value = /loss became (\S+?):/.exec(text)?.[1] ?? '';
    const what = /nan/i.test(value) ? 'not a number' : /inf/i.test(value) ? 'infinite' : 'out of bounds';
    return `${prefix}: the loss became ${what}, so the training diverged. Try a lower learning rate.`;
  }
  return `${prefix}: ${text}`;
}

export function next(state, event) {
  const reduce = reducers[event.type];
  if (!reduce) throw new Error(`unknown page event '${event.type}'`);
  return reduce(state, event);
}
