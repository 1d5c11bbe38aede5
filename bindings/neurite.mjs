// Neurite's JavaScript API: a thin facade over the wasm module (bindings/bindings.cpp) that hides
// embind's handles and their delete() bookkeeping. An ES module for a module Worker, a page or Node.
//
//   import { loadNeurite } from './wasm/api.mjs';   // scripts/build-wasm.sh copies this file to
//   const api = await loadNeurite();                 // build/wasm/api.mjs, beside neurite.mjs and
//                                                    // neurite-mt.mjs, which it imports by relative URL
//   const api = await loadNeurite({ threaded: 'auto' });   // pthreads when the page is cross-origin isolated
//   (either way the relaxed-SIMD twin, neurite*-relaxed.mjs, where the engine validates relaxed SIMD)
//   const api = await loadNeurite({ moduleFactory: require('./neurite-node.js') });  // Node
//
//   const model = api.createModel({ preset: 'mlp', seed: 1 });   // or { topology: <Keras config> }
//   model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', fromLogits: true });
//   const train = api.createDataset(imageBytes, [n, 28, 28], labelBytes);   // stays uint8 in wasm
//   const session = model.fit(train, { epochs: 5, batchSize: 32, validationSplit: 0.1 });
//   for (let p; !(p = session.run(10)).finished;) report(p);    // a few batches per call
//   model.layerOutput(pixels, 0);  model.layerWeights(0);   // a layer's feature maps and its filters
//   model.predict(pixels, 1);  model.evaluate(test);  model.confusion(test);  model.save();
//   session.dispose(); train.dispose(); model.dispose();
//
// Ownership: every object holding wasm memory (Model, Dataset, Session) has dispose(); temporaries
// are freed before a method returns, and a FinalizationRegistry frees what is forgotten. Disposing
// a model disposes its sessions. Results (predictions, logs, histories, saved weights) are plain
// JS copies. Every failure of the C++ core arrives as an Error whose message is the C++ what().
// Integers (sizes, counts, seeds) are checked here, before embind would wrap a negative number.

const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((handle) => { try { handle.delete(); } catch { /* already gone */ } })
  : null;

const OUT_OF_MEMORY = 'the engine ran out of memory: its WebAssembly memory cannot grow any further here';

function neuriteError(e) {
  // a failed allocation arrives as C++'s what(), which tells a person nothing
  if (e instanceof Error && /^std::bad_alloc/.test(e.message)) return new Error(OUT_OF_MEMORY);
  if (e instanceof Error) return e;
  // not from the guarded entry points (e.g. a WebAssembly.Exception): still an Error, never a number
  return new Error(`neurite: native failure (${typeof e === 'object' ? Object.prototype.toString.call(e) : e})`);
}

function guard(fn) {
  try {
    return fn();
  } catch (e) {
    throw neuriteError(e);
  }
}

function count(name, value, { min = 1 } = {}) {
  if (!Number.isInteger(value) || value < min || value > 0xffffffff)
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  return value;
}

function seedOf(seed) {
  if (seed === undefined) return 0;
  return count('seed', seed, { min: 0 });
}

function bytesOf(name, data) {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`${name} must be an ArrayBuffer or a Uint8Array`);
}

const product = (shape) => shape.reduce((a, b) => a * b, 1);

// The smallest module with an f32x4.relaxed_madd (three i8x16.splat operands, then the opcode
// 0xfd 0x105): an engine that validates it runs the relaxed-SIMD build, whose kernels fuse their
// multiply-adds; Chromium since 114 does, Node 20 only with --experimental-wasm-relaxed-simd.
const RELAXED_SIMD_PROBE = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b,  // type section: () -> v128
  0x03, 0x02, 0x01, 0x00,                    // function section: one function of that type
  0x0a, 0x13, 0x01, 0x11, 0x00,              // code section: one body of 17 bytes, no locals
  0x41, 0x01, 0xfd, 0x0f, 0x41, 0x01, 0xfd, 0x0f, 0x41, 0x01, 0xfd, 0x0f,  // 3 × (i32.const 1, i8x16.splat)
  0xfd, 0x85, 0x02, 0x0b]);                  // f32x4.relaxed_madd, end

export function relaxedSimdSupported() {
  return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_SIMD_PROBE);
}

