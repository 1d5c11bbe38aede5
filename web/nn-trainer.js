// <nn-trainer>: a live, trainable network for a tutorial's page, built on the library
// (./neurite.js). One <script type="module" src=".../dist/nn-trainer.js"> defines it; each element
// trains in a Worker of its own, inside a Shadow DOM, and needs nothing but the dist/ files it
// came from (single-threaded on a plain host, threaded on a cross-origin-isolated page).
//
//   <nn-trainer dataset="mnist" layers="flatten, dense 128 relu, dropout 0.2, dense 10"
//               epochs="5" panels="controls chart draw"></nn-trainer>
//
// Attributes: dataset (mnist, fashion-mnist, circles, moons, random-binary), src (a CSV, or 2 or 4
// IDX files, space-separated, instead of dataset), layers (a short spec, or a child <script
// type="application/json"> with a Keras topology), optimizer, learning-rate, loss, epochs,
// batch-size, validation-split, seed, model (URL of a saved model.json), panels (controls chart
// draw summary confusion boundary network), autostart. Events: epochend, trainend, predict, error
// (logs in event.detail). element.model is the library's model; element.train(), element.stop().
// Training checkpoints itself (IndexedDB, every epoch and every 20 s): after a reload or a crash the
// widget offers "Resume training" (element.resume()), if its attributes are still the same.
import * as nn from './neurite.js';
import { createCharts } from './ui/charts.js';
import { createModelView } from './ui/model-view.js';
import { createResultsView } from './ui/results.js';
import { parseCsv } from './widget/csv.js';
import { paintBoundary } from './widget/boundary.js';

const here = new URL('.', import.meta.url);
const IMAGE_SETS = { mnist: nn.datasets.mnist, 'fashion-mnist': nn.datasets.fashionMnist };
const TOY_SETS = ['circles', 'moons', 'random-binary'];
const DEFAULT_LAYERS = { images: 'flatten, dense 128 relu, dropout 0.2, dense 10', points: 'dense 10 relu, dense 1 sigmoid' };
const DEFAULT_PANELS = { images: 'controls chart draw', points: 'controls chart boundary' };
const CHECKPOINT_SECONDS = 20;
const ATTRIBUTES = ['dataset', 'src', 'layers', 'optimizer', 'learning-rate', 'loss', 'epochs', 'batch-size', 'validation-split',
  'seed', 'model', 'panels', 'autostart'];

const template = () => `
<link rel="stylesheet" href="${new URL('vendor/uPlot.min.css', here)}">
<link rel="stylesheet" href="${new URL('ui/draw.css', here)}">
<link rel="stylesheet" href="${new URL('nn-trainer.css', here)}">
<div class="nt">
  <div class="nt-controls" data-panel="controls">
    <button type="button" data-ui="train">Train</button>
    <button type="button" data-ui="stop" disabled>Stop</button>
    <button type="button" data-ui="resume-training" hidden>Resume training</button>
    <progress data-ui="progress" aria-label="Training progress" max="1" value="0"></progress>
    <p class="nt-status" data-ui="status" role="status" aria-live="polite">Starting…</p>
  </div>
  <div class="nt-charts" data-panel="chart">
    <figure class="chart" data-ui="chart-loss"><figcaption>Loss</figcaption></figure>
    <figure class="chart" data-ui="chart-accuracy"><figcaption>Accuracy</figcaption></figure>
  </div>
  <div class="nt-draw" data-panel="draw"><div data-ui="draw-pad"></div><div data-ui="prediction"></div></div>
  <figure class="nt-boundary" data-panel="boundary">
    <canvas data-ui="boundary" width="240" height="240" role="img" aria-label="Decision boundary"></canvas>
    <figcaption>Decision boundary: the model's probability of class 1 (orange) over the plane, and the training points</figcaption>
  </figure>
  <pre class="nt-summary" data-panel="summary" data-ui="model-summary-text" aria-label="Model summary"></pre>
  <div class="nt-confusion" data-panel="confusion"><div data-ui="evaluation-body"></div></div>
  <div class="nt-network" data-panel="network">
    <p class="hint" data-ui="model-origin"></p><div data-ui="model-diagram"></div><pre hidden data-ui="model-summary"></pre>
  </div>
</div>`;

