// What checkpoints cost a training as the page runs one: the library's model.fit of the tutorial
// MLP on MNIST, 4 epochs, with the page's checkpoint option (IndexedDB at each epoch's end and every
// 20 s) and without, alternating, in the single-threaded build; medians of the fits' wall times.
// Runs inside the served trainer page (once it is ready to train and idle), importing the library.
import { startServer } from '../../scripts/serve.mjs';
import { READY_MARK } from './startup.mjs';
import { median } from './stats.mjs';

async function alternatingFits(rounds) {
  const nn = await import('/neurite.js');
  const { xTrain, yTrain } = await nn.datasets.mnist.load();
  const x = xTrain.div(255);
  const fits = [];
  for (let round = 0; round < rounds; round++) {
    for (const checkpoint of [false, true]) {
      const model = nn.sequential({ seed: 1, layers: [nn.layers.flatten({ inputShape: [28, 28] }),
        nn.layers.dense({ units: 128, activation: 'relu' }), nn.layers.dropout({ rate: 0.2 }), nn.layers.dense({ units: 10 })] });
      model.compile({ optimizer: 'adam', loss: nn.losses.sparseCategoricalCrossentropy({ fromLogits: true }) });
      await model.ready();
      let written = 0;
      const started = performance.now();
      await model.fit(x, yTrain, { epochs: 4, batchSize: 32,
        ...(checkpoint ? { checkpoint: { id: 'bench-checkpoint-cost', everySeconds: 20 } } : {}),
        callbacks: { onCheckpoint() { written++; } } });
      fits.push({ checkpoint, seconds: (performance.now() - started) / 1000, written });
      model.dispose();
    }
  }
  return fits;
}

export async function benchCheckpointCost(browser, { rounds }, log) {
  const server = await startServer({ port: 0, isolated: false });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, READY_MARK, { timeout: 60000 });
    const fits = await page.evaluate(alternatingFits, rounds);
    const of = (checkpoint) => fits.filter((f) => f.checkpoint === checkpoint);
    const result = { rounds, fits, withoutSeconds: median(of(false).map((f) => f.seconds)),
      withSeconds: median(of(true).map((f) => f.seconds)), checkpointsPerFit: of(true)[0]?.written ?? 0 };
    log(`  4 epochs of the mlp: ${result.withoutSeconds.toFixed(2)} s without checkpoints, ${result.withSeconds.toFixed(2)} s `
      + `with ${result.checkpointsPerFit} (medians of ${rounds})`);
    return result;
  } finally {
    await context.close();
    await server.close();
  }
}
