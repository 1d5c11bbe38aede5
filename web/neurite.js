// Neurite's JavaScript library: TF.js' Layers API over Neurite's C++ core, which runs as
// WebAssembly in a Worker of its own (a worker thread in Node), so the caller never blocks.
//
//   import * as nn from './neurite.js';
//   const model = nn.sequential({ layers: [
//     nn.layers.flatten({ inputShape: [28, 28] }),
//     nn.layers.dense({ units: 128, activation: 'relu' }),
//     nn.layers.dropout({ rate: 0.2 }),
//     nn.layers.dense({ units: 10 }),
//   ] });
//   model.compile({ optimizer: 'adam', loss: nn.losses.sparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
//   const { xTrain, yTrain, xTest, yTest } = await nn.datasets.mnist.load();
//   const history = await model.fit(xTrain.div(255), yTrain, { epochs: 5, validationData: [xTest.div(255), yTest] });
//
// neurite.d.ts declares all of it; README.md's "From JavaScript" lists the TF.js / Keras calls.
import { Request } from './lib/protocol.js';
import { Engine, defaultEngine } from './lib/engine.js';
import { Sequential } from './lib/model.js';
import { copyModel, loadArtifacts, listModels, moveModel, removeModel } from './lib/io.js';

export { Tensor, tensor, tensor1d, tensor2d, scalar, oneHot, toCategorical, softmax, tidy, dispose } from './lib/tensor.js';
export { layers, Layer } from './lib/layers.js';
export { layersFromSpec } from './lib/spec.js';
export { train, losses, schedules } from './lib/train.js';
export { callbacks, Callback, EarlyStopping, ReduceLROnPlateau, LearningRateScheduler } from './lib/callbacks.js';
export { datasets } from './lib/datasets.js';
export { checkpoints } from './lib/checkpoints.js';
export { Sequential, sequential, History } from './lib/model.js';
export { Engine };

// TF.js' tf.loadLayersModel: a URL of a model.json, indexeddb://name, file://dir (Node), the File
// objects of an <input type="file" multiple>, or an IOHandler. The trainingConfig a file carries
// (optimizer, loss) is kept: fit works without compile.
// Also {modelJson, weights} as model.toArtifacts() gives them.
export async function loadModel(source, { engine, seed } = {}) {
  const artifacts = source?.modelJson && source?.weights ? source : await loadArtifacts(source);
  const model = Sequential.fromArtifacts(artifacts, { engine, seed });
  await model.ready();
  return model;
}
export const loadLayersModel = loadModel;

export const io = Object.freeze({ listModels, removeModel, copyModel, moveModel });

// What the engine runs on: {threaded, simd, registry: {layers, activations, optimizers, losses,
// metrics, presets}}: the core's own lists of names.
export function engineInfo(engine = defaultEngine()) { return engine.ready(); }
// TF.js' tf.ready(): resolves once the (default) engine has started
export const ready = engineInfo;

// TF.js' tf.memory(), of the engine's worker: {numTensors, numBytes (the tensors' data), unreliable:
// false}, and Neurite's numModels, wasmBytes (the wasm memory, which only grows: its high-water
// mark) and jsHeapBytes (the worker's JS heap where the browser says, else null)
export async function memory(engine = defaultEngine()) {
  return { ...(await engine.request(Request.MEMORY)), unreliable: false };
}

// A preset network of the core (registry().presets) as a model: its Keras topology, untrained,
// compiled as its recipe says; model.recipe holds the recipe's batchSize and epochs for fit.
export async function preset(name, { engine = defaultEngine(), seed } = {}) {
  const { registry } = await engine.ready();
  const found = registry.presets.find((p) => p.name === name);
  if (!found) throw new Error(`unknown preset '${name}' (known: ${registry.presets.map((p) => p.name).join(', ')})`);
  const model = Sequential.fromTopology(found.topology, { engine, seed });
  const { optimizer, loss, fromLogits, labelSmoothing, batchSize, epochs } = found.recipe;
  model.compile({ optimizer, loss: { name: loss, fromLogits, labelSmoothing }, metrics: ['accuracy'] });
  model.recipe = { batchSize, epochs };
  return model;
}

export const version = '0.1.0';
