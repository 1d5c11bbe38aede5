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
  // the time-to-99 % recipe: a schedule, Keras' optimizer arguments, augmentation, milestones
  const fast = nn.sequential({ layers: [
    nn.layers.rescaling({ scale: 1 / 0.3081, offset: -0.1307 / 0.3081, inputShape: [28, 28, 1] }),
    nn.layers.randomTranslation({ heightFactor: 0.1, widthFactor: 0.1 }),
    nn.layers.randomRotation({ factor: 0.05 }),
    nn.layers.randomZoom({ heightFactor: 0.1 }),
    nn.layers.conv2d({ filters: 24, kernelSize: 5, activation: 'relu' }),
    nn.layers.flatten(),
    nn.layers.dense({ units: 10 }),
  ] });
  const cycle = nn.schedules.oneCycle({ maxLearningRate: 0.01 });
  fast.compile({ optimizer: nn.train.adam(cycle, 0.7, 0.9, undefined, { amsgrad: false, clipnorm: 1 }),
    loss: nn.losses.sparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
  const timed = await fast.fit(xTrain.reshape([-1, 28, 28, 1]).div(255), yTrain, { epochs: 1, batchSize: 256,
    validationData: [xTest.reshape([-1, 28, 28, 1]).div(255), yTest], milestones: { thresholds: [0.99], every: 50, samples: 2000 },
    callbacks: [nn.callbacks.reduceLROnPlateau({ factor: 0.5 }), nn.callbacks.earlyStopping({ restoreBestWeights: true }),
      nn.callbacks.learningRateScheduler((epoch: number, rate: number) => rate * 0.9),
      { onMilestone: (m: nn.Milestone) => { console.log(m.threshold, m.seconds); } }] });
  const reachedAt: number = timed.milestones?.[0]?.seconds ?? 0;
  const preset: nn.Sequential = await nn.preset('fast');
  await fast.setLearningRate(0.001);
  nn.schedules.cosineDecay({ initialLearningRate: 0.01, decaySteps: 100, warmupSteps: 10 });
  nn.train.adamw(0.001, 0.9, 0.999, 1e-7, 0.004);
  void preset;
  return valAccuracy.length + loss + acc + probs.length + table.length + reachedAt;
}

void tutorial;
