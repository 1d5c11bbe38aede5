// TensorFlow.js 4.22 (layers API) with the `wasm` or the `cpu` backend, in a classic Worker that
// has loaded tf.min.js (and tf-backend-wasm.min.js) with importScripts: self.tf.
// The networks are tf.sequential models of the same layers; targets are one-hot for every workload
// (categorical CE on one-hot rows is the same loss as sparse CE on indices), and the mlp's logits
// use tf.losses.softmaxCrossEntropy, i.e. SparseCategoricalCrossentropy(from_logits=True).
import { ADAM, BATCH_SIZE, CLASSES, IMAGE } from '../workloads.mjs';
import { BatchCursor, oneHotOf, pixelsOf } from '../harness.mjs';

const tf = self.tf;

function layerOf(spec, inputShape) {
  const first = inputShape ? { inputShape } : {};
  switch (spec.kind) {
    case 'flatten': return tf.layers.flatten(first);
    case 'dense': return tf.layers.dense({ ...first, units: spec.units, activation: spec.activation });
    case 'dropout': return tf.layers.dropout({ ...first, rate: spec.rate });
    case 'conv': return tf.layers.conv2d({ ...first, filters: spec.filters, kernelSize: spec.size, activation: spec.activation });
    case 'maxpool': return tf.layers.maxPooling2d({ ...first, poolSize: spec.size });
    default: throw new Error(`no TF.js layer for ${spec.kind}`);
  }
}

const fromLogits = (labels, logits) => tf.losses.softmaxCrossEntropy(labels, logits);

export async function createTfjs({ backend }, data) {
  if (backend === 'wasm') {
    tf.wasm.setWasmPaths(new URL('/bench/vendor/tfjs-wasm/', self.location.href).href);
    // Its threaded build loads its pthread script from a blob: URL, which the page's CSP (script-src
    // 'self') refuses; it would run 1 thread here anyway (it caps itself at cores / 2).
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} did not start`);
  await tf.ready();
  const info = { version: tf.version.tfjs, backend: tf.getBackend() };
  if (backend === 'wasm') {
    info.simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    info.multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  }
  let model = null, inputShape = null, peakTensorBytes = 0;
  const cursor = new BatchCursor(data.train.count);
  const pixels = new Float32Array(BATCH_SIZE * IMAGE.pixels);
  const targets = new Float32Array(BATCH_SIZE * CLASSES);
  const inputOf = (floats, n) => tf.tensor(floats, [n, ...inputShape]);

  async function trainBatch() {
    const batch = cursor.take();
    const x = inputOf(pixelsOf(data.train.images, batch, pixels), BATCH_SIZE);
    const y = tf.tensor2d(oneHotOf(data.train.labels, batch, CLASSES, targets), [BATCH_SIZE, CLASSES]);
    try {
      const [loss] = await model.trainOnBatch(x, y);
      peakTensorBytes = Math.max(peakTensorBytes, tf.memory().numBytes);
      return loss;
    } finally {
      x.dispose();
      y.dispose();
    }
  }

  return {
    info,

    build(_name, workload) {
      const convolutional = workload.layers.some((l) => l.kind === 'conv');
      inputShape = convolutional ? [IMAGE.height, IMAGE.width, IMAGE.channels] : [IMAGE.height, IMAGE.width];
      model = tf.sequential({ layers: workload.layers.map((spec, i) => layerOf(spec, i === 0 ? inputShape : null)) });
      model.compile({
        optimizer: tf.train.adam(ADAM.learningRate, ADAM.beta1, ADAM.beta2, ADAM.epsilon),
        loss: workload.fromLogits ? fromLogits : 'categoricalCrossentropy',
        metrics: ['accuracy'],
      });
      return { params: model.countParams() };
    },

    async trainBatches(count) {
      let loss;
      for (let b = 0; b < count; b++) loss = await trainBatch();
      return { loss };
    },

    async countCorrect(start, count) {
      const indices = Uint32Array.from({ length: count }, (_, i) => start + i);
      const floats = pixelsOf(data.test.images, indices, new Float32Array(count * IMAGE.pixels));
      const predicted = tf.tidy(() => model.predict(inputOf(floats, count)).argMax(-1));
      const classes = await predicted.data();
      predicted.dispose();
      return classes.reduce((sum, c, i) => sum + (c === data.test.labels[start + i] ? 1 : 0), 0);
    },

    async predictOne(i) {
      const one = pixelsOf(data.test.images, [i % data.test.count], new Float32Array(IMAGE.pixels));
      const out = tf.tidy(() => model.predict(inputOf(one, 1)));
      const values = out.dataSync();
      out.dispose();
      return values;
    },

    memory() {
      const out = { peakTensorBytes };
      if (backend === 'wasm') out.wasmHeapBytes = tf.backend().wasm.HEAPU8.buffer.byteLength;
      return out;
    },
  };
}
