// A trainer: the page's whole UI inside `root`, driving a model of the library (./neurite.js) in an
// engine of its own. createTrainer(root, options) can run several times on one page: everything
// is found inside root, stored under its own key, and trained in its own worker.
// Clicks become state-machine events (state.js); the ui/ modules render the state.
import * as nn from './neurite.js';
import { checkSettings, optimizerConfig, recipeLoss } from './settings.js';
import { activeMs, initialState, isTraining, isReadyToTrain, next } from './state.js';
import { storageErrorMessage } from './lib/idb.js';
import { createStorage } from './storage.js';
import { createBanner } from './ui/banner.js';
import { createCharts } from './ui/charts.js';
import { createControls } from './ui/controls.js';
import { part } from './ui/dom.js';
import { trainerMarkup } from './ui/layout.js';
import { createModelView } from './ui/model-view.js';
import { createResultsView } from './ui/results.js';
import { createSavedModelsView } from './ui/saved-models.js';
import { MILESTONE_PROBE, createTrainingView } from './ui/training-view.js';

const GALLERY_SIZE = 40;          // misclassified test images shown
const MILESTONES = [0.98, 0.99];  // validation accuracies whose first crossing the page reports
const MAX_RESTARTS = 3;           // engine restarts within RESTART_WINDOW_MS; past that, reload
const RESTART_WINDOW_MS = 30000;
const CHECKPOINT_SECONDS = 20;    // inside an epoch, a checkpoint at most this often (and at every epoch's end)
let trainers = 0;

// [h, w] images, or [h, w, 1]: one channel, as a Keras Conv2D wants them (x[..., None])
const takesImages = (shape) => shape?.length === 2 || (shape?.length === 3 && shape[2] === 1);
const firstLayerShape = (topology) => topology?.config?.layers?.[0]?.config?.batch_input_shape?.slice(1);

