// The library's tensor: a shape, a dtype and values that live either here (a typed array) or in the
// engine's worker (MNIST, predictions of a big set). Operations on worker data are views, resolved
// where the data is: `xTrain.div(255)` keeps 47 MB of uint8 pixels as they are and divides as each
// batch is gathered, `slice` and `reshape` copy nothing. `await t.data()` always gives a copy.
// Nothing needs disposing: the worker's copy is released when the Tensor is garbage-collected.

const ARRAYS = { float32: Float32Array, int32: Int32Array, uint8: Uint8Array, bool: Uint8Array };

export const sizeOf = (shape) => shape.reduce((a, b) => a * b, 1);

function dtypeOf(values) {
  if (values instanceof Float32Array || values instanceof Float64Array) return 'float32';
  if (values instanceof Uint8Array || values instanceof Uint8ClampedArray) return 'uint8';
  if (ArrayBuffer.isView(values)) return 'int32';
  return 'float32';
}

function flatten(values, out = []) {
  if (Array.isArray(values)) for (const v of values) flatten(v, out);
  else if (ArrayBuffer.isView(values)) out.push(...values);
  else out.push(typeof values === 'boolean' ? Number(values) : values);
  return out;
}

function inferShape(values) {
  const shape = [];
  for (let v = values; Array.isArray(v); v = v[0]) shape.push(v.length);
  if (!Array.isArray(values) && ArrayBuffer.isView(values)) shape.push(values.length);
  return shape;
}

function checkShape(shape, what = 'shape') {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0))
    throw new TypeError(`${what} must be an array of whole numbers, got ${JSON.stringify(shape)}`);
  return shape;
}

