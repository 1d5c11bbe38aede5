// Every message between the page (app.js) and the training worker (worker.js), in one place.
// A message is a plain object { type, ...payload }. Requests that expect one answer carry an
// `id`; the answer repeats it as `replyTo`. Errors name the request type they answer (`during`),
// so the page knows whether a failure ends training or only a side request (e.g. a bad file).

// Page → worker
export const ToWorker = Object.freeze({
  LOAD_DATA: 'load-data',       // { source: 'mnist' | 'fashion-mnist' | 'files', files?: {trainImages, trainLabels, testImages, testLabels} }
  DESCRIBE: 'describe',         // { id, model: ModelSpec } → MODEL_INFO (summary and layers, nothing trained)
  TRAIN: 'train',               // { model: ModelSpec, compile: {optimizer, learningRate}, fit: FitSpec }
  PAUSE: 'pause',
  RESUME: 'resume',
  STOP: 'stop',                 // ends training after the current slice; the model keeps what it learnt
  EVALUATE: 'evaluate',         // { id } → EVALUATION on the test set
  PREDICT: 'predict',           // { id, pixels: Float32Array(784) in 0..1 } → PREDICTION
  INSPECT: 'inspect',           // { id, pixels: Float32Array(784) | null } → INSPECTION
  SAVE_MODEL: 'save-model',     // { id } → MODEL_SAVED
  LOAD_MODEL: 'load-model',     // { id, modelJson, weights: ArrayBuffer, origin } → MODEL_INFO
  CRASH: 'crash',               // tests only: throws outside any handler, as a wasm abort would
});

// Worker → page
export const FromWorker = Object.freeze({
  READY: 'ready',               // { threaded, presets: [{name, description, topology}] }
  DATA_PROGRESS: 'data-progress', // { loaded, total } bytes over all four files
  DATA_LOADED: 'data-loaded',   // { source, trainSize, testSize, imageShape, classes }
  MODEL_INFO: 'model-info',     // { replyTo?, origin, summary, layers, inputShape, outputShape, topology, fromLogits }
  TRAIN_STARTED: 'train-started', // { epochs, batchesPerEpoch, trainSize, valSize }
  TRAIN_PROGRESS: 'train-progress', // { epoch, batch, batchesPerEpoch, loss, accuracy, running: {loss, accuracy} }
  EPOCH_END: 'epoch-end',       // { epoch, logs: {loss, accuracy, val_loss?, val_accuracy?} }
  TRAIN_PAUSED: 'train-paused',
  TRAIN_RESUMED: 'train-resumed',
  TRAIN_DONE: 'train-done',     // { stopped, history }
  EVALUATION: 'evaluation',     // { replyTo?, loss, accuracy, precision[], recall[], f1[], matrix[][], misclassified[] }
  PREDICTION: 'prediction',     // { replyTo, probabilities: number[] }
  INSPECTION: 'inspection',     // { replyTo, filters: {layer, shape: [kh, kw, in, out], values} | null (no Conv2D),
                                //   maps: [{layer, className, shape: [h, w, channels], values}] (none without pixels) }
  MODEL_SAVED: 'model-saved',   // { replyTo, modelJson, weights: ArrayBuffer }
  ERROR: 'error',               // { replyTo?, during, message }
});

export const DATASETS = Object.freeze({
  mnist: {
    label: 'MNIST digits',
    dir: 'data/mnist',
    classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  },
  'fashion-mnist': {
    label: 'Fashion-MNIST',
    dir: 'data/fashion-mnist',
    classes: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
      'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
  },
});

// The four IDX files of a data set, by role; MNIST and Fashion-MNIST share the names.
export const DATA_FILES = Object.freeze({
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
});

export const OPTIMIZERS = Object.freeze(['adam', 'sgd', 'rmsprop']);
export const ACTIVATIONS = Object.freeze(['relu', 'sigmoid', 'tanh', 'softmax', 'linear']);
export const EDITABLE_LAYERS = Object.freeze(['Conv2D', 'MaxPooling2D', 'AveragePooling2D', 'Flatten', 'Dense', 'Dropout', 'Activation']);
export const PADDINGS = Object.freeze(['valid', 'same']);

// ModelSpec: { preset: string } or { topology: KerasSequentialConfig }.
export function modelSpec({ preset, topology }) {
  if (preset) return { preset };
  if (topology?.class_name === 'Sequential') return { topology };
  throw new Error('a model needs a preset name or a Keras Sequential topology');
}

function check(cond, what) {
  if (!cond) throw new Error(`invalid training setting: ${what}`);
}

// Checks training settings before they cross to the worker, with a message a learner can act on.
export function trainRequest({ model, optimizer, learningRate, epochs, batchSize, validation,
  validationSplit, seed, trainLimit }) {
  check(OPTIMIZERS.includes(optimizer), `optimizer must be one of ${OPTIMIZERS.join(', ')}`);
  check(Number.isFinite(learningRate) && learningRate > 0, 'learning rate must be a positive number');
  check(Number.isInteger(epochs) && epochs >= 1 && epochs <= 1000, 'epochs must be a whole number from 1 to 1000');
  check(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 4096, 'batch size must be a whole number from 1 to 4096');
  check(validation === 'test' || validation === 'split', "validation must be 'test' or 'split'");
  if (validation === 'split') {
    check(Number.isFinite(validationSplit) && validationSplit > 0 && validationSplit < 1,
      'validation split must be between 0 and 1 (e.g. 0.1)');
  }
  check(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32, 'seed must be a whole number ≥ 0');
  check(trainLimit == null || (Number.isInteger(trainLimit) && trainLimit >= 1),
    'training examples must be a whole number ≥ 1');
  return {
    type: ToWorker.TRAIN,
    model: modelSpec(model),
    compile: { optimizer, learningRate },
    fit: { epochs, batchSize, validation, validationSplit: validation === 'split' ? validationSplit : 0, seed, trainLimit },
  };
}

export function isMessage(msg) {
  return msg != null && typeof msg === 'object' && typeof msg.type === 'string';
}

const KNOWN_TO_WORKER = new Set(Object.values(ToWorker));
export function isRequest(msg) {
  return isMessage(msg) && KNOWN_TO_WORKER.has(msg.type);
}

export function errorMessage(during, err, replyTo) {
  const message = err instanceof Error ? err.message : String(err ?? 'unknown error');
  return { type: FromWorker.ERROR, during, message, replyTo };
}
