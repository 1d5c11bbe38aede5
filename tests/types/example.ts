// The README's example as TypeScript: `tsc --noEmit` checks it against dist/neurite.d.ts, so the
// declarations cannot drift from what the docs show (npm test runs it).
import * as nn from '../../dist/neurite.js';

async function tutorial(): Promise<number> {
  const model = nn.sequential({ layers: [
    nn.layers.flatten({ inputShape: [28, 28] }),
    nn.layers.dense({ units: 128, activation: 'relu' }),
    nn.layers.dropout({ rate: 0.2 }),
    nn.layers.dense({ units: 10 }),
  ] });
  model.add(nn.layers.dense({ units: 10, activation: 'softmax' }));
  model.compile({ optimizer: nn.train.adam(0.001), loss: nn.losses.sparseCategoricalCrossentropy({ fromLogits: true }),
    metrics: ['accuracy'] });
  const { xTrain, yTrain, xTest, yTest } = await nn.datasets.mnist.load({ onProgress: (f: number) => void f });
  const history: nn.History = await model.fit(xTrain.div(255), yTrain, { epochs: 5, batchSize: 32,
    validationData: [xTest.div(255), yTest],
    callbacks: [{ onBatchEnd(batch: number, logs?: nn.Logs) { void batch; void logs; } }, nn.callbacks.earlyStopping({ patience: 2 })] });
  const valAccuracy: number[] = history.history.val_accuracy;
  const [loss, acc] = (await model.evaluate(xTest.div(255), yTest)) as number[];
  const probs = await model.predict(xTest.slice([0], [1]).div(255)).data();
  const table: string = await model.summary();
  await model.save('indexeddb://digits');
  const again: nn.Sequential = await nn.loadModel('indexeddb://digits');
  again.stopTraining = true;
  const cnn = nn.sequential({ layers: [
    nn.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu', inputShape: [28, 28, 1] }),
    nn.layers.maxPooling2d({ poolSize: [2, 2] }),
    nn.layers.flatten(),
    nn.layers.dense({ units: 10, activation: 'softmax' }),
  ] });
  cnn.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  await cnn.fit(xTrain.reshape([-1, 28, 28, 1]).div(255), nn.toCategorical(yTrain, 10), { epochs: 3 });
  const toy = nn.sequential();
  toy.add(nn.layers.dense({ units: 10, activation: 'relu', inputShape: [2] }));
  toy.add(nn.layers.dense({ units: 1, activation: 'sigmoid' }));
  toy.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  await toy.fit(nn.tensor2d([[0, 1], [1, 0]]), nn.tensor2d([[1], [0]]), { epochs: 100, batchSize: 10 });
  return valAccuracy.length + loss + acc + probs.length + table.length;
}

void tutorial;
