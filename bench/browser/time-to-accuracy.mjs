// Time to accuracy: wall time from the first batch until the accuracy on a held-out slice of the test
// set first reaches 98 %, 99 % and 99.4 %, probed every few batches with the probes' own time counted,
// for presets trained as their recipes say (fast: one epoch under a one-cycle schedule; lenet: Keras'
// tutorial, five epochs; best: the fast recipe over eight). In Chromium through the library (dist/neurite.js, single-threaded and
// pthreads builds) and natively through the CLI (NEURITE_THREADS=1 and 2). Each recipe runs to its
// end (stopping at the first 99 % on the slice would cut a one-cycle schedule short and report a
// model that is not the recipe's), so the table also says what accuracy the recipe ends with.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const TIME_TO_ACCURACY = {
  presets: ['fast', 'lenet', 'best'],
  thresholds: [0.98, 0.99, 0.994],
  // test images 4,000-5,999: half from MNIST's cleaner first 5,000, half from its harder last 5,000
  probe: { offset: 4000, samples: 2000 },
  probesPerEpoch: 12,
  seed: 1,
};

const BROWSER_BUILDS = [{ key: 'st', label: 'Chromium, wasm', threaded: false },
  { key: 'mt', label: 'Chromium, wasm pthreads', threaded: true }];

export async function browserTimeToAccuracy(bench, log, settings = TIME_TO_ACCURACY) {
  const rows = [];
  for (const preset of settings.presets) {
    for (const build of BROWSER_BUILDS) {
      const key = `tta/${preset}/${build.key}`;
      log(`  ${preset}, ${build.label}`);
      try {
        await bench.start(key, { script: 'neurite-lib.mjs', type: 'module', options: { threaded: build.threaded } });
        const info = await bench.call(key, 'init', { threaded: build.threaded });
        const run = await bench.call(key, 'timeToAccuracy', { preset, seed: settings.seed, thresholds: settings.thresholds,
          probe: settings.probe, probesPerEpoch: settings.probesPerEpoch });
        rows.push({ where: build.label, threads: info.threads, thresholds: settings.thresholds, ...run });
      } catch (err) {
        rows.push({ where: build.label, preset, error: String(err?.message ?? err).split('\n')[0] });
      } finally {
        await bench.stop(key).catch(() => {});
      }
    }
  }
  return rows;
}

// "reached 99 % after 16.9 s (epoch 1, batch 232): accuracy 0.9905 on 2000 test images"
export function parseMilestones(output) {
  return [...output.matchAll(/^reached ([\d.]+) % after ([\d.]+) s \(epoch (\d+), batch (\d+)\): accuracy ([\d.]+)/gm)]
    .map((m) => ({ threshold: Number(m[1]) / 100, seconds: Number(m[2]), epoch: Number(m[3]) - 1, batch: Number(m[4]),
      accuracy: Number(m[5]) }));
}

export function nativeTimeToAccuracy(root, log, settings = TIME_TO_ACCURACY) {
  const cli = path.join(root, 'build/native/neurite');
  const rows = [];
  for (const preset of settings.presets) {
    for (const threads of [1, 2]) {
      log(`  ${preset}, native ×${threads}`);
      // the CLI probes 12 times an epoch, as settings.probesPerEpoch does in the browser
      const args = ['train', '--preset', preset, '--seed', String(settings.seed), '--data', 'build/data/mnist',
        '--milestones', settings.thresholds.join(',')];
      const started = Date.now();
      const out = spawnSync(cli, args, { cwd: root, encoding: 'utf8', env: { ...process.env, NEURITE_THREADS: String(threads) } });
      if (out.status !== 0) { rows.push({ where: `native ×${threads}`, preset, error: out.stderr.trim().split('\n')[0] }); continue; }
      const epochs = [...out.stdout.matchAll(/^epoch \d+\/(\d+).*val_accuracy ([\d.]+)/gm)];
      const [, every, batchSize] = /^milestones: probing .* every (\d+) batches of (\d+)/m.exec(out.stdout) ?? [];
      rows.push({ where: `native ×${threads}`, threads, preset, thresholds: settings.thresholds, batchSize: Number(batchSize), every: Number(every),
        milestones: parseMilestones(out.stdout),
        epochsRun: epochs.length, maxEpochs: Number(epochs[0]?.[1]), fitSeconds: (Date.now() - started) / 1000,
        probeAccuracy: Number(epochs.at(-1)?.[2]),
        command: `NEURITE_THREADS=${threads} build/native/neurite ${args.join(' ')}` });
    }
  }
  return rows;
}