export function createTrainer(root, { storageKey = 'neurite', markReady = false } = {}) {
  if (!root.childElementCount) root.innerHTML = trainerMarkup(`nt${++trainers}`);
  root.classList.add('trainer');
  const engine = new nn.Engine();
  const storage = createStorage(storageKey);
  const checkpointId = `trainer:${storageKey}`;
  let state = initialState();
  let registry = null;
  let data = null;             // {source, xTrain, yTrain, xTest, yTest}
  let model = null;            // the library's model that predictions and saves use
  let pendingTrain = false;    // Train was pressed before the data was there: train once it is (a checkpoint: resume it)
  let dataStale = true;        // the data choice changed since the last load
  let kept = null;             // {model, name, metadata}: where the model in use is kept in this browser
  let saving = Promise.resolve(null); // the latest write of the model to IndexedDB (its name)
  let pause = null;            // {promise, resume} while paused
  const restarts = [];

  const views = [];
  function dispatch(event) {
    state = next(state, { now: performance.now(), ...event });
    for (const v of views) v.render(state, performance.now());
    if (markReady && isReadyToTrain(state)) { markReady = false; performance.mark('neurite:ready-to-train'); }
  }
  const alertUser = (text) => dispatch({ type: 'alert', text });
  // a request the engine's crash cut short: 'engine-crashed' has said so already
  const crashed = (err) => /^the training engine (crashed|was terminated)/.test(err?.message ?? '');
  const fail = (during) => (err) => { if (!crashed(err)) dispatch({ type: 'error', during, message: err.message }); };

  const charts = createCharts(part(root, 'chart-loss'), part(root, 'chart-accuracy'));
  const controls = createControls(root, {
    onLoadData: () => loadData(), onTrain,
    onSave: () => saveToFiles().catch((e) => alertUser(`The model could not be saved: ${e.message}`)),
    onPause: pauseTraining, onResume: resumeTraining, onStop: stopTraining,
    onResumeCheckpoint: () => resumeCheckpoint(), onDiscardCheckpoint: () => discardCheckpoint(),
    onLoadModelFiles: (files) => loadModelFiles(files),
    onDatasetChange: () => { dataStale = true; },
    onModelChange: () => previewModel(),
  });
  const savedModels = createSavedModelsView(root, {
    onLoad: (name) => loadKept(name),
    onRename: (from, to) => savedAction(`rename “${from}”`, () => storage.rename(from, to).then(() => { if (kept?.name === from) kept.name = to; })),
    onDownload: (name) => savedAction(`download “${name}”`, () => storage.download(name)),
    onDelete: (name) => savedAction(`delete “${name}”`, () => storage.remove(name).then(() => { if (kept?.name === name) kept = null; })),
  });
  views.push(createBanner(root, { onDismiss: () => alertUser(null) }), controls, createTrainingView(root), createResultsView(root),
    createModelView(root), savedModels);

  // ---------- engine ----------

  async function startEngine() {
    try {
      const info = await engine.ready();
      registry = info.registry;
      const presets = registry.presets.filter((p) => takesImages(firstLayerShape(p.topology)));
      controls.setVocabulary(registry);
      dispatch({ type: 'engine-ready', threaded: info.threaded, fma: info.fma, cores: info.cores, note: info.note, presets });
      controls.setPresets(presets);
      if (!(await restoreModel())) previewModel(0);
      await offerCheckpoint();
    } catch (err) {
      dispatch({ type: 'error', during: 'init', message: err.message });
    }
  }

  engine.onCrash((err) => {
    pendingTrain = false;
    dataStale = true;
    data = null;
    model = null;
    const now = Date.now();
    while (restarts.length && now - restarts[0] > RESTART_WINDOW_MS) restarts.shift();
    const restarted = restarts.length < MAX_RESTARTS;
    dispatch({ type: 'engine-crashed', reason: err.message.replace(/^the training engine crashed: /, ''), restarted });
    if (restarted) { restarts.push(now); startEngine(); }
  });

  // ---------- data ----------

  async function loadData() {
    const request = controls.dataRequest();
    dispatch({ type: 'load-start', source: request.source });
    const onProgress = (_f, { loaded, total }) => dispatch({ type: 'data-progress', loaded, total });
    try {
      const set = { mnist: nn.datasets.mnist, 'fashion-mnist': nn.datasets.fashionMnist }[request.source];
      if (!set && request.source !== 'files') throw new Error(`unknown data set '${request.source}'`);
      if (!set) {
        const missing = Object.entries(request.files).filter(([, f]) => !f).map(([role]) => role);
        if (missing.length) throw new Error(`choose all four IDX files (missing: ${missing.join(', ')})`);
      }
      const parts = set ? await set.load({ engine, onProgress }) : await nn.datasets.fromIdx(request.files, { engine, onProgress, classes: 10 });
      const [, h, w] = parts.xTrain.shape;
      for (const t of ['xTrain', 'yTrain', 'xTest', 'yTest']) data?.[t]?.dispose();  // wasm memory only grows: free the old set now
      data = { source: request.source, ...parts };
      dataStale = false;
      dispatch({ type: 'data-loaded', source: request.source, trainSize: parts.xTrain.shape[0], testSize: parts.xTest.shape[0],
        imageShape: [h, w], classes: 10 });
      if (pendingTrain) {
        const resume = pendingTrain === true ? null : pendingTrain;
        pendingTrain = false;
        startTraining(resume);
      }
    } catch (err) {
      pendingTrain = false;
      fail('load-data')(err);
    }
  }

  // The images as the model takes them, like the tutorial's x_train[..., tf.newaxis] / 255
  function inputs(x, m) {
    const [, h, w] = x.shape;
    const want = m.inputShape ?? [h, w];
    if (want.reduce((a, b) => a * b, 1) !== h * w)
      throw new Error(`the model takes inputs of shape (${want.join(', ')}), but the images are ${h}×${w} pixels`);
    return x.reshape([-1, ...want]).div(255);
  }

  // ---------- models ----------

  function topologyOf(choice) {
    if (choice.topology) return choice.topology;
    const p = state.presets.find((x) => x.name === choice.preset);
    if (!p) throw new Error(`unknown preset '${choice.preset}'`);
    return p.topology;
  }

  async function describe(m, origin) {
    await m.ready();
    return {
      origin, summary: await m.summary(undefined, undefined, () => {}),
      layers: m.layers.map((l) => ({ name: l.name, className: l.getClassName(), outputShape: l.outputShape, params: l.params })),
      inputShape: m.inputShape, outputShape: m.outputShape, topology: m.toJSON(),
      fromLogits: (m.compiled ?? m.impliedLoss)?.fromLogits ?? false,
    };
  }

  function adopt(m) {
    if (model && model !== m) model.dispose();
    model = m;
  }

  // Edits come in bursts (typing a number): the preview waits for a pause of `delayMs`.
  let previewTimer = 0;
  function previewModel(delayMs = 120) {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(async () => {
      if (isTraining(state) || state.engine.status !== 'ready') return;
      let m = null;
      try {
        m = nn.Sequential.fromTopology(topologyOf(controls.modelChoice(state.data?.imageShape ?? [28, 28])), { engine, seed: 0 });
        const info = await describe(m, 'preview');
        controls.setModelProblem(null);
        dispatch({ type: 'model-info', model: info });
      } catch (err) {
        controls.setModelProblem(err.message);
        dispatch({ type: 'model-info', model: { origin: 'preview', summary: `This model cannot be built: ${err.message}`, layers: [], inputShape: [] } });
      } finally {
        m?.dispose();
      }
    }, delayMs);
  }

  // A model file without a training config gets what its output implies (the core decides).
  function compiledForUse(m) {
    if (!m.compiled) m.compile({ optimizer: 'adam', metrics: ['accuracy'] });
    return m;
  }

  // ---------- models kept in this browser ----------

  async function refreshSaved() {
    const models = await storage.list().catch(() => []);
    dispatch({ type: 'saved-models', models, current: kept?.name ?? null });
  }

  async function savedAction(what, action) {
    try {
      await action();
    } catch (err) {
      alertUser(`Could not ${what}: ${storageErrorMessage(err)}.`);
    }
    await refreshSaved();
  }

  // Keeps the model in use in this browser: a new entry in the list (named after `label` and the
  // data set), or, for the model already kept, its entry brought up to date (say, with its test
  // accuracy). A full disk is a message; the model stays in the page and can be saved to files.
  function keepModel(origin, { label, ...facts } = {}) {
    const m = model;
    saving = (async () => {
      const same = kept?.model === m;
      // keptAt: when it joined the list (a later update, such as its test accuracy, leaves it)
      const metadata = { keptAt: Date.now(), ...(same ? kept.metadata : {}), origin, ...facts, ...(label ? { model: label } : {}) };
      const base = [metadata.model ?? 'model', nn.datasets.catalog[metadata.dataset]?.label].filter(Boolean).join(' · ');
      const name = same ? kept.name : await storage.freshName(base);
      const savedAt = await storage.keep(m, name, { metadata, evaluation: state.evaluation });
      kept = { model: m, name, metadata };
      dispatch({ type: 'model-saved', savedAt });
      await refreshSaved();
      return name;
    })().catch((err) => {
      alertUser(`The model could not be kept in this browser: ${storageErrorMessage(err)}. Save model keeps it in files.`);
      return null;
    });
    return saving;
  }

  // A kept model, made the one in use: after a reload (the one this trainer used last), or from the list.
  async function useKept(name, evaluation = null) {
    const m = compiledForUse(await storage.loadModel(name, { engine, seed: 0 }));
    const info = await describe(m, 'restored');
    adopt(m);
    const entry = (await storage.list().catch(() => [])).find((e) => e.name === name);
    kept = { model: m, name, metadata: { keptAt: entry?.dateSaved, ...m.getUserDefinedMetadata()?.neurite } };
    dispatch({ type: 'model-info', model: { ...info, savedAt: entry?.dateSaved, savedName: name } });
    dispatch({ type: 'evaluation', evaluation: evaluation && { ...evaluation, note: 'Measured when the model was kept.' } });
    saving = Promise.resolve(name);
    predictor.refresh();
    await refreshSaved();
    return { dateSaved: entry?.dateSaved ?? Date.now() };
  }

  async function restoreModel() {
    const record = await storage.inUse().catch(() => null);
    await refreshSaved();
    if (!record) return false;
    try {
      if (record.modelJson) return await adoptLegacy(record);
      const entry = await useKept(record.name, record.evaluation);
      dispatch({ type: 'notice', text: `Restored model from ${new Date(entry.dateSaved).toLocaleString()}: “${record.name}”.` });
      return true;
    } catch (err) {
      if (/no model is saved under that name/.test(err.message)) { await storage.forget().catch(() => {}); return false; }
      alertUser(`The model kept in this browser could not be restored: ${err.message}`);
      return false;
    }
  }

  // A model an older version of the page kept in its single slot: restored, then moved into the list.
  async function adoptLegacy(record) {
    const m = compiledForUse(await nn.loadModel({ modelJson: record.modelJson, weights: record.weights }, { engine, seed: 0 }));
    adopt(m);
    dispatch({ type: 'model-info', model: { ...(await describe(m, 'restored')), savedAt: record.savedAt } });
    if (record.evaluation) dispatch({ type: 'evaluation', evaluation: record.evaluation });
    predictor.refresh();
    await keepModel('restored', { label: 'model', accuracy: record.evaluation?.accuracy, dataset: record.evaluation?.source,
      keptAt: record.savedAt });
    return true;
  }

  async function loadKept(name) {
    if (isTraining(state)) return;
    try {
      await useKept(name);
      await storage.use(name).catch(() => {});  // a reload brings this one back
      dispatch({ type: 'alert', text: null });
      dispatch({ type: 'notice', text: `Loaded “${name}” from this browser.` });
      if (data && !dataStale) evaluate().catch(fail('evaluate'));
    } catch (err) {
      dispatch({ type: 'error', during: 'load-model', message: err.message });
    }
  }

  async function saveToFiles() {
    if (!model) throw new Error('there is no model to save yet: train or load one first');
    await model.save('downloads://model');
  }

  async function loadModelFiles(files) {
    try {
      const m = compiledForUse(await nn.loadModel(files, { engine, seed: 0 }));
      const info = await describe(m, 'file');
      adopt(m);
      const name = files.find((f) => f.name.toLowerCase().endsWith('.json'))?.name ?? 'the model';
      dispatch({ type: 'model-info', model: { ...info, fileName: name } });
      dispatch({ type: 'evaluation', evaluation: null });
      dispatch({ type: 'alert', text: null });
      dispatch({ type: 'notice', text: `Loaded ${name}.` });
      predictor.refresh();
      kept = null;
      await keepModel('file', { label: name.replace(/\.json$/i, ''), dataset: m.getUserDefinedMetadata()?.neurite?.dataset });
      if (data && !dataStale) evaluate().catch(fail('evaluate'));
    } catch (err) {
      dispatch({ type: 'error', during: 'load-model', message: err.message });
    }
  }

  // ---------- training ----------

  // Everything a training is made from (kept in its checkpoints, so a resumed one is the same)
  function settings(imageShape) {
    const s = checkSettings({ ...controls.settings(), optimizers: registry?.optimizers ?? ['adam', 'sgd', 'rmsprop'] });
    return { ...s, topology: topologyOf(controls.modelChoice(imageShape)), recipe: controls.recipe(),
      recipeOptimizer: controls.recipeOptimizer() };
  }

  function onTrain() {
    try {
      settings(state.data?.imageShape ?? [28, 28]); // complain about settings before loading anything
    } catch (err) {
      alertUser(`Please check the settings: ${err.message.replace(/^invalid training setting: /, '')}.`);
      return;
    }
    if (!data || dataStale || state.data?.source !== controls.dataKey()) {
      pendingTrain = true;
      loadData();
      return;
    }
    startTraining();
  }

  // A new training, or (resume: a checkpoint) the rest of an interrupted one, with its settings.
  async function startTraining(resume = null) {
    let s;
    try {
      s = resume ? resume.meta.settings : settings(state.data.imageShape);
    } catch (err) {
      alertUser(`Please check the settings: ${err.message}.`);
      return;
    }
    const modelName = resume ? resume.meta.model : controls.modelChoice(state.data.imageShape).preset ?? 'custom layers';
    pause = null;
    dispatch({ type: 'train-requested' });
    if (resume) charts.restore(resume.meta.charts); else charts.reset(s.epochs);
    const m = nn.Sequential.fromTopology(s.topology, { engine, seed: s.seed });
    const limit = s.trainLimit && s.trainLimit < data.xTrain.shape[0] ? s.trainLimit : null;
    const trainSize = Math.floor((limit ?? data.xTrain.shape[0]) * (1 - s.validationSplit));
    const steps = s.epochs * Math.ceil(trainSize / s.batchSize);
    m.compile({ optimizer: optimizerConfig(s, { steps, recipe: s.recipeOptimizer }),
      loss: recipeLoss(s.recipe, s.topology) ?? undefined, metrics: ['accuracy'] });
    let checkpointTrouble = false;
    let before = null;  // the weights training starts from: what a divergence without a checkpoint goes back to
    try {
      await m.ready();
      adopt(m);
      kept = null;  // the kept model is no longer the one in use (a reload brings it back until this one is kept)
      refreshSaved();
      dispatch({ type: 'model-info', model: await describe(m, 'trained') });
      const x = inputs(data.xTrain, m), y = data.yTrain;
      if (!resume) {
        before = await m.toArtifacts();
        await nn.checkpoints.delete(checkpointId).catch(() => {});  // an older training's: this one replaces it
      }
      const validation = s.validation === 'test' ? { validationData: [inputs(data.xTest, m), data.yTest] } : { validationSplit: s.validationSplit };
      let stepsPerEpoch = 1;
      let lastWatch = 0;
      // time to 98 % and 99 %: probed about 8 times an epoch on 2,000 test images (when the test set validates)
      const milestones = s.validation === 'test'
        ? { thresholds: MILESTONES, every: Math.max(10, Math.round(steps / s.epochs / 8)), ...MILESTONE_PROBE } : undefined;
      const early = s.earlyStopping ? [nn.callbacks.earlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true })] : [];
      // what the page needs to show and continue this training after a reload
      const meta = () => ({ settings: s, source: data.source, model: modelName, charts: charts.snapshot(),
        activeMs: activeMs(state.training, performance.now()), logs: state.training?.logs ?? null });
      const history = await m.fit(limit ? x.slice(0, limit) : x, limit ? y.slice(0, limit) : y, {
        epochs: s.epochs, batchSize: s.batchSize, shuffle: true, ...validation, milestones,
        resumeFrom: resume ?? undefined, checkpoint: { id: checkpointId, everySeconds: CHECKPOINT_SECONDS, meta },
        callbacks: [...early, {
          onTrainBegin() {
            stepsPerEpoch = this.params.steps;
            if (!resume) charts.reset(s.epochs);
            const resumed = resume && { epoch: resume.epoch, batch: resume.batch, done: resume.epoch * stepsPerEpoch + resume.batch,
              activeMs: resume.meta.activeMs ?? 0, logs: resume.meta.logs };
            dispatch({ type: 'train-started', epochs: s.epochs, batchesPerEpoch: this.params.steps, trainSize: this.params.samples, resumed });
          },
          onYield(epoch, batch, logs) {
            charts.addBatch(epoch + batch / stepsPerEpoch, logs.loss, logs.accuracy);
            dispatch({ type: 'train-progress', epoch, batch, batchesPerEpoch: stepsPerEpoch, learningRate: logs.learning_rate });
            // while training, the guess and the filters follow the model about once a second
            if (performance.now() - lastWatch > 1000) { lastWatch = performance.now(); predictor.refresh(); }
            return pause?.promise;  // paused: training waits here
          },
          onEpochEnd(epoch, logs) {
            charts.addEpoch(epoch + 1, logs);
            dispatch({ type: 'epoch-end', epoch, logs });
            predictor.refresh();
          },
          onMilestone(milestone) { dispatch({ type: 'milestone', milestone }); },
          onCheckpointError(err) {
            if (checkpointTrouble) return;  // said once; training goes on either way
            checkpointTrouble = true;
            alertUser(`Training goes on, but ${err.message}: a reload now would lose this training.`);
          },
        }],
      });
      pause = null;
      dispatch({ type: 'train-done', stopped: history.history.loss.length < s.epochs || m.stopTraining });
      predictor.refresh();
      keepModel('trained', trainedFacts(modelName, s, history.history));
      setTimeout(() => evaluate().catch(fail('evaluate')), 0);
    } catch (err) {
      pause = null;
      fail('train')(err);
      if (/diverged/.test(err?.message)) await rollBack(resume ?? before).catch((e) => alertUser(`${state.alert?.text ?? ''} ${e.message}`));
      predictor.refresh();
    }
  }

  // What the list of kept models says about a training that has just ended
  function trainedFacts(label, s, history) {
    const accuracy = history.val_accuracy?.at(-1);
    return { label, dataset: data?.source, accuracy, accuracyOn: s.validation === 'test' ? 'test' : 'validation' };
  }

  // A diverged training's weights predict nothing but NaN: the model goes back to this training's
  // last checkpoint (at most an epoch or CHECKPOINT_SECONDS old); without one, to the model kept in
  // this browser from before (trained or loaded), or else to the weights this training started from.
  async function rollBack(start) {
    const checkpoint = await nn.checkpoints.load(checkpointId).catch(() => null);
    const before = checkpoint ? null : await storage.inUse().catch(() => null);
    let where;
    if (before?.name && await useKept(before.name, before.evaluation).then(() => true, () => false)) {
      where = 'the model you had before this training';
    } else {
      const from = checkpoint ?? start;
      if (!from) return;
      const m = compiledForUse(await nn.loadModel({ modelJson: from.modelJson, weights: from.weights }, { engine, seed: 0 }));
      const info = await describe(m, 'trained');
      adopt(m);
      dispatch({ type: 'model-info', model: info });
      where = checkpoint ? (checkpoint.batch > 0 ? `this training's last checkpoint, in epoch ${checkpoint.epoch + 1}`
        : `this training's last checkpoint, after epoch ${checkpoint.epoch}`) : 'the weights this training started from';
    }
    alertUser(`${state.alert?.text ?? ''} The model is back to ${where}, and can be saved.`.trim());
    if (checkpoint) {
      await nn.checkpoints.delete(checkpointId).catch(() => {});  // resuming it would diverge the same way
      keepModel('trained', { label: checkpoint.meta?.model, dataset: checkpoint.meta?.source });
    }
  }

  // An interrupted training kept in this browser (a reload, a crash, a closed tab): offered to resume.
  async function offerCheckpoint() {
    const found = (await nn.checkpoints.list().catch(() => [])).find((c) => c.id === checkpointId);
    if (!found?.meta?.settings) return;
    const { epoch, batch, epochs, savedAt, meta: { source, model: name } } = found;
    dispatch({ type: 'checkpoint-found', checkpoint: { epoch, batch, epochs, savedAt, source, model: name } });
  }

  async function resumeCheckpoint() {
    let record;
    try {
      record = await nn.checkpoints.load(checkpointId);
    } catch (err) {
      dispatch({ type: 'checkpoint-discarded' });
      alertUser(`The interrupted training could not be read back: ${err.message}`);
      return;
    }
    controls.chooseDataset(record.meta.source);
    controls.showSettings(record.meta.settings, record.meta.model);
    if (!data || dataStale || state.data?.source !== record.meta.source) {
      pendingTrain = record;
      loadData();
      return;
    }
    startTraining(record);
  }

  async function discardCheckpoint() {
    dispatch({ type: 'checkpoint-discarded' });
    await nn.checkpoints.delete(checkpointId).catch(() => {});
  }

  function pauseTraining() {
    if (pause || !model) return;
    let resume;
    const promise = new Promise((r) => { resume = r; });
    pause = { promise, resume };
    dispatch({ type: 'train-paused' });
  }

  function resumeTraining() {
    if (!pause) return;
    pause.resume();
    pause = null;
    dispatch({ type: 'train-resumed' });
  }

  function stopTraining() {
    dispatch({ type: 'stop-requested' });
    model?.stop();
    if (pause) resumeTraining();
  }

  // ---------- evaluation ----------

  // The first GALLERY_SIZE test images the model gets wrong, with their pixels for thumbnails: only
  // those images are read out of the engine, so the page never holds a copy of the whole test set.
  async function misclassified(m, x, probabilities) {
    const labels = await data.yTest.data();
    const classes = probabilities.length / labels.length;
    const found = [];
    for (let i = 0; i < labels.length && found.length < GALLERY_SIZE; i++) {
      let predicted = 0;
      for (let j = 1; j < classes; j++) if (probabilities[i * classes + j] > probabilities[i * classes + predicted]) predicted = j;
      if (predicted !== labels[i]) found.push({ index: i, predicted, truth: labels[i] });
    }
    const pixels = await Promise.all(found.map(({ index }) => data.xTest.slice(index, 1).data()));
    return found.map((f, k) => ({ ...f, pixels: pixels[k] }));
  }

  async function evaluate() {
    if (!model) throw new Error('there is no model to evaluate yet');
    if (!data) throw new Error('load a data set before evaluating');
    const m = model;
    const x = inputs(data.xTest, m);
    const [loss] = [await m.evaluate(x, data.yTest, { batchSize: 100 })].flat();
    const c = await m.confusionMatrix(x, data.yTest, { batchSize: 100 });
    const probabilities = await m.predict(x, { batchSize: 100 }).data();
    const evaluation = {
      loss, accuracy: c.accuracy, precision: c.precision, recall: c.recall, f1: c.f1, matrix: c.matrix,
      imageShape: data.xTest.shape.slice(1), misclassified: await misclassified(m, x, probabilities), source: state.data?.source,
    };
    if (m !== model) return;
    dispatch({ type: 'evaluation', evaluation });
    // the kept copy gets the test accuracy the list shows
    saving.then((name) => name && kept?.model === m
      && keepModel(kept.metadata.origin, { dataset: evaluation.source, accuracy: evaluation.accuracy, accuracyOn: 'test' }));
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
  const drawing = (m, pixels) => nn.tensor(pixels, [1, ...(m.inputShape ?? [28, 28])], 'float32');

  async function probabilities(pixels) {
    const m = model;
    if (!m) throw new Error('there is no model yet: train or load one first');
    const out = m.predict(drawing(m, pixels));
    const fromLogits = (m.compiled ?? m.impliedLoss)?.fromLogits;
    return Array.from(await (fromLogits ? nn.softmax(out) : out).data());
  }

  // What the first Conv2D sees: its filters and, for a drawing, its feature maps (and the next
  // pooling layer's). Models without a Conv2D give { filters: null, maps: [] }.
  async function inspect(pixels) {
    const m = model;
    const layers = m.layers;
    const conv = layers.findIndex((l) => l.getClassName() === 'Conv2D');
    if (conv < 0) return { filters: null, maps: [] };
    const [kernel] = await m.getLayerWeights(conv);
    const filters = { layer: layers[conv].name, shape: kernel.tensor.shape, values: await kernel.tensor.data() };
    const pooled = ['MaxPooling2D', 'AveragePooling2D'].includes(layers[conv + 1]?.getClassName());
    const shown = pooled ? [conv, conv + 1] : [conv];
    const maps = pixels ? await Promise.all(shown.map(async (i) => {
      const out = await m.layerOutput(drawing(m, pixels), i);
      return { layer: layers[i].name, className: layers[i].getClassName(), shape: out.shape.slice(1), values: await out.data() };
    })) : [];
    return { filters, maps };
  }

  // The drawing's prediction, and what the first Conv2D layer makes of it (with no drawing, its
  // filters alone): both follow the drawing and the model as it learns.
  const predictor = (() => {
    let view = null, cnnView = null, last = null;
    const predict = latestOnly((pixels) => probabilities(pixels)
      .then((p) => { if (last && !blank(last)) view.update(p); })
      .catch((err) => dispatch({ type: 'error', during: 'predict', message: err.message })));
    const look = latestOnly((pixels) => (model ? inspect(pixels) : Promise.resolve(null))
      .then((r) => cnnView.update(r))
      .catch(() => cnnView.update(null))); // a failed look inside must not bother anyone
    function request(pixels) {
      last = pixels;
      if (!view) return;
      const drawn = !blank(pixels);
      if (!state.hasModel || !model) { view.reset(); cnnView.update(null); return; }
      if (drawn) predict(pixels); else view.reset();
      look(drawn ? pixels : null);
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
      predictor.attach(createPredictionView(part(root, 'prediction'), { placeholder: 'Waiting for a drawing' }), createCnnView(part(root, 'cnn-view')));
      createDrawPad(part(root, 'draw-pad'), { onInput: (pixels) => predictor.request(pixels) });
    } catch (err) {
      alertUser(`The drawing pad could not be loaded (${err.message}).`);
    }
  }

  dispatch({ type: 'notice', text: null });
  startEngine();
  // The data set shown is fetched at once, while the engine compiles; own files wait for a click.
  if (controls.dataKey() !== 'files') loadData();
  setupDrawing();

  // For the browser console and the tests: the state, a prediction, a crash of the worker.
  const handle = {
    get state() { return state; },
    get model() { return model; },
    predict: (pixels) => probabilities(Float32Array.from(pixels)),
    crashWorker: () => engine.crash(),
    memory: () => nn.memory(engine),
  };
  root.trainer = handle;
  return handle;
}
