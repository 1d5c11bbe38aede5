import { pct, runButton, showSource, table } from './tutorial.js';
import * as nn from '../neurite.js';

const part = (name) => document.querySelector(`[data-ui="${name}"]`);
showSource(part('source'), import.meta.url);

async function train(scale, report) {
  // <show>
  const { xTrain, yTrain, xTest, yTest } = await nn.datasets.mnist.load();
  const model = nn.sequential({ seed: 1, layers: [
    nn.layers.flatten({ inputShape: [28, 28] }),
    nn.layers.dense({ units: 64, activation: 'relu' }),
    nn.layers.dense({ units: 32, activation: 'relu' }),
    nn.layers.dense({ units: 10, activation: 'softmax' }),
  ] });
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  // scale is 1 (the pixels as stored, 0..255) or 255 (x_train / 255.0)
  const history = await model.fit(xTrain.div(scale), yTrain, { epochs: 5, batchSize: 32,
    validationData: [xTest.div(scale), yTest],
    callbacks: { onEpochEnd: (e, logs) => report(`pixels / ${scale}: epoch ${e + 1}, validation accuracy ${pct(logs.val_accuracy)}`) } });
  // </show>
  return history.history;
}

runButton(part('run'), part('status'), async (report) => {
  const raw = await train(1, report);
  const scaled = await train(255, report);
  const last = (h, k) => h[k][h[k].length - 1];
  table(part('result'), ['inputs', 'training accuracy', 'validation accuracy (test set)', 'validation loss'], [
    ['pixels 0..255, as the tutorial writes it', pct(last(raw, 'accuracy'), 2), pct(last(raw, 'val_accuracy'), 2), last(raw, 'val_loss').toFixed(4)],
    ['pixels / 255', pct(last(scaled, 'accuracy'), 2), pct(last(scaled, 'val_accuracy'), 2), last(scaled, 'val_loss').toFixed(4)],
  ]);
  const better = last(scaled, 'val_accuracy') >= last(raw, 'val_accuracy') ? 'pixels / 255' : 'the raw pixels';
  const verdict = document.createElement('p');
  verdict.className = 'verdict';
  verdict.dataset.ui = 'verdict';
  verdict.textContent = `After 5 epochs ${better} learned better: ${pct(last(scaled, 'val_accuracy'), 2)} with / 255 against `
    + `${pct(last(raw, 'val_accuracy'), 2)} raw. The tutorial promises about 97 % for this network with scaled inputs.`;
  part('result').append(verdict);
  report('Done.');
}, part('result'));
