// The browser benchmark's pure helpers (bench/browser/stats.mjs, config.mjs, native.mjs parsers,
// simd-peak.mjs's module): the numbers and tables `npm run bench` prints come out of these.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SCHEMA, compareResults, interleave, median, ratio, schemaProblems, table, timedBatchesFor, times,
} from '../../bench/browser/stats.mjs';
import { parseArgs } from '../../bench/browser/config.mjs';
import { parseEpochRates, parseNativeGemm } from '../../bench/browser/native.mjs';
import { simdPeakModule } from '../../bench/browser/simd-peak.mjs';

test('bench.median_of_odd_even_and_missing', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([5, NaN, 1, 3]), 3);
  assert.ok(Number.isNaN(median([])));
});

test('bench.ratio_is_nan_without_a_peer_figure', () => {
  assert.equal(ratio(300, 100), 3);
  assert.ok(Number.isNaN(ratio(300, 0)));
  assert.ok(Number.isNaN(ratio(300, undefined)));
  assert.equal(times(3.14159), '3.14×');
  assert.equal(times(123.4), '123×');
  assert.equal(times(NaN), '—');
});

test('bench.timed_batches_follow_the_warm_up_rate_within_bounds', () => {
  const bounds = { targetSeconds: 2, min: 2, max: 4000 };
  assert.equal(timedBatchesFor(500, bounds), 1000);
  assert.equal(timedBatchesFor(0.3, bounds), 2);     // a slow peer: never fewer than min
  assert.equal(timedBatchesFor(1e6, bounds), 4000);
  assert.equal(timedBatchesFor(NaN, bounds), 2);
});

test('bench.runs_alternate_between_engines', () => {
  assert.deepEqual(interleave(['a', 'b', 'c'], 2).map((r) => `${r.engine}${r.round}`), ['a0', 'b0', 'c0', 'a1', 'b1', 'c1']);
});

test('bench.table_aligns_columns', () => {
  const text = table(['engine', 'samples/s'], [['Neurite', '12,345'], ['TF.js cpu', '150']]);
  assert.equal(text, [
    '| engine    | samples/s |',
    '|-----------|----------:|',
    '| Neurite   |    12,345 |',
    '| TF.js cpu |       150 |',
  ].join('\n'));
});

function results(rate, gflops) {
  return {
    schema: SCHEMA, startedAt: '2026-01-01T00:00:00.000Z',
    training: [
      { workload: 'mlp', engine: 'neurite', status: 'ok', runs: [rate], samplesPerSecond: rate },
      { workload: 'cnn', engine: 'tfjs-wasm', status: 'cannot train', error: "Kernel 'Conv2DBackpropFilter' not registered" },
    ],
    kernels: { simdPeakGflops: 40, gemm: [{ name: 'mlp forward', gflops }] },
  };
}

test('bench.results_schema_and_comparison', () => {
  assert.deepEqual(schemaProblems(results(1000, 10)), []);
  assert.match(schemaProblems({ ...results(1000, 10), schema: 'other' }).join(), /schema/);
  assert.match(schemaProblems({ ...results(1000, 10), training: [{ workload: 'mlp', engine: 'x', status: 'fast' }] }).join(), /status/);
  const change = compareResults(results(1000, 10), results(1500, 12));
  assert.deepEqual(change.training.map((t) => [t.engine, t.change]), [['neurite', 0.5]]);
  assert.ok(Math.abs(change.gemm[0].change - 0.2) < 1e-12);
});

test('bench.command_line', () => {
  const config = parseArgs(['--runs', '3', '--workloads', 'mlp,cnn', '--engines', 'neurite,convnetjs']);
  assert.equal(config.runs, 3);
  assert.deepEqual(config.workloads, ['mlp', 'cnn']);
  assert.throws(() => parseArgs(['--workloads', 'resnet']), /unknown resnet/);
  assert.throws(() => parseArgs(['--runs', '0']), /--runs must be a number >= 1/);
  assert.throws(() => parseArgs(['--fast']), /unknown option --fast/);
});

test('bench.native_output_parsers', () => {
  const cli = 'epoch 1/3  loss 0.5  1000 samples/s  (1.0 s)\nepoch 2/3  loss 0.3  2000 samples/s  (0.5 s)\n'
    + 'epoch 3/3  loss 0.2  2200 samples/s  (0.4 s)\n';
  assert.deepEqual(parseEpochRates(cli), [2000, 2200]);
  const gemm = '| dense1 dX dY*W^T   | No,Yes   | 32x784x128   |          21.8 |              0.44 |    50.0x |';
  assert.deepEqual(parseNativeGemm(gemm), [{ name: 'dense1 dX dY*W^T', transA: false, transB: true, m: 32, n: 784, k: 128, gflops: 21.8 }]);
});

test('bench.simd_peak_module_is_valid_wasm', async () => {
  const bytes = simdPeakModule();
  assert.ok(WebAssembly.validate(bytes));
  const { instance } = await WebAssembly.instantiate(bytes);
  // acc → 0.999·acc + 0.001 from 0.5, twelve chains summed: each stays in (0.5, 1)
  const sum = instance.exports.peak(10);
  assert.ok(sum > 6 && sum < 12, `sum of the chains ${sum}`);
});

test('bench.time_to_accuracy_rows', async () => {
  const { parseMilestones } = await import('../../bench/browser/time-to-accuracy.mjs');
  const { timeToAccuracyTable } = await import('../../bench/browser/report.mjs');
  const out = 'epoch 1/1  loss 0.2266  val_accuracy 0.9903\n'
    + 'reached 98 % after 10.5 s (epoch 1, batch 145): accuracy 0.9845 on 2000 test images\n'
    + 'reached 99 % after 16.9 s (epoch 1, batch 232): accuracy 0.9905 on 2000 test images\n';
  const milestones = parseMilestones(out);
  assert.deepEqual(milestones[1], { threshold: 0.99, seconds: 16.9, epoch: 0, batch: 232, accuracy: 0.9905 });
  const text = timeToAccuracyTable({ timeToAccuracy: [
    { preset: 'fast', where: 'native ×2', batchSize: 256, milestones, epochsRun: 1, maxEpochs: 1, fitSeconds: 18.2, probeAccuracy: 0.9903 },
    { preset: 'lenet', where: 'Chromium, wasm', batchSize: 32, milestones: milestones.slice(0, 1), epochsRun: 5, maxEpochs: 5, fitSeconds: 200, testAccuracy: 0.9895, thresholds: [0.98, 0.99, 0.994] },
    { preset: 'fast', where: 'Chromium, wasm pthreads', error: 'worker failed' }] });
  assert.match(text, /\| fast +\| native ×2 +\| +256 \| 10\.5 s \(epoch 1, batch 145\) +\| 16\.9 s \(epoch 1, batch 232\) \| \(not timed\) +\| +1 of 1 \| +18 s \| 99\.03 %/);
  assert.match(text, /lenet .* not reached .* not reached .* 200 s \| 98\.95 %/);
  assert.match(text, /to 98 % .* to 99 % .* to 99\.4 %/, 'a column for every threshold asked');
  assert.match(text, /error: worker failed/);
  assert.deepEqual(schemaProblems({ schema: SCHEMA, startedAt: 'now', training: [], config: { onlyTimeToAccuracy: true },
    timeToAccuracy: [{ preset: 'fast', where: 'x' }] }), ['timeToAccuracy[0]: milestones or an error']);
});
