// Training callbacks as TF.js has them: an object of onTrainBegin / onEpochBegin / onBatchBegin /
// onBatchEnd / onEpochEnd / onYield / onTrainEnd functions (or an array of them), and
// nn.callbacks.earlyStopping. Each may return a promise; training waits for it, as in TF.js.
const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd', 'onYield'];

export class Callback {
  setModel(model) { this.model = model; }
  setParams(params) { this.params = params; }
}

export class CallbackList {
  #callbacks;
  constructor(callbacks, model, params) {
    const list = callbacks == null ? [] : Array.isArray(callbacks) ? callbacks : [callbacks];
    for (const c of list) {
      if (c === null || typeof c !== 'object' || !HOOKS.some((h) => typeof c[h] === 'function'))
        throw new TypeError(`fit: a callback must be an object with one of ${HOOKS.join(', ')}`);
      c.setModel?.(model);
      c.setParams?.(params);
    }
    this.#callbacks = list;
  }
  setParams(params) { for (const c of this.#callbacks) { if (c.setParams) c.setParams(params); else c.params = params; } }
  has(hook) { return this.#callbacks.some((c) => typeof c[hook] === 'function'); }
  async call(hook, ...args) {
    for (const c of this.#callbacks) if (typeof c[hook] === 'function') await c[hook](...args);
  }
}

// TF.js' tf.callbacks.earlyStopping: stops when `monitor` has not improved by more than minDelta
// for `patience` epochs.
export class EarlyStopping extends Callback {
  constructor({ monitor = 'val_loss', minDelta = 0, patience = 0, mode = 'auto', baseline, restoreBestWeights = false } = {}) {
    super();
    if (restoreBestWeights) throw new Error('earlyStopping: restoreBestWeights is not supported yet');
    if (!['auto', 'min', 'max'].includes(mode)) throw new Error(`earlyStopping: mode must be auto, min or max, got ${mode}`);
    this.monitor = monitor;
    this.patience = patience;
    const higherIsBetter = mode === 'max' || (mode === 'auto' && /acc/.test(monitor));
    this.better = higherIsBetter ? (a, b) => a - Math.abs(minDelta) > b : (a, b) => a + Math.abs(minDelta) < b;
    this.baseline = baseline;
    this.higherIsBetter = higherIsBetter;
  }
  onTrainBegin() {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = this.baseline ?? (this.higherIsBetter ? -Infinity : Infinity);
  }
  onEpochEnd(epoch, logs) {
    const value = logs?.[this.monitor];
    if (value === undefined) {
      console.warn(`earlyStopping: '${this.monitor}' is not in the logs (${Object.keys(logs ?? {}).join(', ')})`);
      return;
    }
    if (this.better(value, this.best)) {
      this.best = value;
      this.wait = 0;
    } else if (++this.wait >= this.patience) {
      this.stoppedEpoch = epoch;
      this.model.stopTraining = true;
    }
  }
}

export const callbacks = Object.freeze({ earlyStopping: (args) => new EarlyStopping(args) });
