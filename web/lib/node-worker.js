// The library's Node worker thread: the host (host.js) with Node's ways to load the wasm module
// (the CommonJS build beside the library, ../wasm/neurite-node[-relaxed].js) and to open data (a file path).
import { parentPort } from 'node:worker_threads';
import { openAsBlob } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost } from './host.js';
import { openFile } from './idx.js';

async function loadApi() {
  const { loadNeurite, relaxedSimdSupported } = await import('../wasm/api.mjs');
  // Node 20 validates relaxed SIMD only with --experimental-wasm-relaxed-simd; newer Nodes do by default
  const name = relaxedSimdSupported() ? 'neurite-node-relaxed' : 'neurite-node';
  const moduleUrl = new URL(`../wasm/${name}.js`, import.meta.url);
  const factory = createRequire(import.meta.url)(fileURLToPath(moduleUrl));
  // Emscripten 3.1.6's loader fetch()es its .wasm path whenever fetch exists: give it the bytes
  const wasmBinary = await readFile(new URL(`../wasm/${name}.wasm`, import.meta.url));
  return { api: await loadNeurite({ moduleFactory: factory, moduleOptions: { wasmBinary } }), threaded: false };
}

async function open(source) {
  if (typeof source === 'string') {
    const path = source.startsWith('file:') ? fileURLToPath(source) : source;
    try {
      const blob = await openAsBlob(path);
      return { ...openFile(blob), name: basename(path) };
    } catch (err) {
      throw new Error(`${path}: cannot open file (${err.code ?? err.message})`);
    }
  }
  const bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : source;
  return openFile(new Blob([bytes]));
}

const schedule = (fn) => setImmediate(fn);
const host = createHost({ post: (msg, transfer = []) => parentPort.postMessage(msg, transfer), loadApi, open, schedule });
parentPort.on('message', (msg) => host.handle(msg));
