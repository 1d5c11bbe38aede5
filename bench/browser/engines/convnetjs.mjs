// ConvNetJS (npm convnetjs 0.3.0) in a classic Worker that has loaded convnet.js: self.convnetjs.
// Its layers: conv, pool, fc, dropout, and `softmax` (a 10-unit fc with softmax + cross-entropy,
// i.e. the last Dense with its loss). ConvNetJS trains one sample at a time (net.forward/backward
// accumulate gradients); its initialisation is its own (Gaussian), not Glorot.
// The npm release's Trainer has sgd/adagrad/adadelta/windowgrad but no Adam (added on GitHub after
// 0.3.0), so the Adam step of ConvNetJS's later Trainer is written out below, with Keras' defaults.
import { ADAM, BATCH_SIZE, CLASSES, IMAGE } from '../workloads.mjs';
import { BatchCursor } from '../harness.mjs';

const convnetjs = self.convnetjs;

function layerDefs(workload) {
  const defs = [{ type: 'input', out_sx: IMAGE.width, out_sy: IMAGE.height, out_depth: IMAGE.channels }];
  const last = workload.layers.length - 1;
  workload.layers.forEach((spec, i) => {
    if (i === last) {
      if (spec.kind !== 'dense' || spec.units !== CLASSES) throw new Error('the last layer must be Dense 10');
      defs.push({ type: 'softmax', num_classes: CLASSES });
      return;
    }
    switch (spec.kind) {
      case 'flatten': break;  // fc layers take volumes as they are
      case 'dense': defs.push({ type: 'fc', num_neurons: spec.units, activation: spec.activation }); break;
      case 'dropout': defs.push({ type: 'dropout', drop_prob: spec.rate }); break;
      case 'conv': defs.push({ type: 'conv', sx: spec.size, filters: spec.filters, stride: 1, pad: 0, activation: spec.activation }); break;
      case 'maxpool': defs.push({ type: 'pool', sx: spec.size, stride: spec.size }); break;
      default: throw new Error(`no ConvNetJS layer for ${spec.kind}`);
    }
  });
  return defs;
}

// The 'adam' branch of ConvNetJS's Trainer (GitHub master), applied once per batch.
class AdamStep {
  constructor(net) { this.net = net; this.step = 0; this.m = []; this.v = []; }
  apply(batchSize) {
    const { learningRate: lr, beta1, beta2, epsilon } = ADAM;
    const groups = this.net.getParamsAndGrads();
    this.step++;
    const correction1 = 1 - beta1 ** this.step, correction2 = 1 - beta2 ** this.step;
    groups.forEach(({ params: p, grads: g }, i) => {
      this.m[i] ??= new Float64Array(p.length);
      this.v[i] ??= new Float64Array(p.length);
      const m = this.m[i], v = this.v[i];
      for (let j = 0; j < p.length; j++) {
        const grad = g[j] / batchSize;
        m[j] = beta1 * m[j] + (1 - beta1) * grad;
        v[j] = beta2 * v[j] + (1 - beta2) * grad * grad;
        p[j] -= (lr * (m[j] / correction1)) / (Math.sqrt(v[j] / correction2) + epsilon);
        g[j] = 0;
      }
    });
  }
}

export async function createConvnetjs(_options, data) {
  let net = null, adam = null;
  const cursor = new BatchCursor(data.train.count);
  const input = new convnetjs.Vol(IMAGE.width, IMAGE.height, IMAGE.channels, 0);
  // ConvNetJS's Vol index ((width·y)+x)·depth+d is the IDX row-major order for one channel
  const load = (images, index) => {
    const at = index * IMAGE.pixels;
    for (let p = 0; p < IMAGE.pixels; p++) input.w[p] = images[at + p] / 255;
    return input;
  };

  return {
    info: { version: convnetjs.REVISION ?? 'npm 0.3.0' },

    build(_name, workload) {
      net = new convnetjs.Net();
      net.makeLayers(layerDefs(workload));
      adam = new AdamStep(net);
      const params = net.getParamsAndGrads().reduce((sum, g) => sum + g.params.length, 0);
      return { params };
    },

    async trainBatches(count) {
      let loss = 0;
      for (let b = 0; b < count; b++) {
        loss = 0;
        for (const index of cursor.take()) {
          net.forward(load(data.train.images, index), true);
          loss += net.backward(data.train.labels[index]);
        }
        adam.apply(BATCH_SIZE);
      }
      return { loss: loss / BATCH_SIZE };
    },

    async countCorrect(start, count) {
      let correct = 0;
      for (let i = start; i < start + count; i++) {
        net.forward(load(data.test.images, i), false);
        correct += net.getPrediction() === data.test.labels[i] ? 1 : 0;
      }
      return correct;
    },

    async predictOne(i) {
      return net.forward(load(data.test.images, i % data.test.count), false).w;
    },

    memory: () => ({}),
  };
}
