// Saving and loading models in the TF.js Layers format (model.json + one little-endian float32
// weights file) through TF.js' URL schemes: indexeddb://name, downloads://name, file://dir (Node),
// an http(s) or relative URL of a model.json, the File objects of an <input type="file">, or a
// TF.js IOHandler ({ save(artifacts) } / { load() }).
import { idbStore } from './idb.js';

const models = idbStore('neurite-models', 'models');

function scheme(url) {
  const m = /^([a-z]+):\/\/(.*)$/.exec(url);
  return m ? { scheme: m[1], path: m[2] } : { scheme: null, path: url };
}

// The manifest pointed at one weights file of this name
function withWeightsPath(modelJson, path) {
  const json = structuredClone(modelJson);
  if (json.weightsManifest?.length === 1) json.weightsManifest[0].paths = [path];
  return json;
}

// TF.js' ModelArtifactsInfo, and (an addition of ours) the model's user-defined metadata
function artifactsInfo(modelJson, weights, dateSaved = Date.now()) {
  return { dateSaved: new Date(dateSaved), modelTopologyType: 'JSON',
    modelTopologyBytes: JSON.stringify(modelJson.modelTopology).length, weightDataBytes: weights.byteLength,
    ...(modelJson.userDefinedMetadata ? { userDefinedMetadata: modelJson.userDefinedMetadata } : {}) };
}

// TF.js' ModelArtifacts, for an IOHandler of TF.js' own
function tfjsArtifacts({ modelJson, weights }) {
  return { modelTopology: modelJson.modelTopology, format: modelJson.format, generatedBy: modelJson.generatedBy,
    convertedBy: modelJson.convertedBy ?? null, trainingConfig: modelJson.trainingConfig,
    weightSpecs: (modelJson.weightsManifest ?? []).flatMap((g) => g.weights), weightData: weights };
}

function fromTfjsArtifacts(a) {
  const weights = Array.isArray(a.weightData) ? concat(a.weightData.map((b) => new Uint8Array(b))).buffer : a.weightData;
  return { modelJson: { modelTopology: a.modelTopology, format: a.format, generatedBy: a.generatedBy, trainingConfig: a.trainingConfig,
    ...(a.userDefinedMetadata ? { userDefinedMetadata: a.userDefinedMetadata } : {}),
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs ?? [] }] }, weights };
}

function download(name, blob) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

async function nodeFs() {
  const [{ mkdir, readFile, writeFile }, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  return { mkdir, readFile, writeFile, path };
}

// artifacts.dateSaved (ms), when given, is kept: a copy or a rename does not make a model newer.
export async function saveArtifacts(artifacts, destination) {
  const { modelJson, weights } = artifacts;
  const dateSaved = artifacts.dateSaved ?? Date.now();
  if (destination && typeof destination.save === 'function') return destination.save(tfjsArtifacts(artifacts));
  if (typeof destination !== 'string') throw new TypeError('save: give a URL (indexeddb://name, downloads://name, file://dir) or an IOHandler');
  const { scheme: kind, path } = scheme(destination);
  if (kind === 'indexeddb') {
    if (!path) throw new Error('save: indexeddb:// needs a name (indexeddb://my-model)');
    await models.put(path, { modelJson, weights, dateSaved });
  } else if (kind === 'downloads') {
    if (typeof document === 'undefined') throw new Error('save: downloads:// needs a page; in a Worker or in Node use indexeddb:// or file://dir');
    const name = path || 'model';
    download(`${name}.json`, new Blob([JSON.stringify(withWeightsPath(modelJson, `${name}.weights.bin`))], { type: 'application/json' }));
    download(`${name}.weights.bin`, new Blob([weights], { type: 'application/octet-stream' }));
  } else if (kind === 'file') {
    const fs = await nodeFs();
    await fs.mkdir(path, { recursive: true });
    await fs.writeFile(fs.path.join(path, 'model.json'), JSON.stringify(withWeightsPath(modelJson, 'weights.bin')));
    await fs.writeFile(fs.path.join(path, 'weights.bin'), new Uint8Array(weights));
  } else {
    throw new Error(`save: cannot save to '${destination}' (use indexeddb://name, downloads://name or file://dir)`);
  }
  return { modelArtifactsInfo: artifactsInfo(modelJson, weights, dateSaved) };
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.byteLength, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.byteLength; }
  return out;
}

const weightPaths = (json) => (json.weightsManifest ?? []).flatMap((g) => g.paths ?? []);

