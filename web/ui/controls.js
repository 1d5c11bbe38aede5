// The settings column and the action buttons: reads what the person chose, and enables or
// hides controls according to the page state.
import { datasets } from '../neurite.js';
import { Phase, isBusy, isTraining } from '../state.js';
import { part, grouped, h, megabytes, setText } from './dom.js';
import { checkRows, createLayerEditor, rowsFromTopology, topologyFromRows } from './layer-editor.js';
import { recipeSettings } from '../settings.js';

const CUSTOM = 'custom';
const DATASETS = datasets.catalog;
const FILE_ROLES = ['trainImages', 'trainLabels', 'testImages', 'testLabels'];  // the markup's file inputs

function numberValue(root, name) {
  const raw = part(root, name).value.trim();
  return raw === '' ? null : Number(raw);
}

export function createControls(root, handlers) {
  const el = {
    dataset: part(root, 'dataset'), ownFiles: part(root, 'own-files'), loadData: part(root, 'load-data'), dataInfo: part(root, 'data-info'),
    loading: part(root, 'loading'), loadProgress: part(root, 'load-progress'), loadText: part(root, 'load-text'),
    preset: part(root, 'preset'), presetDescription: part(root, 'preset-description'),
    train: part(root, 'train'), pause: part(root, 'pause'), resume: part(root, 'resume'), stop: part(root, 'stop'),
    save: part(root, 'save-model'), load: part(root, 'load-model'), modelFiles: part(root, 'model-files'),
    resumeOffer: part(root, 'resume-offer'), resumeText: part(root, 'resume-text'),
    resumeTraining: part(root, 'resume-training'), discardCheckpoint: part(root, 'discard-checkpoint'),
  };
  let presets = [];
  const editor = createLayerEditor(part(root, 'layer-editor'), { onChange: () => customised() });

  function customised() {
    el.preset.value = CUSTOM;
    describePreset();
    handlers.onModelChange();
  }

  function describePreset() {
    const p = presets.find((x) => x.name === el.preset.value);
    setText(el.presetDescription, p ? p.description : 'Your own stack of layers (edit below).');
  }

  // `quietly` when the page itself sets the preset: only a person's choice replaces the model view
  // a person's choice of preset also sets the training settings its recipe uses
  function choosePreset(quietly = false) {
    const p = presets.find((x) => x.name === el.preset.value);
    if (p) editor.setRows(rowsFromTopology(p.topology));
    if (p?.recipe && quietly !== true) {
      const r = recipeSettings(p.recipe);
      part(root, 'optimizer').value = r.optimizer;
      part(root, 'learning-rate').value = String(r.learningRate);
      part(root, 'schedule').value = r.schedule;
      part(root, 'epochs').value = String(r.epochs);
      part(root, 'batch-size').value = String(r.batchSize);
    }
    describePreset();
    if (quietly !== true) handlers.onModelChange();
  }

  el.dataset.addEventListener('change', () => { el.ownFiles.hidden = el.dataset.value !== 'files'; handlers.onDatasetChange(); });
  for (const role of FILE_ROLES) part(root, `file-${role}`).addEventListener('change', () => handlers.onDatasetChange());
  el.preset.addEventListener('change', choosePreset);
  el.loadData.addEventListener('click', () => handlers.onLoadData());
  el.train.addEventListener('click', () => handlers.onTrain());
  el.pause.addEventListener('click', () => handlers.onPause());
  el.resume.addEventListener('click', () => handlers.onResume());
  el.stop.addEventListener('click', () => handlers.onStop());
  el.resumeTraining.addEventListener('click', () => handlers.onResumeCheckpoint());
  el.discardCheckpoint.addEventListener('click', () => handlers.onDiscardCheckpoint());
  el.save.addEventListener('click', () => handlers.onSave());
  el.load.addEventListener('click', () => el.modelFiles.click());
  el.modelFiles.addEventListener('change', () => {
    const files = [...el.modelFiles.files];
    el.modelFiles.value = ''; // picking the same files again must fire change again
    if (files.length) handlers.onLoadModelFiles(files);
  });

  return {
    setVocabulary(registry) { editor.setVocabulary(registry); },

    setPresets(list) {
      presets = list;
      el.preset.replaceChildren(
        ...list.map((p) => h('option', { value: p.name }, p.name)),
        h('option', { value: CUSTOM }, 'custom layers'),
      );
      if (list.length) choosePreset(true);
    },

    // What Train should load, or an error sentence when the choice is incomplete.
    dataRequest() {
      const source = el.dataset.value;
      if (source !== 'files') return { source };
      const files = {};
      for (const role of FILE_ROLES) files[role] = part(root, `file-${role}`).files[0];
      return { source, files };
    },

    dataKey() {
      return el.dataset.value;
    },

    // The chosen preset's optimizer config (null for custom layers): its betas and such
    recipeOptimizer() { return this.recipe()?.optimizer ?? null; },
    // The chosen preset's whole recipe (null for custom layers)
    recipe() { return presets.find((x) => x.name === el.preset.value)?.recipe ?? null; },

    // The model to build: a preset by name, or the editor's layers as a Keras topology.
    modelChoice(imageShape) {
      if (el.preset.value !== CUSTOM) return { preset: el.preset.value };
      const problem = checkRows(editor.rows());
      if (problem) throw new Error(problem);
      return { topology: topologyFromRows(editor.rows(), imageShape) };
    },

    // The core's reason why the chosen layers cannot be built, shown under the editor (null: none).
    setModelProblem(text) { editor.setProblem(text); },

    settings() {
      return {
        optimizer: part(root, 'optimizer').value,
        learningRate: numberValue(root, 'learning-rate'),
        schedule: part(root, 'schedule').value,
        earlyStopping: part(root, 'early-stopping').checked,
        epochs: numberValue(root, 'epochs'),
        batchSize: numberValue(root, 'batch-size'),
        validation: part(root, 'validation').querySelector('input:checked').value,
        validationSplit: numberValue(root, 'validation-split'),
        seed: numberValue(root, 'seed'),
        trainLimit: numberValue(root, 'train-limit'),
      };
    },

    render(state) {
      const busy = isBusy(state);
      const ready = state.engine.status === 'ready';
      const training = isTraining(state);
      el.train.disabled = !ready || busy;
      el.pause.hidden = state.phase === Phase.PAUSED;
      el.pause.disabled = state.phase !== Phase.TRAINING || !state.training;
      el.resume.hidden = state.phase !== Phase.PAUSED;
      el.stop.disabled = !training || !state.training || state.training.stopping;
      el.loadData.disabled = busy;
      el.dataset.disabled = busy;
      el.save.disabled = !ready || !state.hasModel || training;
      el.load.disabled = !ready || training;
      // the model and its settings can be chosen while the data loads
      for (const name of ['preset', 'optimizer', 'learning-rate', 'schedule', 'early-stopping', 'epochs', 'batch-size', 'train-limit', 'seed', 'validation-split']) {
        part(root, name).disabled = training;
      }
      editor.setDisabled(training);
      renderData(state);
      renderResumeOffer(state, ready && !busy);
    },

    // A resumed training's settings back in the form, so what it shows is what trains.
    showSettings(s, preset) {
      if (presets.some((p) => p.name === preset)) el.preset.value = preset;
      else el.preset.value = CUSTOM;
      editor.setRows(rowsFromTopology(s.topology));
      describePreset();
      const fields = { optimizer: s.optimizer, 'learning-rate': s.learningRate, schedule: s.schedule, epochs: s.epochs,
        'batch-size': s.batchSize, seed: s.seed, 'train-limit': s.trainLimit ?? '', 'validation-split': s.validationSplit || 0.1 };
      for (const [name, value] of Object.entries(fields)) part(root, name).value = String(value);
      part(root, 'early-stopping').checked = s.earlyStopping;
      part(root, 'validation').querySelector(`input[value="${s.validation}"]`).checked = true;
    },

    // the data set a resumed training needs
    chooseDataset(source) {
      if (el.dataset.value === source) return;
      el.dataset.value = source;
      el.ownFiles.hidden = source !== 'files';
      handlers.onDatasetChange();
    },
  };

  function renderResumeOffer(state, available) {
    const c = state.resumable;
    el.resumeOffer.hidden = !c || !available;
    if (!c) return;
    const name = DATASETS[c.source]?.label ?? c.source;
    const where = c.batch > 0 ? `in epoch ${c.epoch + 1} of ${c.epochs}` : `after epoch ${c.epoch} of ${c.epochs}`;
    setText(el.resumeText, `A training of ${c.model} on ${name} was interrupted ${where} (saved ${new Date(c.savedAt).toLocaleTimeString()}).`);
  }

  function renderData(state) {
    el.loading.hidden = state.phase !== Phase.LOADING;
    if (state.loading) {
      const { loaded, total } = state.loading;
      el.loadProgress.max = total || 1;
      el.loadProgress.value = Math.min(loaded, total || 1);
      setText(el.loadText, total ? `${megabytes(loaded)} of ${megabytes(total)}` : `${megabytes(loaded)} loaded`);
    }
    const d = state.data;
    const name = d ? (DATASETS[d.source]?.label ?? 'your files') : null;
    const text = d ? `${name}: ${grouped(d.trainSize)} training and ${grouped(d.testSize)} test images, ${d.imageShape.join('×')} pixels.`
      : state.phase === Phase.LOADING ? 'Loading…' : 'Not loaded yet. Train loads it for you.';
    setText(el.dataInfo, text);
    if (d) editor.setFirstLabel(d.imageShape);
  }
}
