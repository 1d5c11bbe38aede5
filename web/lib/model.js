// nn.sequential / nn.Sequential: TF.js' LayersModel API over a model that lives in the engine's
// worker. Calls that need the worker return promises (fit, evaluate, summary, save, getWeights);
// predict returns a Tensor at once whose data() waits for the worker, as TF.js' does for a GPU.
import { Request, FitEvent } from './protocol.js';
import { defaultEngine } from './engine.js';
import { Layer, layerFromConfig } from './layers.js';
import { CallbackList } from './callbacks.js';
import { checkpoints, checkpointWriter } from './checkpoints.js';
import { lossConfig, optimizerConfig } from './train.js';
import { METRIC_ALIASES } from './names.js';
import { Tensor, futureTensor, tensor } from './tensor.js';

const asTensor = (x, what) => {
  if (x instanceof Tensor) return x;
  if (Array.isArray(x) || ArrayBuffer.isView(x)) return tensor(x);
  throw new TypeError(`${what} must be a Tensor (nn.tensor(values, shape)) or an array`);
};

function positiveInteger(name, value) {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a whole number ≥ 1, got ${value}`);
  return value;
}

// One row of Keras' history: {epoch: [0, 1, ...], history: {loss: [...], val_accuracy: [...]}}
export class History {
  constructor(history, params) {
    this.history = history;
    this.epoch = (history.loss ?? []).map((_, i) => i);
    this.params = params;
  }
}

export class Sequential {
  #layers = [];
  #engine;
  #seed;
  #remote = null;       // a promise of the worker's id, once created there
  #info = null;         // what the worker said last: summary, layers, shapes, compile settings
  #compiled = null;     // the last compile() call's settings (applied before the next request)
  #fit = null;          // the running fit: {id}
  #artifacts = null;    // a loaded model's files, for creation in the worker
  #userDefinedMetadata = undefined;  // TF.js' free-form metadata, kept in model.json
  #stopTraining = false;

  constructor({ layers = [], name, seed, engine } = {}) {
    this.name = name ?? 'sequential';
    this.#engine = engine ?? defaultEngine();
    this.#seed = seed ?? Math.floor(Math.random() * 2 ** 32);
    for (const layer of layers) this.add(layer);
  }

  // A model from saved files (nn.loadModel): created in the worker on first use.
  static fromArtifacts({ modelJson, weights }, { engine, seed } = {}) {
    const model = Sequential.fromTopology(modelJson.modelTopology?.model_config ?? modelJson.modelTopology, { engine, seed });
    model.#artifacts = { modelJson, weights };
    model.#userDefinedMetadata = modelJson.userDefinedMetadata;
    return model;
  }

  // A model from Keras' Sequential config ({class_name: 'Sequential', config: {layers}}), untrained
  static fromTopology(topology, options = {}) {
    const config = topology?.config ?? {};
    const layers = (Array.isArray(config) ? config : config.layers ?? []).map(layerFromConfig);
    return new Sequential({ ...options, layers, name: config.name });
  }

  get engine() { return this.#engine; }

  // TF.js' flag: set during fit (from a callback or anywhere), training stops after that batch.
  get stopTraining() { return this.#stopTraining; }
  set stopTraining(stop) {
    this.#stopTraining = Boolean(stop);
    if (stop && this.#fit?.id != null) this.#engine.send(Request.FIT_STOP, { fit: this.#fit.id }).catch(() => {});
  }
  get layers() { return this.#layers.slice(); }
  get inputShape() { return this.#info?.inputShape ?? null; }
  get outputShape() { return this.#info?.outputShape ?? null; }
  // the compile settings in force: {optimizer, learningRate, loss, fromLogits, metrics}, null before
  get compiled() { return this.#info?.compiled ?? null; }
  // what compile() takes when no loss is named: the core's choice for this output layer
  get impliedLoss() { return this.#info?.impliedLoss ?? null; }

  add(layer) {
    if (!(layer instanceof Layer)) throw new TypeError('add: give a layer made by nn.layers (e.g. nn.layers.dense({ units: 10 }))');
    if (this.#remote) throw new Error('add: the model is already built; make a new one to change its layers');
    this.#layers.push(layer);
  }

  // Keras' Sequential config, as in model.json's modelTopology
  toJSON() {
    return { class_name: 'Sequential', config: { name: this.name, layers: this.#layers.map((l) => l.toJSON()) } };
  }

  // The model in the worker (made on first need); errors of the topology (a shape mismatch names
  // the layer and both shapes) reject here.
  async #id() {
    if (!this.#remote) {
      const engine = this.#engine;
      const id = engine.newId();
      this.#remote = (async () => {
        const info = this.#artifacts
          ? await engine.request(Request.MODEL_LOAD, { model: id, ...this.#artifacts, seed: this.#seed })
          : await engine.request(Request.MODEL_CREATE, { model: id, topology: this.toJSON(), seed: this.#seed });
        this.#artifacts = null;
        this.#learn(info);
        engine.track(this, 'models', id);
        return { id, generation: engine.generation };
      })();
      this.#remote.catch(() => { this.#remote = null; });
    }
    const { id, generation } = await this.#remote;
    if (generation !== this.#engine.generation) throw new Error('this model was in the engine that crashed: load it again');
    if (this.#compiled) {
      const settings = this.#compiled;
      this.#compiled = null;
      this.#learn(await this.#engine.request(Request.MODEL_COMPILE, { model: id, ...settings }));
    }
    return id;
  }

  #learn(info) {
    this.#info = info;
    info.layers.forEach((l, i) => {
      const layer = this.#layers[i];
      if (!layer) return;
      Object.assign(layer, { name: l.name, outputShape: l.outputShape, params: l.params });
    });
  }

  #request(type, payload, transfer, options) {
    return this.#id().then((model) => this.#engine.request(type, { model, ...payload }, transfer, options));
  }

  // Waits until the worker holds the model (built when its first layer declares an input shape).
  async ready() { await this.#id(); return this; }

  // TF.js' compile. loss: a name or nn.losses.*; left out, the loss the output implies (softmax →
  // sparse categorical cross-entropy, no activation → the same from logits, sigmoid → binary).
  compile({ optimizer = 'adam', loss, metrics = [] } = {}) {
    const names = (Array.isArray(metrics) ? metrics : [metrics]).map((m) => METRIC_ALIASES[m] ?? m);
    const l = lossConfig(loss);
    this.#compiled = { optimizer: optimizerConfig(optimizer), loss: l?.name ?? null, fromLogits: l?.fromLogits ?? false,
      labelSmoothing: l?.labelSmoothing ?? 0, metrics: names };
  }

  async summary(lineLength, positions, printFn = console.log) {
    await this.#id();
    const text = this.#info.summary;
    printFn(text);
    return text;
  }

  async #wire(x, what) { return this.#engine.wire(asTensor(x, what)); }

  // TF.js' fit(x, y, {epochs, batchSize, validationData: [x, y], validationSplit, shuffle,
  // callbacks, yieldEvery}) → History. Callbacks run between batches: with onBatchBegin /
  // onBatchEnd the worker waits for them after every batch (slower: use onYield for progress,
  // called about every `yieldEvery` ms with the mean logs since the last call).
  // milestones (Neurite's): {thresholds: [0.98, 0.99], every: batches, offset, samples} times when the
  // accuracy on (samples [offset, offset + samples) of) validationData first reaches each threshold; callbacks'
  // onMilestone({threshold, accuracy, seconds, epoch, batch}) hears of each, and History.milestones
  // lists them; with stop: true training ends once all are reached.
  // checkpoint (Neurite's, as Keras' BackupAndRestore): {id, everySeconds = 30, meta, keep = false}
  // keeps the fit in nn.checkpoints at every epoch's end and every `everySeconds` inside one (meta:
  // an object, or a function of the record, stored with it); callbacks' onCheckpoint(summary) and
  // onCheckpointError(error) hear of each write. A fit that ends (or is stopped) deletes its
  // checkpoint unless keep; one that fails keeps it. resumeFrom: a checkpoint (or its id) to continue:
  // the model takes its weights and compile settings, the options it was started with apply unless
  // given here (epochs may grow), and training goes on from the batch it was saved after.
  async fit(x, y, args = {}) {
    if (this.#fit) throw new Error('fit: this model is already training');
    const fit = { id: null, chain: Promise.resolve(), failed: null, steps: 0, writer: null };
    this.#fit = fit;  // before any await: a second fit() meanwhile is refused
    this.#stopTraining = false;
    try {
      const resume = typeof args.resumeFrom === 'string' ? await checkpoints.load(args.resumeFrom) : args.resumeFrom ?? null;
      const given = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
      // a resumed fit goes on keeping its checkpoint under the same id
      const resumedCheckpoint = resume ? { id: resume.id, everySeconds: resume.options.everySeconds, meta: resume.meta } : undefined;
      delete given.resumeFrom;
      const { epochs = 1, batchSize = 32, validationData, validationSplit = 0, shuffle = true, callbacks,
        yieldEvery = 'auto', initialEpoch, milestones, checkpoint = resumedCheckpoint } = { ...resume?.options, ...given };
      positiveInteger('fit: epochs', epochs);
      positiveInteger('fit: batchSize', batchSize);
      if (initialEpoch) throw new Error('fit: initialEpoch is not supported (resume a checkpoint with resumeFrom)');
      if (!(validationSplit >= 0 && validationSplit < 1)) throw new RangeError(`fit: validationSplit must be in [0, 1), got ${validationSplit}`);
      if (validationData && !(Array.isArray(validationData) && validationData.length === 2))
        throw new TypeError('fit: validationData must be [xVal, yVal]');
      if (!this.#compiled && !this.compiled && !this.#artifacts && !resume) throw new Error('fit: compile the model first');
      if (checkpoint && !(typeof checkpoint.id === 'string' && checkpoint.id))
        throw new TypeError('fit: checkpoint needs an id (a name to keep it under)');
      const list = new CallbackList(callbacks, this, { epochs, batchSize, samples: x?.shape?.[0] });
      Object.assign(fit, { batchSize, epochs });
      if (checkpoint) {
        fit.writer = checkpointWriter({ id: checkpoint.id, meta: checkpoint.meta,
          onSaved: (summary) => list.call('onCheckpoint', summary),
          onError: list.has('onCheckpointError') ? (err) => list.call('onCheckpointError', err) : null });
      }
      const history = await this.#runFit(fit, list, x, y, { epochs, batchSize, validationData, validationSplit, shuffle,
        yieldEvery, milestones, checkpoint, resume });
      await fit.writer?.settled();
      if (checkpoint && !checkpoint.keep) await fit.writer.discard().catch(() => {});
      return history;
    } catch (err) {
      await fit.writer?.settled();
      throw err;
    } finally {
      if (fit.id != null) this.#engine.unlisten(fit.id);
      this.#fit = null;
    }
  }

  async #runFit(fit, list, x, y, { epochs, batchSize, validationData, validationSplit, shuffle, yieldEvery, milestones,
    checkpoint, resume }) {
    const wires = await Promise.all([this.#wire(x, 'fit: x'), this.#wire(y, 'fit: y'),
      ...(validationData ?? []).map((t, i) => this.#wire(t, `fit: validationData[${i}]`))]);
    const yieldMs = yieldEvery === 'auto' ? 1000 / 30 : yieldEvery === 'never' ? null : yieldEvery === 'batch' ? 0 : yieldEvery;
    const listen = {
      batch: list.has('onBatchBegin') || list.has('onBatchEnd'),
      epoch: list.has('onEpochBegin') || list.has('onEpochEnd'),
      yieldMs: list.has('onYield') || list.has('onMilestone') ? yieldMs : null,
      checkpoint: Boolean(checkpoint),
      checkpointMs: checkpoint ? (checkpoint.everySeconds ?? 30) * 1000 : null,
    };
    if (milestones && !validationData) throw new Error('fit: milestones are measured on validationData: give it');
    fit.milestonesSeen = 0;
    const id = await this.#id();
    const options = { epochs, batchSize, shuffle: Boolean(shuffle), validationSplit };
    const saved = { ...options, everySeconds: listen.checkpointMs / 1000 };
    fit.id = this.#engine.newId();
    this.#engine.listen(fit.id, (event) => {
      if (event.event === FitEvent.BEGIN) {
        fit.steps = event.batchesPerEpoch;
        if (event.info) this.#learn(event.info);  // a resumed fit's model: the checkpoint's compile settings
      }
      if (event.event === FitEvent.CHECKPOINT) {
        const { event: _, fit: __, ...record } = event;
        fit.writer.add({ ...record, epochs, batchesPerEpoch: fit.steps, options: saved });
        return;
      }
      fit.chain = fit.chain.then(() => this.#onFitEvent(fit, list, event, listen));
    });
    const { history, milestones: reached } = await this.#engine.request(Request.MODEL_FIT, {
      model: id, fit: fit.id, x: wires[0], y: wires[1], validation: validationData ? wires.slice(2) : null,
      options: { ...options, callbacks: list.core(), milestones: milestones ?? null, logLearningRate: list.setsLearningRate },
      listen, resume: resume ? { modelJson: resume.modelJson, weights: resume.weights, session: resume.session } : null,
    });
    await fit.chain;
    if (fit.failed) throw fit.failed;
    await list.call('onTrainEnd', {});
    // x, y and the validation data stay referenced (not collected, not released) until here
    const result = new History(history, { epochs, batchSize, samples: x.shape[0], validation: Boolean(validationData?.[1]) });
    if (milestones) result.milestones = reached.reached;
    return result;
  }

  async #onFitEvent(fit, list, event, listen) {
    const kind = awaitedAnswer(event.event, listen);
    try {
      if (!fit.failed) await this.#callbacksFor(fit, list, event);
    } catch (err) {
      fit.failed ??= err;  // a callback that throws ends training (no more callbacks), and fit rejects with its error
      this.stopTraining = true;
    }
    if (kind) await this.#engine.send(Request.FIT_CONTINUE, { fit: fit.id, kind, stop: this.stopTraining });
  }

  // TF.js' order: onTrainBegin, then per epoch onEpochBegin, per batch onBatchBegin / onBatchEnd
  // (onYield between), onEpochEnd; nothing begins after stopTraining is set.
  async #callbacksFor(fit, list, event) {
    for (const m of event.milestones?.reached.slice(fit.milestonesSeen) ?? []) {
      fit.milestonesSeen++;
      await list.call('onMilestone', m);
    }
    if (event.event === FitEvent.BEGIN) {
      fit.steps = event.batchesPerEpoch;
      // TF.js' params: what the callbacks see as this.params
      list.setParams({ epochs: event.epochs, batchSize: fit.batchSize, samples: event.trainSize, steps: event.batchesPerEpoch });
      await list.call('onTrainBegin', {});
      const { epoch = 0, batch = 0 } = event.resumedAt ?? {};
      if (!this.stopTraining && batch === 0) await list.call('onEpochBegin', epoch, {});
      if (!this.stopTraining) await list.call('onBatchBegin', batch, {});
    } else if (event.event === FitEvent.YIELD) {
      await list.call('onYield', event.epoch, event.batch, event.logs);
    } else if (event.event === FitEvent.BATCH_END) {
      await list.call('onBatchEnd', event.batch, event.logs);
      // the next batch of this epoch; the next epoch's first comes after its onEpochBegin
      if (!this.stopTraining && event.batch + 1 < fit.steps) await list.call('onBatchBegin', event.batch + 1, {});
    } else if (event.event === FitEvent.EPOCH_END) {
      await list.call('onEpochEnd', event.epoch, event.logs);
      if (!this.stopTraining && event.epoch + 1 < fit.epochs) {
        await list.call('onEpochBegin', event.epoch + 1, {});
        await list.call('onBatchBegin', 0, {});
      }
    }
  }

  // Sets the optimizer's learning rate (a LearningRateScheduler does, between epochs); an error when
  // a schedule drives it.
  async setLearningRate(learningRate) {
    if (!(typeof learningRate === 'number' && learningRate > 0 && Number.isFinite(learningRate)))
      throw new RangeError(`setLearningRate: the rate must be positive, got ${learningRate}`);
    this.#learn(await this.#request(Request.MODEL_SET_LR, { learningRate }));
  }

  // Stops a running fit after the batch in progress (model.stopTraining = true does the same from
  // a callback).
  stop() {
    this.stopTraining = true;
  }

  // TF.js' evaluate(x, y, {batchSize}) → the loss, or [loss, ...metrics] in compile's order (numbers)
  async evaluate(x, y, { batchSize = 32 } = {}) {
    positiveInteger('evaluate: batchSize', batchSize);
    const [wx, wy] = await Promise.all([this.#wire(x, 'evaluate: x'), this.#wire(y, 'evaluate: y')]);
    const logs = await this.#request(Request.MODEL_EVALUATE, { x: wx, y: wy, batchSize });
    void [x, y];  // referenced until the answer: their worker copies must outlive the request
    const keys = ['loss', ...(this.compiled?.metrics ?? [])];
    const values = keys.map((k) => logs[k]);
    return values.length === 1 ? values[0] : values;
  }

  // TF.js' predict(x, {batchSize}) → a Tensor of the outputs; its shape and data come from the worker
  predict(x, { batchSize = 32 } = {}) {
    positiveInteger('predict: batchSize', batchSize);
    const t = asTensor(x, 'predict: x');
    const pending = this.#wire(t, 'predict: x').then((wx) => this.#request(Request.MODEL_PREDICT, { x: wx, batchSize }))
      .then((result) => { void t; return result; });  // t lives until the answer
    return futureTensor(pending, [t.shape[0], ...(this.outputShape ?? [])]);
  }

  // Neurite's extras. The confusion matrix over (x, y) as the core counts it: {matrix[true][predicted],
  // precision[], recall[], f1[] per class, accuracy, macroPrecision, macroRecall, macroF1, total}
  async confusionMatrix(x, y, { batchSize = 32 } = {}) {
    const [wx, wy] = await Promise.all([this.#wire(x, 'confusionMatrix: x'), this.#wire(y, 'confusionMatrix: y')]);
    return this.#request(Request.MODEL_CONFUSION, { x: wx, y: wy, batchSize });
  }

  // Frees the worker's copy now (it is freed anyway once this model is garbage-collected).
  dispose() {
    const remote = this.#remote;
    this.#remote = Promise.reject(new Error('this model has been disposed'));
    this.#remote.catch(() => {});
    remote?.then(({ id }) => this.#engine.send(Request.RELEASE, { models: [id] })).catch(() => {});
  }

  // Looking inside (the page's CNN view):
  // what layer `index` outputs for x (inference mode): a Tensor [n, ...]
  async layerOutput(x, index) {
    const wx = await this.#wire(x, 'layerOutput: x');
    const { values, shape } = await this.#request(Request.LAYER_OUTPUT, { x: wx, layer: index });
    return tensor(values, shape, 'float32');
  }

  // Keras' layer.get_weights() for layer `index`: [{name, tensor}] (kernel [kh, kw, in, out], bias)
  async getLayerWeights(index) {
    const weights = await this.#request(Request.LAYER_WEIGHTS, { layer: index });
    return weights.map((w) => ({ name: w.name, tensor: tensor(w.values, w.shape, 'float32') }));
  }

  async getWeights() {
    const all = [];
    for (let i = 0; i < this.#layers.length; i++) all.push(...(await this.getLayerWeights(i)).map((w) => w.tensor));
    return all;
  }

  // TF.js' metadata of a model's own (a plain JSON object), saved in model.json and loaded back
  setUserDefinedMetadata(metadata) {
    if (metadata === undefined) { this.#userDefinedMetadata = undefined; return; }
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))
      throw new TypeError('setUserDefinedMetadata: give a plain object');
    this.#userDefinedMetadata = JSON.parse(JSON.stringify(metadata));
  }
  getUserDefinedMetadata() { return this.#userDefinedMetadata; }

  // The TF.js Layers files: {modelJson (object), weights (ArrayBuffer)}
  async toArtifacts() {
    const artifacts = await this.#request(Request.MODEL_SAVE, {});
    if (this.#userDefinedMetadata) artifacts.modelJson.userDefinedMetadata = this.#userDefinedMetadata;
    return artifacts;
  }

  // TF.js' save('indexeddb://name' | 'downloads://name' | 'file://dir' (Node) | an IOHandler)
  async save(destination) {
    const { saveArtifacts } = await import('./io.js');
    return saveArtifacts(await this.toArtifacts(), destination, this);
  }
}

// The answer the worker waits for after a fit event (it waits only where callbacks listen), or null.
function awaitedAnswer(type, listen) {
  if (type === FitEvent.YIELD) return 'yield';
  if (type === FitEvent.BATCH_END) return 'batch';
  if (type === FitEvent.EPOCH_END) return listen.epoch ? 'epoch' : null;
  if (type === FitEvent.BEGIN) return listen.batch || listen.epoch ? 'begin' : null;
  return null;
}

export const sequential = (args) => new Sequential(args);