// A view of values held elsewhere: { base: {engine, id} | {values}, offset, shape, divisor }.
// Values are base[offset .. offset + size(shape)) / divisor, with the base's dtype.
export class Tensor {
  #view;
  #dtype;
  constructor(view, dtype) {
    this.#view = view;
    this.#dtype = dtype;
  }
  get shape() { return this.#view.shape.slice(); }
  get rank() { return this.#view.shape.length; }
  get size() { return sizeOf(this.#view.shape); }
  // a byte tensor divided by a number holds float32 values
  get dtype() { return this.#view.divisor === 1 ? this.#dtype : 'float32'; }
  get view() { return this.#view; }
  get storedDtype() { return this.#dtype; }
  get isLocal() { return this.#view.base.values !== undefined || this.#view.base.pending !== undefined; }

  // Waits for the values of a tensor made by futureTensor (a prediction): the tensor itself then
  // takes their exact shape; a view of it made before must have guessed that shape right.
  async settled() {
    const { base } = this.#view;
    if (base.pending) await base.pending;
    if (base.exact) {
      if (this.#view.root) this.#view = { ...this.#view, shape: base.exact };
      else if (sizeOf(base.exact) !== sizeOf(base.guess))
        throw new Error(`a view of a prediction was made before its shape was known ([${base.exact}], not [${base.guess}]): await model.ready() before predict`);
    }
    return this;
  }

  // TF.js' dispose(): frees the worker's copy now instead of when this is garbage-collected. Every
  // view of the same values goes with it.
  dispose() {
    const { base } = this.#view;
    if (base.engine && !base.disposed) base.engine.releaseTensor(base);
    base.disposed = true;
  }

  #derive(changes) { return new Tensor({ ...this.#view, root: false, ...changes }, this.#dtype); }

  // TF.js' x.div(255): by a number only
  div(n) {
    if (this.#view.oneHot) throw new Error('div: a one-hot tensor cannot be divided');
    if (typeof n !== 'number' || !(Number.isFinite(n) && n !== 0)) throw new TypeError(`div: divide by a non-zero number, got ${n}`);
    return this.#derive({ divisor: this.#view.divisor * n });
  }
  mul(n) {
    if (typeof n !== 'number' || !(Number.isFinite(n) && n !== 0)) throw new TypeError(`mul: multiply by a non-zero number, got ${n}`);
    return this.#derive({ divisor: this.#view.divisor / n });
  }

  // One dimension may be -1: whatever the others leave.
  reshape(shape) {
    if (this.#view.oneHot) throw new Error('reshape: reshape the class indices before oneHot');
    checkShape(shape.map((d) => (d === -1 ? 0 : d)), 'reshape');
    const known = sizeOf(shape.filter((d) => d !== -1));
    const free = shape.filter((d) => d === -1).length;
    if (free > 1) throw new Error('reshape: at most one dimension can be -1');
    const filled = shape.map((d) => (d === -1 ? this.size / known : d));
    if (!filled.every(Number.isInteger) || sizeOf(filled) !== this.size)
      throw new Error(`reshape: cannot reshape a tensor of shape [${this.shape}] (${this.size} values) into [${shape}]`);
    return this.#derive({ shape: filled });
  }
  expandDims(axis = -1) {
    const shape = this.shape;
    shape.splice(axis < 0 ? shape.length + 1 + axis : axis, 0, 1);
    return this.reshape(shape);
  }

  // TF.js' slice(begin, size) along the first axis (begin: a number or [n]; size: -1 = to the end).
  slice(begin, size = -1) {
    const b = Array.isArray(begin) ? begin[0] ?? 0 : begin;
    const s = Array.isArray(size) ? size[0] ?? -1 : size;
    if (Array.isArray(begin) && begin.slice(1).some((v) => v !== 0))
      throw new Error('slice: only slicing along the first axis is supported');
    const [n, ...rest] = this.#view.shape;
    const row = this.#view.oneHot ? 1 : sizeOf(rest);  // a one-hot view counts labels
    const count = s === -1 ? n - b : s;
    if (!Number.isInteger(b) || !Number.isInteger(count) || b < 0 || count < 0 || b + count > n)
      throw new RangeError(`slice: [${b}, ${b + count}) is outside the first axis of shape [${this.shape}]`);
    return this.#derive({ offset: this.#view.offset + b * row, shape: [count, ...rest] });
  }

  async data() {
    await this.settled();
    const { base, offset, divisor } = this.#view;
    if (base.disposed) throw new Error('this tensor has been disposed');
    if (base.values === undefined) return base.engine.fetchTensor(this);
    const raw = base.values.subarray(offset, offset + this.size);
    if (divisor === 1) return raw.slice();
    const out = new Float32Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw[i] / divisor;
    return out;
  }
  async array() { return nest(Array.from(await this.data()), this.shape); }
  // TF.js' synchronous reads cannot exist here: the values may be in another thread
  dataSync() { throw new Error('dataSync: the values may live in the engine\'s Worker: use await tensor.data()'); }
  arraySync() { throw new Error('arraySync: the values may live in the engine\'s Worker: use await tensor.array()'); }

  // The index of the largest value along the last axis, as an int32 tensor (argMax(-1)).
  async argMax() {
    const values = await this.data();
    const width = this.shape[this.rank - 1] ?? 1;
    const out = new Int32Array(values.length / width);
    for (let r = 0; r < out.length; r++) {
      let best = 0;
      for (let j = 1; j < width; j++) if (values[r * width + j] > values[r * width + best]) best = j;
      out[r] = best;
    }
    return tensor(out, this.shape.slice(0, -1), 'int32');
  }

  toString() { return `Tensor ${this.dtype} [${this.shape}]`; }
}

function nest(flat, shape) {
  if (shape.length <= 1) return shape.length ? flat : flat[0];
  const step = sizeOf(shape.slice(1));
  const out = [];
  for (let i = 0; i < shape[0]; i++) out.push(nest(flat.slice(i * step, (i + 1) * step), shape.slice(1)));
  return out;
}

// TF.js' tf.tidy and tf.dispose, for code written for TF.js: nothing here needs them (the library
// frees what it makes), so tidy just runs fn and dispose frees early.
export const tidy = (nameOrFn, fn) => (typeof nameOrFn === 'function' ? nameOrFn() : fn());
export function dispose(container) {
  if (container instanceof Tensor) container.dispose();
  else if (container && typeof container === 'object') for (const v of Object.values(container)) dispose(v);
}

// TF.js' tf.tensor(values, shape?, dtype?). Typed arrays are copied: later changes to yours do not
// reach a model, and the copy can move to the worker without detaching anything of yours.
export function tensor(values, shape, dtype) {
  const inferred = inferShape(values);
  const flat = ArrayBuffer.isView(values) ? values : flatten(values);
  dtype ??= dtypeOf(ArrayBuffer.isView(values) ? values : null);
  const Type = ARRAYS[dtype];
  if (!Type) throw new TypeError(`tensor: dtype must be one of ${Object.keys(ARRAYS).join(', ')}, got ${dtype}`);
  shape = checkShape(shape ?? inferred);
  if (sizeOf(shape) !== flat.length)
    throw new Error(`tensor: shape [${shape}] holds ${sizeOf(shape)} values, but ${flat.length} were given`);
  return new Tensor({ base: { values: Type.from(flat) }, offset: 0, shape, divisor: 1 }, dtype);
}

export function tensor1d(values, dtype) { return tensor(values, [values.length], dtype); }

export function tensor2d(values, shape, dtype) {
  const t = tensor(values, shape, dtype);
  if (t.rank !== 2) throw new Error(`tensor2d: a rank-2 shape is needed, got [${t.shape}]`);
  return t;
}

export function scalar(value) { return tensor([value], []); }

// A tensor whose values stay in the engine's worker (made by the library, never by hand).
// A float32 tensor whose values arrive later (from `promise` of {values, shape}): data() waits.
export function futureTensor(promise, shape) {
  const base = { guess: shape };
  base.pending = promise.then(({ values, shape: exact }) => {
    Object.assign(base, { values, exact });
    delete base.pending;
  });
  base.pending.catch(() => {});
  return new Tensor({ base, offset: 0, shape, divisor: 1, root: true }, 'float32');
}

export function remoteTensor(engine, id, shape, dtype) {
  return engine.adopt(new Tensor({ base: {}, offset: 0, shape, divisor: 1 }, dtype), id);
}

// Keras' to_categorical / TF.js' tf.oneHot: class indices → float32 rows with one 1. Labels in the
// worker stay there: the rows are made as batches are gathered.
export function oneHot(indices, depth) {
  if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`oneHot: depth must be a whole number ≥ 1, got ${depth}`);
  if (!(indices instanceof Tensor)) indices = tensor(indices, undefined, 'int32');
  if (indices.rank !== 1) throw new Error(`oneHot: indices must be rank 1, got shape [${indices.shape}]`);
  const view = indices.view;
  if (view.oneHot || view.divisor !== 1) throw new Error('oneHot: indices must be whole class numbers');
  if (!indices.isLocal) return new Tensor({ ...view, shape: [indices.size, depth], oneHot: depth }, 'float32');
  const labels = view.base.values.subarray(view.offset, view.offset + indices.size);
  const out = new Float32Array(labels.length * depth);
  labels.forEach((label, i) => {
    if (!(label >= 0 && label < depth)) throw new RangeError(`oneHot: label ${label} at position ${i} is outside [0, ${depth})`);
    out[i * depth + label] = 1;
  });
  return tensor(out, [labels.length, depth], 'float32');
}
export const toCategorical = (y, numClasses) => oneHot(y, numClasses);

// TF.js' tf.softmax along the last axis (logits → probabilities); the values may still be on
// their way from the worker, so the result's data() waits for them.
export function softmax(t) {
  if (!(t instanceof Tensor)) t = tensor(t);
  const shape = t.shape;
  const computed = t.data().then((values) => {
    const width = shape[shape.length - 1] || values.length;
    const out = new Float32Array(values.length);
    for (let r = 0; r < values.length; r += width) {
      let max = -Infinity, sum = 0;
      for (let j = 0; j < width; j++) max = Math.max(max, values[r + j]);
      for (let j = 0; j < width; j++) sum += (out[r + j] = Math.exp(values[r + j] - max));
      for (let j = 0; j < width; j++) out[r + j] /= sum;
    }
    return { values: out, shape };
  });
  return futureTensor(computed, shape);
}
