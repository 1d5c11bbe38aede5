// The library's vocabulary in TF.js' spelling, mapped to the Keras names the C++ core knows. Every
// table here is checked against the core's own registry (tests/js/library.test.mjs): a layer, an
// optimizer or a loss added to one side and not the other fails that test.

// nn.layers.<factory> → Keras class name
export const LAYER_CLASSES = Object.freeze({
  dense: 'Dense',
  dropout: 'Dropout',
  flatten: 'Flatten',
  reshape: 'Reshape',
  activation: 'Activation',
  conv2d: 'Conv2D',
  maxPooling2d: 'MaxPooling2D',
  averagePooling2d: 'AveragePooling2D',
  batchNormalization: 'BatchNormalization',
  randomTranslation: 'RandomTranslation',
  randomRotation: 'RandomRotation',
  randomZoom: 'RandomZoom',
  rescaling: 'Rescaling',
});

// nn.losses.<factory> / the names compile accepts → Keras' loss name
export const LOSSES = Object.freeze({
  sparseCategoricalCrossentropy: 'sparse_categorical_crossentropy',
  categoricalCrossentropy: 'categorical_crossentropy',
  binaryCrossentropy: 'binary_crossentropy',
  meanSquaredError: 'mean_squared_error',
});
export const LOSS_ALIASES = Object.freeze({ mse: 'mean_squared_error' });

// nn.train.<factory> → Keras optimizer class, and its positional TF.js arguments → Keras config keys
export const OPTIMIZERS = Object.freeze({
  sgd: { className: 'SGD', args: ['learning_rate'] },
  momentum: { className: 'SGD', args: ['learning_rate', 'momentum', 'nesterov'] },
  adam: { className: 'Adam', args: ['learning_rate', 'beta_1', 'beta_2', 'epsilon'] },
  rmsprop: { className: 'RMSprop', args: ['learning_rate', 'rho', 'momentum', 'epsilon'] },
  adamw: { className: 'AdamW', args: ['learning_rate', 'beta_1', 'beta_2', 'epsilon', 'weight_decay'] },
});
// Keras' arguments every optimizer takes, given as a last object argument: nn.train.adam(0.01, 0.7,
// 0.9, undefined, { amsgrad: true, clipnorm: 1 })
export const OPTIMIZER_OPTIONS = Object.freeze(['amsgrad', 'weightDecay', 'clipnorm', 'clipvalue', 'globalClipnorm']);

// nn.schedules.<factory> → Keras' learning-rate schedule class (a OneCycle is Neurite's own)
export const SCHEDULES = Object.freeze({
  exponentialDecay: 'ExponentialDecay',
  piecewiseConstantDecay: 'PiecewiseConstantDecay',
  cosineDecay: 'CosineDecay',
  oneCycle: 'OneCycle',
});

// 'acc' is TF.js' and Keras' old name for accuracy
export const METRIC_ALIASES = Object.freeze({ acc: 'accuracy' });

export const snakeCase = (name) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/^_/, '');
