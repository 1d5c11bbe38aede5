// jax-js (npm @jax-js/jax 0.1.25) on its wasm backend, one thread. The network is written with its
// ops (jax.numpy, lax.convGeneralDilated, lax.reduceWindow) and the whole training step (forward,
// valueAndGrad, Adam) is one jit-compiled function, as jax-js's own MNIST demo trains. Adam is
// written out as Keras' (its optax package is not on the registry), with Glorot-uniform kernels and
// zero biases. jax-js's convolutions are NCHW with OIHW kernels, so the cnn reshapes its input to
// [batch, 1, 28, 28]; Flatten then orders features channel-first (the same network, another layout).
// jax-js arrays are reference-counted and an op consumes its inputs: `.ref` keeps one for later use.
// Where SharedArrayBuffer and Worker exist (as on this cross-origin isolated bench page) jax-js's
// wasm backend sends each kernel to a pool of a Worker per core; it has no option to say no, so
// the one-thread engine hides Worker from it (it checks for Worker again when it compiles a
// kernel, so Worker stays hidden in this engine's Worker).
import { ADAM, BATCH_SIZE, CLASSES, IMAGE } from '../workloads.mjs';
import { BatchCursor, pixelsOf } from '../harness.mjs';

// jax-js's names, imported once the engine knows whether jax-js may start its worker pool
let jit, lax, nn, np, random, tree, valueAndGrad;

// Glorot-uniform kernels, zero biases; shapes for a Dense [in, out] and a Conv2D OIHW kernel.
function glorot(key, shape, fanIn, fanOut) {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return random.uniform(key, shape, { minval: -limit, maxval: limit });
}

// The parameters of the workload's layers, and a forward pass over them: (params, x, key) → logits.
function network(workload, seed) {
  const params = {};
  const steps = [];
  let key = random.key(seed);
  let shape = [IMAGE.channels, IMAGE.height, IMAGE.width];  // one sample, NCHW
  const nextKey = () => { const [k, rest] = random.split(key, 2); key = rest; return k; };
  workload.layers.forEach((spec, i) => {
    const last = i === workload.layers.length - 1;
    switch (spec.kind) {
      case 'flatten': {
        const features = shape.reduce((a, b) => a * b, 1);
        steps.push((p, x) => x.reshape([-1, features]));
        shape = [features];
        break;
      }
      case 'dense': {
        const fanIn = shape[0];
        params[`w${i}`] = glorot(nextKey(), [fanIn, spec.units], fanIn, spec.units);
        params[`b${i}`] = np.zeros([spec.units]);
        const act = last ? 'linear' : spec.activation;  // the loss takes the last layer's logits
        steps.push((p, x) => activation(np.dot(x, p[`w${i}`]).add(p[`b${i}`]), act));
        shape = [spec.units];
        break;
      }
      case 'conv': {
        const [cin, h, w] = shape, k = spec.size;
        params[`w${i}`] = glorot(nextKey(), [spec.filters, cin, k, k], k * k * cin, k * k * spec.filters);
        params[`b${i}`] = np.zeros([spec.filters, 1, 1]);
        steps.push((p, x) => activation(lax.convGeneralDilated(x, p[`w${i}`], [1, 1], 'VALID').add(p[`b${i}`]), spec.activation));
        shape = [spec.filters, h - k + 1, w - k + 1];
        break;
      }
      case 'maxpool': {
        const s = spec.size;
        steps.push((p, x) => lax.reduceWindow(x, np.max, [s, s], [s, s]));
        shape = [shape[0], Math.floor(shape[1] / s), Math.floor(shape[2] / s)];
        break;
      }
      case 'dropout': {
        const keep = 1 - spec.rate;
        steps.push((p, x, dropKey) => dropKey
          ? x.mul(random.bernoulli(dropKey, keep, x.shape).astype(np.float32)).mul(1 / keep)
          : x);
        break;
      }
      default: throw new Error(`no jax-js layer for ${spec.kind}`);
    }
  });
  const forward = (p, x, dropKey) => {
    let y = x.reshape([-1, IMAGE.channels, IMAGE.height, IMAGE.width]);
    for (const step of steps) y = step(p, y, dropKey);
    return y;
  };
  return { params, forward, count: Object.values(params).reduce((n, a) => n + a.size, 0) };
}

function activation(x, name) {
  switch (name) {
    case 'relu': return nn.relu(x);
    case 'linear': case undefined: return x;
    default: throw new Error(`no jax-js activation ${name}`);
  }
}

