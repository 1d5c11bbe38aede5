// Every message between the library (engine.js, on the caller's thread) and its worker (host.js),
// in one place. A request is { type, id, ...payload } and gets exactly one reply { replyTo: id,
// ok: true, result } or { replyTo: id, ok: false, error: { name, message } }. While a fit runs, the
// worker also sends events { event, fitId, ... } that the caller acknowledges with FIT_CONTINUE.
// Nothing outside web/lib/ sees these: the page, the widget and scripts use the library's API.

export const Request = Object.freeze({
  INIT: 'init',                 // { threaded: 'auto' | boolean } → { threaded, simd, fma, registry, note? }
  TENSOR_PUT: 'tensor-put',     // { tensor: id, values, shape, dtype } (values transferred)
  TENSOR_GET: 'tensor-get',     // { view } → { values, shape, dtype }
  RELEASE: 'release',           // { tensors: [id], models: [id] }: the caller has forgotten them
  LOAD_DATASET: 'load-dataset', // { name, sources?, dir? } → { parts: {xTrain: TensorInfo, ...} }
  TOY_DATASET: 'toy-dataset',   // { name, n, seed, ids: {xTrain, yTrain, xTest, yTest} } → { parts }
  MODEL_CREATE: 'model-create', // { model: id, topology, seed } → ModelInfo
  MODEL_LOAD: 'model-load',     // { model: id, modelJson, weights, seed } → ModelInfo
  MODEL_COMPILE: 'model-compile', // { model, optimizer: KerasConfig, loss, fromLogits, labelSmoothing, metrics } → ModelInfo
  MODEL_FIT: 'model-fit',       // { model, fit: id, x, y, validation?, options, listen, resume? } → { history, milestones }
                                // options: { epochs, batchSize, shuffle, validationSplit, callbacks (Keras configs
                                // the core runs), milestones?: { thresholds, every, samples }, logLearningRate }
                                // listen: { batch, epoch, yieldMs?, checkpoint, checkpointMs? }; resume: a
                                // checkpoint's { modelJson, weights, session }: its model (same layers) replaces
                                // this one once the fit has taken the session
  FIT_CONTINUE: 'fit-continue', // { fit: id, stop } (no reply): the caller has handled an event
  FIT_STOP: 'fit-stop',         // { fit: id } (no reply): stop after the current batch
  MODEL_SET_LR: 'model-set-lr', // { model, learningRate } → ModelInfo: a LearningRateScheduler between epochs
  MODEL_EVALUATE: 'model-evaluate', // { model, x, y, batchSize } → { logs }
  MODEL_PREDICT: 'model-predict',   // { model, x, batchSize } → { values, shape }
  MODEL_CONFUSION: 'model-confusion', // { model, x, y, batchSize } → { matrix, precision, recall, f1, accuracy, ... }
  MODEL_SAVE: 'model-save',     // { model } → { modelJson, weights }
  LAYER_OUTPUT: 'layer-output', // { model, x, layer } → { values, shape }
  LAYER_WEIGHTS: 'layer-weights', // { model, layer } → [{ name, values, shape }]
  MEMORY: 'memory',             // {} → { numTensors, numBytes, numModels, wasmBytes, jsHeapBytes (null if unknown) }
  CRASH: 'crash',               // tests only: throws outside any handler, as a wasm abort would
});

// Events of a running fit. BATCH_END and EPOCH_END wait for FIT_CONTINUE when the caller listens
// to them (its callbacks run between batches, as in TF.js); YIELD waits for the previous one.
export const FitEvent = Object.freeze({
  BEGIN: 'fit-begin',           // { epochs, batchesPerEpoch, trainSize, resumedAt: { epoch, batch } | null,
                                // info: the resumed model's ModelInfo | null }
  BATCH_END: 'batch-end',       // { epoch, batch, logs: { batch, size, loss, accuracy, ... } }
  YIELD: 'yield',               // { epoch, batch, batchesPerEpoch, logs (mean since last), running, milestones }
  EPOCH_END: 'epoch-end',       // { epoch, logs: { loss, accuracy, val_loss?, val_accuracy?, learning_rate? }, milestones }
  CHECKPOINT: 'checkpoint',     // { epoch, batch, history, modelJson, weights, session: { state, iterations,
                                // learningRate, slots, order, callbackFloats } } (buffers transferred; not acknowledged)
});

export const DATA_PROGRESS = 'data-progress'; // { request: id, loaded, total } bytes

export function errorReply(replyTo, err) {
  const message = err instanceof Error ? err.message : String(err ?? 'unknown error');
  return { replyTo, ok: false, error: { name: err?.name ?? 'Error', message } };
}
