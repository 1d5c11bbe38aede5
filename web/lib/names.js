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
});

// 'acc' is TF.js' and Keras' old name for accuracy
export const METRIC_ALIASES = Object.freeze({ acc: 'accuracy' });

export const snakeCase = (name) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`).replace(/^_/, '');
