import { pct, runButton, showSource, table } from './tutorial.js';
import * as nn from '../neurite.js';

const part = (name) => document.querySelector(`[data-ui="${name}"]`);
showSource(part('source'), import.meta.url);

const f = (v) => (Array.isArray(v) ? `[${v.map(f).join(', ')}]` : Number(v).toFixed(4));
const sigmoid = (z) => 1 / (1 + Math.exp(-z));

// <show>
// One example, a 2-3-1 network of sigmoids, and its weights (W1[i][j]: input i → hidden j)
const x = [0.5, -0.3], y = 1, lr = 0.5;
const W1 = [[0.2, -0.4, 0.7], [0.5, 0.1, -0.3]], b1 = [0.1, 0, -0.1];
const W2 = [0.6, -0.2, 0.4], b2 = 0.05;

const z1 = [0, 1, 2].map((j) => x[0] * W1[0][j] + x[1] * W1[1][j] + b1[j]);
const a1 = z1.map(sigmoid);
const z2 = a1.reduce((s, a, j) => s + a * W2[j], b2);
const yHat = sigmoid(z2);
const loss = -(y * Math.log(yHat) + (1 - y) * Math.log(1 - yHat));
const dz2 = yHat - y;                                   // sigmoid and cross-entropy together
const dW2 = a1.map((a) => a * dz2), db2 = dz2;
const da1 = W2.map((w) => w * dz2);
const dz1 = da1.map((d, j) => d * a1[j] * (1 - a1[j]));  // σ'(z) = σ(z)(1 − σ(z))
const dW1 = x.map((xi) => dz1.map((d) => xi * d)), db1 = dz1;
const step = (w, g) => (Array.isArray(w) ? w.map((v, i) => step(v, g[i])) : w - lr * g);
const updated = { W1: step(W1, dW1), b1: step(b1, db1), W2: step(W2, dW2), b2: step(b2, db2) };
// </show>

const STEPS = [
  `Input x = ${f(x)}, label y = ${y}; W1 = ${f(W1)}, b1 = ${f(b1)}, W2 = ${f(W2)}, b2 = ${f(b2)}, learning rate ${lr}.`,
  `Hidden pre-activations z1 = xᵀ·W1 + b1 = ${f(z1)}.`,
  `Hidden activations a1 = σ(z1) = ${f(a1)}.`,
  `Output z2 = a1·W2 + b2 = ${f(z2)}, ŷ = σ(z2) = ${f(yHat)}.`,
  `Loss (binary cross-entropy) L = −(y·log ŷ + (1 − y)·log(1 − ŷ)) = ${f(loss)}.`,
  `∂L/∂z2 = ŷ − y = ${f(dz2)} (σ′ and the log cancel: the fused step every library takes).`,
  `∂L/∂W2 = a1 · ∂L/∂z2 = ${f(dW2)};  ∂L/∂b2 = ${f(db2)}.`,
  `∂L/∂a1 = W2 · ∂L/∂z2 = ${f(da1)};  ∂L/∂z1 = ∂L/∂a1 · a1(1 − a1) = ${f(dz1)}.`,
  `∂L/∂W1 = x ⊗ ∂L/∂z1 = ${f(dW1)};  ∂L/∂b1 = ${f(db1)}.`,
  `One step, w ← w − ${lr}·∂L/∂w: W1 = ${f(updated.W1)}, b1 = ${f(updated.b1)}, W2 = ${f(updated.W2)}, b2 = ${f(updated.b2)}.`,
];
let shown = 0;
part('step').addEventListener('click', () => {
  if (shown >= STEPS.length) return;
  const li = document.createElement('li');
  li.textContent = STEPS[shown++];
  part('steps').append(li);
  if (shown === STEPS.length) part('step').disabled = true;
});

const network = () => nn.sequential({ seed: 1, layers: [
  nn.layers.dense({ units: 3, activation: 'sigmoid', inputShape: [2] }),
  nn.layers.dense({ units: 1, activation: 'sigmoid' }),
] });

// The same weights in Neurite: the model's files with the weights above (kernel [in, out], bias).
async function fromTheseWeights() {
  const model = network();
  model.compile({ optimizer: nn.train.sgd(lr), loss: 'binaryCrossentropy' });
  const { modelJson } = await model.toArtifacts();
  const weights = Float32Array.from([...W1.flat(), ...b1, ...W2, b2]);
  return nn.loadModel({ modelJson, weights: weights.buffer });
}

runButton(part('run'), part('status'), async (report) => {
  while (shown < STEPS.length) part('step').click();
  const model = await fromTheseWeights();
  await model.fit(nn.tensor2d([x]), nn.tensor2d([[y]]), { epochs: 1, batchSize: 1, shuffle: false });
  const after = await Promise.all((await model.getWeights()).map((t) => t.data()));
  const byHand = [updated.W1.flat(), updated.b1, updated.W2, [updated.b2]];
  const gap = Math.max(...after.flatMap((w, i) => Array.from(w, (v, j) => Math.abs(v - byHand[i][j]))));
  const check = document.createElement('p');
  check.className = gap < 1e-5 ? 'verdict' : 'verdict short';
  check.dataset.ui = 'check';
  check.dataset.gap = String(gap);
  check.textContent = `Neurite's step from the same weights gives the same updated weights as the hand computation: the largest difference is ${gap.toExponential(1)} (float32 rounding).`;
  part('result').replaceChildren(check);

  report('Training the same network on the circles set…');
  const { xTrain, yTrain, xTest, yTest } = await nn.datasets.toy('circles', { n: 1000, seed: 4 });
  const trained = network();
  trained.compile({ optimizer: nn.train.adam(0.05), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  await trained.fit(xTrain, yTrain, { epochs: 60, batchSize: 32 });
  const c = await trained.confusionMatrix(xTest, yTest);
  const [[tn, fp], [fn, tp]] = c.matrix;
  const precision = tp / (tp + fp), recall = tp / (tp + fn), f1 = (2 * precision * recall) / (precision + recall);
  const results = document.createElement('div');
  table(results, ['true \\ predicted', 'predicted 0', 'predicted 1'], [['true 0', String(tn), String(fp)], ['true 1', String(fn), String(tp)]]);
  const explain = document.createElement('p');
  explain.dataset.ui = 'metrics';
  explain.textContent = `Accuracy (${tn} + ${tp}) / ${c.total} = ${pct(c.accuracy)}. For class 1: precision ${tp} / (${tp} + ${fp}) = ${pct(precision)}, `
    + `recall ${tp} / (${tp} + ${fn}) = ${pct(recall)}, F1 = ${pct(f1)} (the core's own figures: ${pct(c.precision[1])}, ${pct(c.recall[1])}, ${pct(c.f1[1])}).`;
  part('result').append(results, explain);
  part('result').dataset.accuracy = String(c.accuracy);
  report('Done.');
}, part('result'));
