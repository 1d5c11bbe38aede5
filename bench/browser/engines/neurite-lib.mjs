// Neurite as a learner uses it: dist/neurite.js, a preset's topology, compile, and model.fit over
// consecutive slices of MNIST (loaded by the library itself, so it stays uint8 in its worker).
// The timed runs call trainBatches once each: one fit of that many batches, with no callbacks, and
// (checkpointSeconds) checkpoints written to IndexedDB at its end and every that many seconds.
import * as nn from '/neurite.js';
import { BATCH_SIZE } from '../workloads.mjs';

export async function createNeuriteLibrary({ threaded = false, checkpointSeconds = 0 }) {
  const engine = new nn.Engine({ threaded });
  const info = await engine.ready();
  const { xTrain, yTrain, xTest, yTest } = await nn.datasets.mnist.load({ engine });
  const perEpoch = Math.floor(xTrain.shape[0] / BATCH_SIZE);
  let model = null, x = null, xt = null, cursor = 0;

  return {
    info: { simd: info.simd, threads: info.threaded, threadControl: false, library: true, checkpointSeconds },

    async build(workload) {
      model = await nn.preset(workload, { engine, seed: 1 });
      model.compile({ optimizer: 'adam', metrics: ['accuracy'] });   // the loss the output implies
      await model.ready();
      x = xTrain.reshape([-1, ...model.inputShape]).div(255);
      xt = xTest.reshape([-1, ...model.inputShape]).div(255);
      return { params: model.layers.reduce((sum, l) => sum + (l.params ?? 0), 0) };
    },

    async trainBatches(count) {
      let history = null;
      for (let left = count; left > 0;) {
        const k = Math.min(left, perEpoch - cursor);
        const begin = cursor * BATCH_SIZE, n = k * BATCH_SIZE;
        history = await model.fit(x.slice(begin, n), yTrain.slice(begin, n), { epochs: 1, batchSize: BATCH_SIZE, shuffle: true,
          ...(checkpointSeconds ? { checkpoint: { id: 'bench', everySeconds: checkpointSeconds } } : {}) });
        left -= k;
        cursor = (cursor + k) % perEpoch;
      }
      return { loss: history?.history.loss[0] };
    },

    async countCorrect(start, count) {
      const [, accuracy] = await model.evaluate(xt.slice(start, count), yTest.slice(start, count), { batchSize: BATCH_SIZE });
      return Math.round(accuracy * count);
    },

    predictOne: (i) => model.predict(xt.slice(i % xt.shape[0], 1)).data(),

    // One preset trained as its recipe says (its optimizer, schedule, batch size and epochs), the
    // accuracy on the probed test slice timed on the way; the times are the core's, from the first
    // batch, the probes' own evaluations counted. Then the whole test set says where the recipe ends.
    async timeToAccuracy({ preset, seed, thresholds, probe, probesPerEpoch }) {
      const m = await nn.preset(preset, { engine, seed });
      await m.ready();
      const { batchSize, epochs } = m.recipe;
      const every = Math.max(1, Math.floor(Math.ceil(xTrain.shape[0] / batchSize) / probesPerEpoch));  // as the CLI's
      const images = (t) => t.reshape([-1, ...m.inputShape]).div(255);
      // the probed slice is the validation data, so each epoch's own validation costs no more than a probe
      const held = [images(xTest.slice(probe.offset, probe.samples)), yTest.slice(probe.offset, probe.samples)];
      const started = performance.now();
      const history = await m.fit(images(xTrain), yTrain, { epochs, batchSize, shuffle: true,
        validationData: held, milestones: { thresholds, every } });
      const seconds = (performance.now() - started) / 1000;
      const [, testAccuracy] = await m.evaluate(images(xTest), yTest, { batchSize: 256 });
      m.dispose?.();
      return { preset, batchSize, maxEpochs: epochs, every, milestones: history.milestones,
        epochsRun: history.epoch.length, fitSeconds: seconds, testAccuracy };
    },

    // the core's memory is in the library's own worker, out of this one's reach
    memory: () => ({}),
    layers: () => null,
    gemm: () => { throw new Error('the library engine does not time kernels (the neurite engine does)'); },
  };
}