class NnTrainer extends HTMLElement {
  static observedAttributes = ATTRIBUTES;
  #shadow;
  #engine = null;
  #model = null;
  #data = null;       // {key, kind: 'images' | 'points', parts: {xTrain, ...}, classes}
  #busy = false;
  #preparing = null;  // the preview in progress: train() waits for it, so the two never adopt each other's models
  #views = null;
  #charts = null;
  #predictor = null;
  #resumable = null;  // an interrupted training of this widget, kept in IndexedDB: { epoch, batch, epochs, text }

  constructor() {
    super();
    this.#shadow = this.attachShadow({ mode: 'open' });
  }

  get model() { return this.#model; }
  get busy() { return this.#busy; }

  connectedCallback() {
    if (this.#views) return;
    this.#shadow.innerHTML = template();
    this.#engine = new nn.Engine();
    this.#engine.onCrash((err) => this.#fail(err));
    const part = (name) => this.#shadow.querySelector(`[data-ui="${name}"]`);
    this.#views = { part, model: createModelView(this.#shadow), results: createResultsView(this.#shadow) };
    this.#charts = createCharts(part('chart-loss'), part('chart-accuracy'));
    part('train').addEventListener('click', () => this.train().catch(() => {}));
    part('stop').addEventListener('click', () => this.stop());
    part('resume-training').addEventListener('click', () => this.resume().catch(() => {}));
    this.#showPanels();
    this.#status('Press Train.');
    this.#preview();
    this.#offerResume().finally(() => {
      if (this.hasAttribute('autostart') && !this.#resumable) this.train().catch(() => {});
    });
  }

  disconnectedCallback() {
    this.stop();
    this.#engine?.terminate();
    this.#views = null;
  }

  attributeChangedCallback(name) {
    if (!this.#views) return;
    if (name === 'panels') this.#showPanels();
    if (['dataset', 'src', 'layers', 'model'].includes(name)) this.#preview();
  }

  // ---------- settings from attributes ----------

  #number(name, fallback, { integer = false } = {}) {
    const raw = this.getAttribute(name);
    if (raw === null || raw.trim() === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || (integer && !Number.isInteger(value)))
      throw new Error(`${name}="${raw}" is not ${integer ? 'a whole number' : 'a number'}`);
    return value;
  }

  #kind() {
    const key = this.getAttribute('dataset') ?? 'mnist';
    if (this.hasAttribute('src')) return /\.csv(\?|$)/i.test(this.getAttribute('src')) ? 'points' : 'images';
    if (TOY_SETS.includes(key)) return 'points';
    if (IMAGE_SETS[key]) return 'images';
    throw new Error(`dataset="${key}" is not one of ${[...Object.keys(IMAGE_SETS), ...TOY_SETS].join(', ')} (or give src="...")`);
  }

  #showPanels() {
    let kind = 'images';
    try { kind = this.#kind(); } catch { /* reported by #prepare */ }
    const shown = new Set((this.getAttribute('panels') ?? DEFAULT_PANELS[kind]).split(/[\s,]+/));
    for (const el of this.#shadow.querySelectorAll('[data-panel]')) el.hidden = !shown.has(el.dataset.panel);
    if (shown.has('draw')) this.#setupDrawing();
  }

  // ---------- data and model ----------

  async #loadData() {
    const kind = this.#kind();
    const src = this.getAttribute('src');
    const key = src ? `src:${src}` : this.getAttribute('dataset') ?? 'mnist';
    if (this.#data?.key === key) return this.#data;
    const seed = this.#number('seed', 0, { integer: true });
    this.#status('Loading the data…');
    let parts;
    if (src && kind === 'points') parts = await this.#csv(new URL(src, document.baseURI).href, seed);
    else if (src) parts = await this.#idx(src.split(/\s+/).map((u) => new URL(u, document.baseURI).href));
    else if (kind === 'points') parts = await nn.datasets.toy(key, { n: 1000, seed, engine: this.#engine });
    else parts = await IMAGE_SETS[key].load({ engine: this.#engine, onProgress: (f) => this.#status(`Loading the data… ${Math.round(100 * f)} %`) });
    for (const t of Object.values(this.#data?.parts ?? {})) t.dispose();
    const classes = kind === 'images' ? (IMAGE_SETS[key]?.classes ?? null) : null;
    this.#data = { key, kind, parts, classes };
    return this.#data;
  }

  async #csv(url, seed) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: the server answered ${res.status}`);
    const { x, y, features } = parseCsv(await res.text(), url);
    const n = y.length, test = Math.max(1, Math.round(n / 5));
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1, s = seed + 1; i > 0; i--) { s = (s * 1103515245 + 12345) % 2 ** 31; const j = s % (i + 1); [order[i], order[j]] = [order[j], order[i]]; }
    const pick = (idx) => [nn.tensor(idx.flatMap((i) => Array.from(x.subarray(i * features, (i + 1) * features))), [idx.length, features]),
      nn.tensor(idx.map((i) => y[i]), [idx.length, 1])];
    const [xTest, yTest] = pick(order.slice(0, test));
    const [xTrain, yTrain] = pick(order.slice(test));
    return { xTrain, yTrain, xTest, yTest };
  }

  async #idx(urls) {
    if (urls.length !== 2 && urls.length !== 4) throw new Error('src: give a CSV file, or 2 (training) or 4 (training and test) IDX files');
    const [xTrain, yTrain, xTest, yTest] = urls;
    return nn.datasets.fromIdx({ xTrain, yTrain, xTest, yTest }, { engine: this.#engine });
  }

  #topology() {
    const json = this.querySelector('script[type="application/json"]');
    return json ? JSON.parse(json.textContent) : null;
  }

  async #buildModel(data) {
    const seed = this.#number('seed', 0, { integer: true });
    const url = this.getAttribute('model');
    if (url) return nn.loadModel(new URL(url, document.baseURI).href, { engine: this.#engine, seed });
    const topology = this.#topology();
    if (topology) return nn.Sequential.fromTopology(topology, { engine: this.#engine, seed });
    const inputShape = data.parts.xTrain.shape.slice(1);
    const spec = this.getAttribute('layers') ?? DEFAULT_LAYERS[data.kind];
    return nn.sequential({ layers: nn.layersFromSpec(spec, inputShape), seed, engine: this.#engine });
  }

  #compile(model) {
    const optimizer = this.getAttribute('optimizer') ?? 'adam';
    const lr = this.#number('learning-rate', undefined);
    if (lr !== undefined && !nn.train[optimizer]) throw new Error(`optimizer="${optimizer}" is not one of adam, sgd, rmsprop`);
    const loss = this.getAttribute('loss') ?? undefined;
    if (this.hasAttribute('optimizer') || lr !== undefined || loss || !model.compiled)
      model.compile({ optimizer: lr !== undefined ? nn.train[optimizer](lr) : optimizer, loss, metrics: ['accuracy'] });
  }

  #preview() {
    const run = (this.#preparing ?? Promise.resolve()).then(() => this.#prepare());
    this.#preparing = run.catch((err) => this.#fail(err)).finally(() => { if (this.#preparing === done) this.#preparing = null; });
    const done = this.#preparing;
  }

  // The model and data shown before training: summary, network, and the boundary of an untrained net.
  async #prepare() {
    if (this.#busy) return;
    const { data } = await this.#setUp();
    this.#status(this.#resumable?.text ?? `${this.#describeData(data)} Press Train.`);
    await this.#render();
  }

  // The data and a fresh, compiled model built from the attributes, which becomes element.model
  async #setUp() {
    const data = await this.#loadData();
    const model = await this.#buildModel(data);
    this.#compile(model);
    await model.ready();
    this.#adopt(model);
    return { data, model };
  }

  #adopt(model) {
    if (this.#model && this.#model !== model) this.#model.dispose();
    this.#model = model;
  }

  #describeData({ parts }) {
    return `${parts.xTrain.shape[0]} training and ${parts.xTest?.shape[0] ?? 0} test examples.`;
  }

  // the labels as the loss wants them: one-hot rows for categorical cross-entropy
  #targets(y) {
    const loss = this.#model.compiled?.loss;
    return loss === 'categorical_crossentropy' && y.rank === 1 ? nn.oneHot(y, this.#model.outputShape.at(-1)) : y;
  }

  #inputs(x) {
    const shape = this.#model.inputShape ?? x.shape.slice(1);
    const scaled = this.#data.kind === 'images' ? x.div(255) : x;
    return scaled.reshape([-1, ...shape]);
  }

  // ---------- checkpoints ----------

  // One per widget of a page: its id (or its place among the page's widgets)
  #checkpointId() {
    const which = this.id || String([...document.querySelectorAll('nn-trainer')].indexOf(this));
    return `nn-trainer:${location.pathname}#${which}`;
  }

  // What the training is made from: a checkpoint of other attributes is not this training's
  #recipe() {
    return JSON.stringify([ATTRIBUTES.map((a) => this.getAttribute(a)), this.querySelector('script[type="application/json"]')?.textContent ?? null]);
  }

  async #offerResume() {
    const found = (await nn.checkpoints.list().catch(() => [])).find((c) => c.id === this.#checkpointId());
    if (!found || found.meta?.recipe !== this.#recipe()) return;
    const where = found.batch > 0 ? `in epoch ${found.epoch + 1}` : `after epoch ${found.epoch}`;
    const text = `A training was interrupted ${where} of ${found.epochs}: Resume training continues it, Train starts again.`;
    this.#resumable = { epoch: found.epoch, batch: found.batch, epochs: found.epochs, text };
    this.#views.part('resume-training').hidden = false;
    this.#status(text);
  }

  // Continues the interrupted training from its last checkpoint: the same weights as an uninterrupted one
  async resume() {
    if (this.#busy) throw new Error('nn-trainer: already training');
    const record = await nn.checkpoints.load(this.#checkpointId());
    return this.train({ resumeFrom: record });
  }

  // ---------- training ----------

  async train({ resumeFrom = null } = {}) {
    if (this.#busy) throw new Error('nn-trainer: already training');
    this.#busy = true;
    this.#setButtons(true);
    try {
      await this.#preparing;  // a preview still loading must not adopt its model after this one
      const { data, model } = await this.#setUp();
      const epochs = this.#number('epochs', 5, { integer: true });
      const batchSize = this.#number('batch-size', 32, { integer: true });
      const split = this.#number('validation-split', 0);
      const { xTrain, yTrain, xTest, yTest } = data.parts;
      const validation = split > 0 || !xTest ? { validationSplit: split } : { validationData: [this.#inputs(xTest), this.#targets(yTest)] };
      const id = this.#checkpointId();
      if (resumeFrom) this.#charts.restore(resumeFrom.meta.charts);
      else { this.#charts.reset(epochs); await nn.checkpoints.delete(id).catch(() => {}); }
      this.#resumable = null;
      this.#views.part('resume-training').hidden = true;
      let steps = 1, lastPaint = 0;
      const history = await model.fit(this.#inputs(xTrain), this.#targets(yTrain), {
        epochs, batchSize, shuffle: true, ...validation, resumeFrom: resumeFrom ?? undefined,
        checkpoint: { id, everySeconds: CHECKPOINT_SECONDS, meta: () => ({ recipe: this.#recipe(), charts: this.#charts.snapshot() }) },
        callbacks: {
          onTrainBegin() { steps = this.params.steps; },
          onYield: (epoch, batch, logs) => {
            this.#charts.addBatch(epoch + batch / steps, logs.loss, logs.accuracy);
            this.#progress((epoch + batch / steps) / epochs, `Epoch ${epoch + 1} of ${epochs}: loss ${logs.loss.toFixed(4)}`);
            if (performance.now() - lastPaint > 250) { lastPaint = performance.now(); this.#refreshLive(); }
          },
          onEpochEnd: (epoch, logs) => {
            this.#charts.addEpoch(epoch + 1, logs);
            this.dispatchEvent(new CustomEvent('epochend', { detail: { epoch, logs } }));
            this.#refreshLive();
          },
        },
      });
      const last = Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v.at(-1)]));
      this.#progress(1, `Trained ${history.epoch.length} epoch${history.epoch.length === 1 ? '' : 's'}: ${this.#logText(last)}.`);
      await this.#render();
      this.dispatchEvent(new CustomEvent('trainend', { detail: { history: history.history, logs: last } }));
      return history;
    } catch (err) {
      this.#fail(err);
      throw err;
    } finally {
      this.#busy = false;
      this.#setButtons(false);
    }
  }

  stop() { this.#model?.stop(); }

  #logText(logs) {
    const pct = (v) => `${(100 * v).toFixed(1)} %`;
    return [logs.accuracy != null && `accuracy ${pct(logs.accuracy)}`, logs.val_accuracy != null && `validation accuracy ${pct(logs.val_accuracy)}`]
      .filter(Boolean).join(', ');
  }

  // ---------- views ----------

  async #modelInfo() {
    const m = this.#model;
    return { origin: 'preview', summary: await m.summary(undefined, undefined, () => {}), inputShape: m.inputShape, outputShape: m.outputShape,
      layers: m.layers.map((l) => ({ name: l.name, className: l.getClassName(), outputShape: l.outputShape, params: l.params })) };
  }

  async #render() {
    const info = await this.#modelInfo();
    this.#views.part('model-summary-text').textContent = info.summary;
    this.#views.model.render({ model: info });
    await Promise.all([this.#paintBoundary(), this.#renderConfusion()]);
  }

  #refreshLive() { this.#paintBoundary().catch(() => {}); this.#predictor?.refresh(); }

  async #paintBoundary() {
    const canvas = this.#views?.part('boundary');
    if (!canvas || canvas.closest('[data-panel]').hidden || this.#data?.kind !== 'points' || this.#data.parts.xTrain.shape[1] !== 2) return;
    await paintBoundary(canvas, this.#model, this.#data.parts);
  }

  async #renderConfusion() {
    const panel = this.#views.part('evaluation-body').closest('[data-panel]');
    const { xTest, yTest } = this.#data?.parts ?? {};
    if (panel.hidden || !xTest || !this.#model.compiled) return;
    const x = this.#inputs(xTest), y = this.#targets(yTest);
    const c = await this.#model.confusionMatrix(x, y);
    const loss = [await this.#model.evaluate(x, y)].flat()[0];
    this.#views.results.render({ phase: 'done', evaluation: { ...c, loss, misclassified: [], imageShape: xTest.shape.slice(1),
      source: this.#data.key } });
  }

  async #setupDrawing() {
    if (this.#predictor) return;
    const [{ createDrawPad }, { createPredictionView }] = await Promise.all([import('./ui/draw-pad.js'), import('./ui/prediction-view.js')]);
    const view = createPredictionView(this.#views.part('prediction'), { labels: this.#data?.classes && this.getAttribute('dataset') === 'fashion-mnist' ? this.#data.classes : undefined });
    let last = null, busy = false;
    const predict = async () => {
      if (busy || !last || !this.#model) return;
      busy = true;
      try {
        const pixels = last;
        const m = this.#model;
        const out = m.predict(nn.tensor(pixels, [1, ...(m.inputShape ?? [28, 28])], 'float32'));
        const fromLogits = (m.compiled ?? m.impliedLoss)?.fromLogits;
        const probabilities = Array.from(await (fromLogits ? nn.softmax(out) : out).data());
        view.update(probabilities);
        const label = probabilities.indexOf(Math.max(...probabilities));
        this.dispatchEvent(new CustomEvent('predict', { detail: { probabilities, label } }));
        if (pixels !== last) queueMicrotask(predict);
      } catch (err) {
        this.#fail(err);
      } finally {
        busy = false;
      }
    };
    this.#predictor = { refresh: () => predict() };
    createDrawPad(this.#views.part('draw-pad'), { onInput: (pixels) => {
      last = pixels && pixels.some((v) => v > 0) ? pixels : null;
      if (last) predict(); else view.reset();
    } });
  }

  #setButtons(training) {
    this.#views.part('train').disabled = training;
    this.#views.part('stop').disabled = !training;
  }

  #status(text) { this.#views.part('status').textContent = text; }

  #progress(fraction, text) {
    this.#views.part('progress').value = fraction;
    this.#status(text);
  }

  #fail(err) {
    this.#status(`Error: ${err.message}`);
    this.#views?.part('status').classList.add('nt-error');
    this.dispatchEvent(new CustomEvent('error', { detail: { message: err.message } }));
  }
}

if (!customElements.get('nn-trainer')) customElements.define('nn-trainer', NnTrainer);
export { NnTrainer };
