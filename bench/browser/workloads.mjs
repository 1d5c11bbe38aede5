// The networks the benchmark trains, described once so every engine builds the same thing. Each is
// one of Neurite's presets (src/model/presets.cpp); the peers build these layers with their own API.
// Inputs are 28×28×1 MNIST images (pixels / 255), batches of 32.

const conv = (filters) => ({ kind: 'conv', filters, size: 3, activation: 'relu' });
const pool = { kind: 'maxpool', size: 2 };
const flatten = { kind: 'flatten' };
const dense = (units, activation = 'linear') => ({ kind: 'dense', units, activation });
const dropout = (rate) => ({ kind: 'dropout', rate });

export const WORKLOADS = {
  mlp: {
    layers: [flatten, dense(128, 'relu'), dropout(0.2), dense(10)],
    loss: 'sparse_categorical_crossentropy', fromLogits: true,
  },
  cnn: {
    layers: [conv(64), pool, flatten, dense(10, 'softmax')],
    loss: 'categorical_crossentropy', fromLogits: false,
  },
  lenet: {
    layers: [conv(32), pool, conv(64), pool, flatten, dense(128, 'relu'), dropout(0.5), dense(10, 'softmax')],
    loss: 'sparse_categorical_crossentropy', fromLogits: false,
  },
};

export const BATCH_SIZE = 32;
export const IMAGE = { height: 28, width: 28, channels: 1, pixels: 784 };
export const CLASSES = 10;

// Keras' Adam defaults, which Neurite's "adam" also uses.
export const ADAM = { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

export function hasConvolution(workload) {
  return WORKLOADS[workload].layers.some((l) => l.kind === 'conv');
}
