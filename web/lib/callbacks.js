// Training callbacks as TF.js has them: an object of onTrainBegin / onEpochBegin / onBatchBegin /
// onBatchEnd / onEpochEnd / onYield / onTrainEnd functions (or an array of them); each may return a
// promise, and training waits for it, as in TF.js. Neurite adds onMilestone (fit's `milestones`) and
// onCheckpoint / onCheckpointError (fit's `checkpoint`).
// nn.callbacks.earlyStopping and reduceLROnPlateau run in the core, inside the worker, on the
// epoch's own logs (so restoreBestWeights needs no weight copies here); learningRateScheduler
// calls its function here between epochs.
import { snakeCase } from './names.js';

const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd', 'onYield',
  'onMilestone', 'onCheckpoint', 'onCheckpointError'];

export class Callback {
  setModel(model) { this.model = model; }
  setParams(params) { this.params = params; }
}

// A callback the core runs: Keras' {class_name, config}
export class CoreCallback extends Callback {
  constructor(className, config) {
    super();
    this.className = className;
    this.config = config;
  }
  toCore() { return { class_name: this.className, config: this.config }; }
}

export class CallbackList {
  #callbacks;
  constructor(callbacks, model, params) {
    const list = callbacks == null ? [] : Array.isArray(callbacks) ? callbacks : [callbacks];
    for (const c of list) {
      if (c instanceof CoreCallback) continue;
      if (c === null || typeof c !== 'object' || !HOOKS.some((h) => typeof c[h] === 'function'))
        throw new TypeError(`fit: a callback must be an object with one of ${HOOKS.join(', ')}`);
    }
    for (const c of list) {
      c.setModel?.(model);
      c.setParams?.(params);
    }
    this.#callbacks = list;
  }
  // the Keras configs of the callbacks the core runs
  core() { return this.#callbacks.filter((c) => c instanceof CoreCallback).map((c) => c.toCore()); }
  // whether a callback here sets the learning rate (the worker then logs it)
  get setsLearningRate() { return this.#callbacks.some((c) => c instanceof LearningRateScheduler); }
  setParams(params) { for (const c of this.#callbacks) { if (c.setParams) c.setParams(params); else c.params = params; } }
  has(hook) { return this.#callbacks.some((c) => typeof c[hook] === 'function'); }
  async call(hook, ...args) {
    for (const c of this.#callbacks) if (typeof c[hook] === 'function') await c[hook](...args);
  }
}

const MODES = ['auto', 'min', 'max'];
const keras = (args) => Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined).map(([k, v]) => [snakeCase(k), v]));

// TF.js' tf.callbacks.earlyStopping / Keras' EarlyStopping: stops when `monitor` has not improved by
// more than minDelta for `patience` epochs; restoreBestWeights ends with the best epoch's weights.
export class EarlyStopping extends CoreCallback {
  constructor({ monitor = 'val_loss', minDelta = 0, patience = 0, mode = 'auto', baseline, restoreBestWeights = false } = {}) {
    if (baseline !== undefined) throw new Error('earlyStopping: baseline is not supported');
    if (!MODES.includes(mode)) throw new Error(`earlyStopping: mode must be auto, min or max, got ${mode}`);
    super('EarlyStopping', keras({ monitor, minDelta: Math.abs(minDelta), patience, mode, restoreBestWeights: Boolean(restoreBestWeights) }));
  }
}

// Keras' ReduceLROnPlateau (its defaults: factor 0.1, patience 10, minDelta 1e-4, cooldown 0, minLr 0)
export class ReduceLROnPlateau extends CoreCallback {
  constructor({ monitor = 'val_loss', factor = 0.1, patience = 10, mode = 'auto', minDelta = 1e-4, cooldown = 0, minLr = 0 } = {}) {
    if (!(factor > 0 && factor < 1)) throw new RangeError(`reduceLROnPlateau: factor must be in (0, 1), got ${factor}`);
    if (!MODES.includes(mode)) throw new Error(`reduceLROnPlateau: mode must be auto, min or max, got ${mode}`);
    super('ReduceLROnPlateau', { monitor, factor, patience, mode, min_delta: minDelta, cooldown, min_lr: minLr });
  }
}

// Keras' LearningRateScheduler: before each epoch the rate becomes schedule(epoch, rate).
export class LearningRateScheduler extends Callback {
  #schedule;
  #rate = null;
  constructor(schedule) {
    super();
    if (typeof schedule !== 'function') throw new TypeError('learningRateScheduler: give a function (epoch, learningRate) => learningRate');
    this.#schedule = schedule;
  }
  onTrainBegin() { this.#rate = this.model.compiled?.learningRate ?? null; }
  async onEpochBegin(epoch) {
    const rate = await this.#schedule(epoch, this.#rate);
    if (!(typeof rate === 'number' && rate > 0 && Number.isFinite(rate)))
      throw new RangeError(`learningRateScheduler: the schedule gave ${rate} for epoch ${epoch}; a learning rate must be > 0`);
    await this.model.setLearningRate(rate);
    this.#rate = rate;
  }
}

export const callbacks = Object.freeze({
  earlyStopping: (args) => new EarlyStopping(args),
  reduceLROnPlateau: (args) => new ReduceLROnPlateau(args),
  learningRateScheduler: (schedule) => new LearningRateScheduler(schedule),
});