// The step Keras' Adam takes: the bias corrections folded into the learning rate, epsilon outside the root.
function adamUpdate(p, g, m, v, rate) {
  const m2 = m.mul(ADAM.beta1).add(g.ref.mul(1 - ADAM.beta1));
  const v2 = v.mul(ADAM.beta2).add(g.ref.mul(g).mul(1 - ADAM.beta2));
  const p2 = p.sub(m2.ref.mul(rate).div(np.sqrt(v2.ref).add(ADAM.epsilon)));
  return [p2, m2, v2];
}

export async function createJaxJs({ pool = false } = {}, data) {
  if (!pool) self.Worker = undefined;
  const jax = await import('/bench/vendor/jax-js/index.js');
  ({ jit, lax, nn, numpy: np, random, tree, valueAndGrad } = jax);
  const devices = await jax.init('wasm');
  if (!devices.includes('wasm')) throw new Error('jax-js: its wasm backend did not start');
  jax.defaultDevice('wasm');
  const pooled = pool && typeof SharedArrayBuffer !== 'undefined';
  const info = { version: '0.1.25', backend: 'wasm', threads: pooled ? `worker pool of ${navigator.hardwareConcurrency}` : 1 };
  let net = null, params = null, moments = null, velocities = null, trainStep = null, predict = null;
  let steps = 0, compileMs = null;
  const cursor = new BatchCursor(data.train.count);
  const pixels = new Float32Array(BATCH_SIZE * IMAGE.pixels);
  const labels = new Int32Array(BATCH_SIZE);

  async function trainBatch() {
    const batch = cursor.take();
    pixelsOf(data.train.images, batch, pixels);
    for (let b = 0; b < BATCH_SIZE; b++) labels[b] = data.train.labels[batch[b]];
    steps += 1;
    const rate = ADAM.learningRate * Math.sqrt(1 - ADAM.beta2 ** steps) / (1 - ADAM.beta1 ** steps);
    const started = compileMs === null ? performance.now() : 0;
    const [p, m, v, loss] = trainStep(params, moments, velocities,
      np.array(pixels, { shape: [BATCH_SIZE, IMAGE.pixels] }), np.array(labels, { dtype: np.int32 }),
      random.key(steps), np.array(rate));
    params = p; moments = m; velocities = v;
    const value = await loss.jsAsync();
    if (compileMs === null) compileMs = performance.now() - started;
    return value;
  }

  return {
    info,

    build(_name, workload) {
      for (const t of [params, moments, velocities]) if (t) tree.dispose(t);
      net = network(workload, 1);
      params = net.params;
      moments = tree.map((a) => np.zerosLike(a.ref), params);
      velocities = tree.map((a) => np.zerosLike(a.ref), params);
      steps = 0; compileMs = null;
      const lossOf = (p, x, y, dropKey) => {
        const logProbabilities = nn.logSoftmax(net.forward(p, x, dropKey));
        return logProbabilities.mul(nn.oneHot(y, CLASSES)).sum().mul(-1 / BATCH_SIZE);
      };
      trainStep = jit((p, m, v, x, y, dropKey, rate) => {
        const [loss, grads] = valueAndGrad(lossOf)(tree.ref(p), x, y, dropKey);
        const names = Object.keys(p);
        const out = [{}, {}, {}];
        for (const [j, name] of names.entries()) {
          const last = j === names.length - 1;
          [out[0][name], out[1][name], out[2][name]] = adamUpdate(p[name], grads[name], m[name], v[name], last ? rate : rate.ref);
        }
        return [...out, loss];
      });
      predict = jit((p, x) => net.forward(p, x, null));
      return { params: net.count };
    },

    async trainBatches(count) {
      let loss;
      for (let b = 0; b < count; b++) loss = await trainBatch();
      return { loss };
    },

    async countCorrect(start, count) {
      const floats = pixelsOf(data.test.images, Uint32Array.from({ length: count }, (_, i) => start + i), new Float32Array(count * IMAGE.pixels));
      const classes = await np.argmax(predict(tree.ref(params), np.array(floats, { shape: [count, IMAGE.pixels] })), 1).jsAsync();
      return classes.reduce((sum, c, i) => sum + (c === data.test.labels[start + i] ? 1 : 0), 0);
    },

    async predictOne(i) {
      const one = pixelsOf(data.test.images, [i % data.test.count], new Float32Array(IMAGE.pixels));
      return predict(tree.ref(params), np.array(one, { shape: [1, IMAGE.pixels] })).jsAsync();
    },

    memory() {
      return { firstStepMs: compileMs };
    },
  };
}
