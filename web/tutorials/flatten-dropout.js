import { epochReporter, pct, plotHistory, runButton, showSource, table } from './tutorial.js';
import * as nn from '../neurite.js';

const part = (name) => document.querySelector(`[data-ui="${name}"]`);
showSource(part('source'), import.meta.url);

runButton(part('run'), part('status'), async (report) => {
  // <show>
  const { xTrain, yTrain, xTest, yTest } = await nn.datasets.mnist.load();
  const model = nn.sequential({ seed: 1, layers: [
    nn.layers.flatten({ inputShape: [28, 28] }),
    nn.layers.dense({ units: 128, activation: 'relu' }),
    nn.layers.dropout({ rate: 0.2 }),
    nn.layers.dense({ units: 10 }),
  ] });
  const lossFn = nn.losses.sparseCategoricalCrossentropy({ fromLogits: true });
  model.compile({ optimizer: 'adam', loss: lossFn, metrics: ['accuracy'] });
  const history = await model.fit(xTrain.div(255), yTrain, { epochs: 5,
    validationData: [xTest.div(255), yTest], callbacks: epochReporter(report, 'training', 5) });
  const [testLoss, testAccuracy] = await model.evaluate(xTest.div(255), yTest);
  plotHistory(part('chart-loss'), part('chart-accuracy'), history);
  // </show>
  table(part('result'), ['', 'loss', 'accuracy'], [['evaluate on the 10 000 test images', testLoss.toFixed(4), pct(testAccuracy, 2)]]);
  const verdict = document.createElement('p');
  verdict.className = testAccuracy >= 0.975 ? 'verdict' : 'verdict short';
  verdict.dataset.ui = 'verdict';
  verdict.textContent = `The tutorial promises about 98 % test accuracy after 5 epochs; this run reached ${pct(testAccuracy, 2)}.`;
  part('result').append(verdict);
  report('Done.');
}, part('result'));

// Overfitting: 1 000 training images, 40 epochs, with and without the remedies.
async function overfit(report) {
  const { xTrain, yTrain, xTest, yTest } = await nn.datasets.mnist.load();
  const x = xTrain.slice(0, 1000).div(255), y = yTrain.slice(0, 1000);
  const validationData = [xTest.slice(0, 2000).div(255), yTest.slice(0, 2000)];
  const run = async (label, dropout, callbacks = []) => {
    const model = nn.sequential({ seed: 2, layers: [
      nn.layers.flatten({ inputShape: [28, 28] }), nn.layers.dense({ units: 128, activation: 'relu' }),
      ...(dropout ? [nn.layers.dropout({ rate: dropout })] : []), nn.layers.dense({ units: 10 })] });
    model.compile({ optimizer: 'adam', loss: nn.losses.sparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
    const h = await model.fit(x, y, { epochs: 40, validationData, callbacks: [epochReporter(report, label, 40), ...callbacks] });
    const last = (k) => h.history[k][h.history[k].length - 1];
    return { label, history: h, epochs: h.epoch.length, train: last('accuracy'), val: last('val_accuracy'), valLoss: last('val_loss') };
  };
  const plain = await run('no dropout', 0);
  const dropped = await run('Dropout(0.5)', 0.5);
  const stopped = await run('early stopping', 0, [nn.callbacks.earlyStopping({ monitor: 'val_loss', patience: 3 })]);
  plotHistory(part('overfit-loss'), part('overfit-accuracy'), plain.history);
  table(part('result-overfit'), ['', 'epochs run', 'training accuracy', 'validation accuracy', 'gap', 'validation loss'],
    [plain, dropped, stopped].map((r) => [r.label, String(r.epochs), pct(r.train), pct(r.val), pct(r.train - r.val), r.valLoss.toFixed(3)]));
  const p = document.createElement('p');
  p.className = 'verdict';
  p.dataset.ui = 'verdict-overfit';
  p.textContent = `Without dropout the network memorises its 1 000 images (${pct(plain.train)} on them, ${pct(plain.val)} on others: `
    + `a ${pct(plain.train - plain.val)} gap, and the validation loss climbs back to ${plain.valLoss.toFixed(3)} in the loss chart). `
    + `Dropout(0.5) ends with a ${pct(dropped.train - dropped.val)} gap and a validation loss of ${dropped.valLoss.toFixed(3)}; `
    + `early stopping stopped after ${stopped.epochs} epochs at ${stopped.valLoss.toFixed(3)}. Neither makes 1 000 images into 60 000: `
    + 'more data is the remedy that closes the gap.';
  part('result-overfit').append(p);
  return { plain, dropped, stopped };
}
runButton(part('run-overfit'), part('status-overfit'), async (report) => { await overfit(report); report('Done.'); }, part('result-overfit'));