function canUseThreads() {
  return typeof SharedArrayBuffer === 'function' && globalThis.crossOriginIsolated === true;
}

function own(owner, handle) {
  registry?.register(owner, handle, owner);
  return handle;
}

function release(owner, handle) {
  registry?.unregister(owner);
  handle.delete();
}

// Runs fn with embind handles created by `make`, deleting them afterwards.
function withTemporaries(make, fn) {
  const temps = [];
  try {
    return fn(...make((h) => { temps.push(h); return h; }));
  } finally {
    for (const h of temps) h.delete();
  }
}

// The JS owner of one embind handle of a sliceable set (a Dataset, Samples): dispose() frees it,
// and the FinalizationRegistry does when it is forgotten.
class OwnedSet {
  #h;
  #what;
  constructor(handle, what) {
    this.#h = own(this, handle);
    this.#what = what;
  }
  get handle() {
    if (!this.#h) throw new Error(`the ${this.#what} has been disposed`);
    return this.#h;
  }
  get size() { return guard(() => this.handle.size()); }
  // [begin, end), sharing storage
  slice(begin, end = this.size) {
    return new this.constructor(guard(() => this.handle.slice(count('begin', begin, { min: 0 }), count('end', end, { min: 0 }))));
  }
  dispose() {
    if (this.#h) release(this, this.#h);
    this.#h = null;
  }
}

// Images with class labels (LabeledSamples).
class Dataset extends OwnedSet {
  constructor(handle) { super(handle, 'dataset'); }
  // The inputs and the targets `model`'s loss wants (class indices, one-hot rows or a 0/1 column).
  temporaries(model, keep) {
    return [keep(guard(() => this.handle.x())), keep(guard(() => this.handle.targetsFor(model.handle)))];
  }
}

// Inputs or targets in wasm memory (bytes divided as batches are gathered, or floats).
class Samples extends OwnedSet {
  constructor(handle) { super(handle, 'samples'); }
}

// Inputs and the targets as given (Keras' x and y); usable wherever a Dataset is.
class SamplePair {
  constructor(x, y) { this.x = x; this.y = y; }
  get size() { return this.x.size; }
  temporaries(_model, keep) { return [keep(this.x.handle.clone()), keep(this.y.handle.clone())]; }
}

class Session {
  #h;
  #model;
  constructor(handle, model) {
    this.#h = own(this, handle);
    this.#model = model;
  }
  get handle() {
    if (!this.#h) throw new Error('the training session has been disposed');
    return this.#h;
  }
  // Trains up to maxBatches (never past an epoch's end): {epoch, batch, batchesPerEpoch, epochEnded,
  // finished, logs: {loss, accuracy, ...; val_* at an epoch's end}}.
  run(maxBatches = 1) {
    count('maxBatches', maxBatches);
    return guard(() => this.handle.run(maxBatches));
  }
  // {loss: [per epoch], accuracy: [...], val_loss: [...], ...}
  history() { return guard(() => this.handle.history()); }
  get finished() { return guard(() => this.handle.finished()); }
  get batchesPerEpoch() { return guard(() => this.handle.batchesPerEpoch()); }
  get trainSize() { return guard(() => this.handle.trainSize()); }
  // {reached: [{threshold, accuracy, seconds, epoch, batch}], last}: fit's `milestones` option
  milestones() { return guard(() => this.handle.milestones()); }
  // The fit's state between two batches, for resuming it in another session (with the model's
  // save()): {state: JSON text, iterations, learningRate, slots: Float32Array, order: Uint32Array,
  // callbackFloats: Float32Array (earlyStopping's best weights, with restoreBestWeights)}.
  checkpoint() { return guard(() => this.handle.checkpoint()); }
  // Continues a checkpointed fit. This session must be on the same data, batch size and callbacks,
  // its model holding the checkpoint's weights; it throws, naming what differs, otherwise.
  restore(checkpoint) { guard(() => this.handle.restore(checkpoint)); }
  // The next run() ends the epoch early, records it and reports finished.
  stop() { this.#model.stopTraining(); }
  dispose() {
    if (this.#h) {
      release(this, this.#h);
      this.#model.forget(this);
    }
    this.#h = null;
  }
}

class Model {
  #h;
  #module;
  #sessions = new Set();
  constructor(handle, module) {
    this.#h = own(this, handle);
    this.#module = module;
    guard(() => handle.buildDeclared());  // as Keras does when the first layer declares input_shape
  }
  get handle() {
    if (!this.#h) throw new Error('the model has been disposed');
    return this.#h;
  }

  // Keras' compile. Without `loss`, the current loss (and its fromLogits) is kept, so a preset can
  // be recompiled with another optimizer or learning rate. learningRate: the optimizer's default.
  // optimizer: a name, or Keras' { class_name: 'SGD', config: { learning_rate, momentum, ... } }.
  // labelSmoothing: Keras' label_smoothing of the cross-entropies over classes (0: none).
  compile({ optimizer = 'adam', learningRate, loss, fromLogits, labelSmoothing, metrics = ['accuracy'] } = {}) {
    const current = this.compiled;
    if (loss === undefined) {
      if (!current) throw new Error('compile: give a loss (e.g. "sparse_categorical_crossentropy")');
      loss = current.loss;
      fromLogits ??= current.fromLogits;
      labelSmoothing ??= current.labelSmoothing;
    }
    labelSmoothing = Number(labelSmoothing ?? 0);
    if (learningRate !== undefined && !(learningRate > 0))
      throw new RangeError(`compile: learningRate must be positive, got ${learningRate}`);
    if (typeof optimizer === 'object' && optimizer !== null) {
      guard(() => this.handle.compileWithConfig(JSON.stringify(optimizer), String(loss), Boolean(fromLogits), labelSmoothing,
        Array.from(metrics, String)));
      return;
    }
    guard(() => this.handle.compile(String(optimizer), learningRate ?? -1, String(loss), Boolean(fromLogits), labelSmoothing,
      Array.from(metrics, String)));
  }
  setLearningRate(lr) {
    if (!(lr > 0 && Number.isFinite(lr))) throw new RangeError(`setLearningRate: the rate must be positive, got ${lr}`);
    guard(() => this.handle.setLearningRate(lr));
  }
  // What compile uses when no loss is named: {loss, fromLogits} from the output layer (C++ decides).
  get impliedLoss() { return guard(() => this.handle.impliedLoss()); }
  // {optimizer, learningRate, loss, fromLogits, metrics} or null before compile
  get compiled() {
    const settings = guard(() => this.handle.compileSettings());
    if (settings) {
      settings.learningRate = Number(settings.learningRate.toPrecision(7));  // a float in C++
      settings.labelSmoothing = Number(settings.labelSmoothing.toPrecision(7));
      settings.optimizerConfig = JSON.parse(settings.optimizerConfig);
    }
    return settings;
  }

  summary() { return guard(() => this.handle.summary()); }
  topology() { return JSON.parse(guard(() => this.handle.topology())); }
  // [{name, className, outputShape (null until built), params}]
  layers() { return guard(() => this.handle.layers()); }
  get inputShape() { return guard(() => this.handle.inputShape()); }    // null when unknown
  get outputShape() { return guard(() => this.handle.outputShape()); }  // null until built
  get params() { return guard(() => this.handle.paramCount()); }

  // n samples of inputShape, row-major: floats, or bytes that are divided by 255 (pixels as stored).
  // Returns a Float32Array of n × outputShape values.
  predict(input, n, { batchSize = 32 } = {}) {
    if (input instanceof Samples) return guard(() => this.handle.predictSamples(input.handle, count('batchSize', batchSize)));
    if (Array.isArray(input)) input = Float32Array.from(input);
    if (n === undefined) {
      const shape = this.inputShape;
      n = shape ? Math.floor(input.length / product(shape)) : 0;
    }
    count('n', n, { min: 0 });
    count('batchSize', batchSize);
    if (input instanceof Uint8Array || input instanceof Uint8ClampedArray)
      return guard(() => this.handle.predictBytes(input, n, batchSize));
    if (input instanceof Float32Array) return guard(() => this.handle.predictFloats(input, n, batchSize));
    throw new TypeError('predict: input must be a Float32Array, a Uint8Array (pixels / 255) or an Array');
  }

  // What layer `layerIndex` (0-based, as in layers()) outputs for n samples of inputShape in
  // inference mode: {shape: [n, ...layer output shape], values: Float32Array}. A Conv2D's feature maps.
  layerOutput(input, layerIndex, n = 1) {
    if (Array.isArray(input)) input = Float32Array.from(input);
    if (!(input instanceof Float32Array)) throw new TypeError('layerOutput: input must be a Float32Array or an Array');
    count('layerIndex', layerIndex, { min: 0 });
    count('n', n);
    return guard(() => this.handle.layerOutput(input, n, layerIndex));
  }
  // Layer `layerIndex`'s weights as copies: [{name: 'kernel' | 'bias' | ..., shape, values: Float32Array}]
  // (a Conv2D kernel is [kh, kw, in, out]); [] for a layer without weights or before the model is built.
  layerWeights(layerIndex) {
    count('layerIndex', layerIndex, { min: 0 });
    return guard(() => this.handle.layerWeights(layerIndex));
  }

  // {loss, accuracy, ...} over the whole dataset
  evaluate(dataset, { batchSize = 32 } = {}) {
    count('batchSize', batchSize);
    return withTemporaries((keep) => dataset.temporaries(this, keep),
      (x, y) => guard(() => this.handle.evaluate(x, y, batchSize)));
  }

  // {matrix[true][predicted], precision[], recall[], f1[] per class, accuracy, macroPrecision,
  //  macroRecall, macroF1, total}
  confusion(dataset, { batchSize = 32 } = {}) {
    count('batchSize', batchSize);
    return withTemporaries((keep) => dataset.temporaries(this, keep),
      (x, y) => guard(() => this.handle.confusionMatrix(x, y, batchSize)));
  }

  // TF.js Layers format: model.json as an object, and the bytes of its one weights file.
  save() {
    const { modelJson, weights } = guard(() => this.handle.save());
    return { modelJson: JSON.parse(modelJson), weights: weights.buffer };
  }

  // A training session: call run(maxBatches) until it reports finished. callbacks: Keras' configs of
  // the callbacks the core runs ({class_name: 'EarlyStopping' | 'ReduceLROnPlateau', config});
  // milestones: {thresholds, every (batches), samples} to time accuracy on the validation data.
  fit(dataset, { epochs = 1, batchSize = 32, shuffle = true, validation = null, validationSplit = 0, callbacks = [],
    milestones = null, logLearningRate = false } = {}) {
    count('epochs', epochs);
    count('batchSize', batchSize);
    if (!(validationSplit >= 0 && validationSplit < 1))
      throw new RangeError(`fit: validationSplit must be in [0, 1), got ${validationSplit}`);
    const handle = withTemporaries((keep) => [
      ...dataset.temporaries(this, keep),
      ...(validation ? validation.temporaries(this, keep) : [null, null]),
    ], (x, y, vx, vy) => guard(() => this.#module.startSession(this.handle, x, y, vx, vy, epochs, batchSize,
      Boolean(shuffle), validationSplit, JSON.stringify({ callbacks, milestones, logLearningRate }))));
    const session = new Session(handle, this);
    this.#sessions.add(session);
    return session;
  }

  // Asks a running session to stop after the current batch.
  stopTraining() { guard(() => this.handle.stopTraining()); }
  forget(session) { this.#sessions.delete(session); }

  dispose() {
    for (const s of [...this.#sessions]) s.dispose();
    if (this.#h) release(this, this.#h);
    this.#h = null;
  }
}

// Loads the wasm module and returns the API. threaded: false, true (needs a cross-origin-isolated
// page) or 'auto' (threads when available); relaxedSimd: 'auto' (the relaxed-SIMD build where the
// engine validates it), true or false. moduleFactory: an Emscripten factory to use instead of
// ./neurite[-mt][-relaxed].mjs; moduleOptions: passed to it (locateFile, wasmBinary, ...).
export async function loadNeurite({ threaded = false, relaxedSimd = 'auto', moduleFactory, moduleOptions = {} } = {}) {
  let factory = moduleFactory;
  if (!factory) {
    const threads = threaded === 'auto' ? canUseThreads() : Boolean(threaded);
    if (threads && !canUseThreads())
      throw new Error('neurite: the threaded build needs SharedArrayBuffer, i.e. a cross-origin-isolated page ' +
                      '(Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp)');
    const relaxedAvailable = relaxedSimdSupported();
    const relaxed = relaxedSimd === 'auto' ? relaxedAvailable : Boolean(relaxedSimd);
    if (relaxed && !relaxedAvailable)
      throw new Error('neurite: the relaxed-SIMD build needs a WebAssembly engine with relaxed SIMD (Chromium 114 or newer)');
    const url = new URL(`./neurite${threads ? '-mt' : ''}${relaxed ? '-relaxed' : ''}.mjs`, import.meta.url);
    factory = (await import(url.href)).default;
  }
  const Module = await factory({ ...moduleOptions });

  const wrap = (handle) => new Model(handle, Module);

  return {
    module: Module,
    // {simd: 'wasm' when SIMD128 kernels are in, fma: whether they multiply-add with relaxed SIMD's
    // madd (the -relaxed build), threads: whether this is the pthread build}
    buildInfo: () => guard(() => Module.buildInfo()),
    // the wasm memory's size in bytes: it only grows, so its high-water mark
    memoryBytes: () => Module.HEAP8.buffer.byteLength,
    presets: () => guard(() => Module.presets()),
    // every layer, activation, optimizer, loss and metric name the core accepts, and the presets
    registry() {
      const r = guard(() => Module.registry());
      for (const p of r.presets) {
        p.topology = JSON.parse(p.topology);
        p.recipe.optimizer = JSON.parse(p.recipe.optimizer);
        p.recipe.labelSmoothing = Number(p.recipe.labelSmoothing.toPrecision(7));  // a float in C++
      }
      return r;
    },

    createModel({ preset, topology, seed } = {}) {
      if (preset !== undefined) return wrap(guard(() => Module.makePreset(String(preset), seedOf(seed))));
      if (topology !== undefined) {
        const text = typeof topology === 'string' ? topology : JSON.stringify(topology);
        return wrap(guard(() => Module.modelFromTopology(text, seedOf(seed))));
      }
      throw new Error('createModel: give a preset name or a topology');
    },

    // model.json (object or text) and the bytes of its weight files, concatenated in manifest order
    loadModel(modelJson, weights, seed) {
      const text = typeof modelJson === 'string' ? modelJson : JSON.stringify(modelJson);
      const bytes = bytesOf('weights', weights);
      return wrap(guard(() => Module.loadArtifacts(text, bytes, seedOf(seed))));
    },

    // values: shape[0] samples, row-major; bytes are divided by `divisor` as batches are gathered.
    // A set larger than the memory can grow to is an error that gives both sizes.
    createSamples(values, shape, { divisor = 1 } = {}) {
      const bytes = values instanceof Uint8Array || values instanceof Uint8ClampedArray;
      if (!bytes && !(values instanceof Float32Array)) throw new TypeError('createSamples: values must be a Float32Array or a Uint8Array');
      if (!bytes && divisor !== 1) throw new RangeError('createSamples: a divisor applies to bytes only');
      try {
        return new Samples(guard(() => (bytes ? Module.samplesFromBytes(values, Array.from(shape), divisor)
          : Module.samplesFromFloats(values, Array.from(shape)))));
      } catch (err) {
        if (err.message !== OUT_OF_MEMORY) throw err;
        const mb = (n) => Math.round(n / 2 ** 20).toLocaleString('en-US');
        throw new Error(`${OUT_OF_MEMORY}: these ${shape[0].toLocaleString('en-US')} examples need ${mb(values.byteLength)} MB `
          + `on top of the ${mb(Module.HEAP8.buffer.byteLength)} MB it holds; train on fewer examples`);
      }
    },
    // {x: n × 2 features, y: n labels} of a core's 2-D data set ('circles', 'moons', 'random-binary')
    toyDataset(name, n, seed = 0) {
      return guard(() => Module.toyDataset(String(name), count('n', n), seedOf(seed)));
    },
    // x and y Samples as fit, evaluate and confusion take them
    pair: (x, y) => new SamplePair(x, y),

    // images: shape[0] samples of bytes (pixels, divided by 255 as batches are made); labels: one
    // class index per sample. Both are copied into wasm memory once.
    createDataset(images, shape, labels) {
      return new Dataset(guard(() => Module.datasetFromBytes(bytesOf('images', images), Array.from(shape),
        bytesOf('labels', labels))));
    },
  };
}