function parseModelJson(text, name) {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${name} is not valid JSON (${err.message})`);
  }
}

async function fetchBytes(url) {
  let res;
  try { res = await fetch(url); } catch (err) { throw new Error(`${url}: could not be fetched (${err.message})`); }
  if (!res.ok) throw new Error(`${url}: the server answered ${res.status} ${res.statusText}`.trim());
  return new Uint8Array(await res.arrayBuffer());
}

async function fromUrl(url) {
  const json = parseModelJson(new TextDecoder().decode(await fetchBytes(url)), url);
  const parts = await Promise.all(weightPaths(json).map((p) => fetchBytes(new URL(p, url).href)));
  return { modelJson: json, weights: concat(parts).buffer };
}

async function fromFileDir(path) {
  const fs = await nodeFs();
  const file = path.endsWith('.json') ? path : fs.path.join(path, 'model.json');
  let text;
  try { text = await fs.readFile(file, 'utf8'); } catch (err) { throw new Error(`${file}: cannot open file (${err.code})`); }
  const json = parseModelJson(text, file);
  const parts = await Promise.all(weightPaths(json).map(async (p) => {
    const at = fs.path.join(fs.path.dirname(file), p);
    try { return new Uint8Array(await fs.readFile(at)); } catch (err) { throw new Error(`${at}: cannot open the weights file (${err.code})`); }
  }));
  return { modelJson: json, weights: concat(parts).buffer };
}

// model.json and its .bin files picked together; TF.js may split the weights over several files,
// joined here in the manifest's order.
async function fromFiles(files) {
  const list = [...files];
  const jsonFile = list.find((f) => f.name.toLowerCase().endsWith('.json'));
  if (!jsonFile) throw new Error('choose the model.json file together with its weights file (.bin)');
  const bins = list.filter((f) => f !== jsonFile);
  const json = parseModelJson(await jsonFile.text(), jsonFile.name);
  if (!bins.length) throw new Error(`choose the weights file (.bin) together with ${jsonFile.name}`);
  const order = weightPaths(json).map((p) => p.split('/').pop());
  const rank = (f) => { const i = order.indexOf(f.name); return i < 0 ? order.length : i; };
  const parts = await Promise.all(bins.sort((a, b) => rank(a) - rank(b)).map(async (f) => new Uint8Array(await f.arrayBuffer())));
  return { modelJson: json, weights: concat(parts).buffer, name: jsonFile.name };
}

// {modelJson, weights: ArrayBuffer} from any source save() writes to, or files / an IOHandler
export async function loadArtifacts(source) {
  if (source && typeof source.load === 'function') return fromTfjsArtifacts(await source.load());
  if (source && typeof source !== 'string' && typeof source[Symbol.iterator] === 'function') return fromFiles(source);
  if (typeof source !== 'string') throw new TypeError('loadModel: give a URL, indexeddb://name, file://path, the File objects of an <input>, or an IOHandler');
  const { scheme: kind, path } = scheme(source);
  if (kind === 'indexeddb') {
    const record = await models.get(path);
    if (!record) throw new Error(`indexeddb://${path}: no model is saved under that name`);
    return { modelJson: record.modelJson, weights: record.weights, dateSaved: record.dateSaved };
  }
  if (kind === 'file') return fromFileDir(path);
  const base = typeof location !== 'undefined' ? location.href : undefined;
  return fromUrl(new URL(source, base).href);
}

// TF.js' tf.io.listModels / removeModel / copyModel / moveModel for indexeddb:// (a copy or a move
// may also go to downloads:// or file://). listModels gives each model's ModelArtifactsInfo, with
// its userDefinedMetadata (model.setUserDefinedMetadata) when it has some.
export async function listModels() {
  const out = {};
  for (const [key, record] of await models.entries()) out[`indexeddb://${key}`] = artifactsInfo(record.modelJson, record.weights, record.dateSaved);
  return out;
}

function storedName(url, what) {
  const { scheme: kind, path } = scheme(String(url));
  if (kind !== 'indexeddb' || !path) throw new Error(`${what}: give a model kept in this browser (indexeddb://name), not '${url}'`);
  return path;
}

export async function removeModel(url) {
  const name = storedName(url, 'removeModel');
  const record = await models.get(name);
  if (record === undefined) throw new Error(`removeModel: no model is saved as ${url}`);
  await models.delete(name);
  return artifactsInfo(record.modelJson, record.weights, record.dateSaved);
}

export async function copyModel(sourceUrl, destinationUrl) {
  if (sourceUrl === destinationUrl) throw new Error(`copyModel: the source and the destination are the same (${sourceUrl})`);
  const { modelArtifactsInfo } = await saveArtifacts(await loadArtifacts(sourceUrl), destinationUrl);
  return modelArtifactsInfo;
}

// The copy is written before the source is deleted, so a failed move loses nothing.
export async function moveModel(sourceUrl, destinationUrl) {
  storedName(sourceUrl, 'moveModel');
  const info = await copyModel(sourceUrl, destinationUrl);
  await models.delete(storedName(sourceUrl, 'moveModel'));
  return info;
}
