// The benchmark page: starts one Worker per engine and relays requests to it. bench/browser/run.mjs
// drives it through window.bench; the page itself does no measuring apart from memory, which only a
// window can ask about for all its workers (performance.measureUserAgentSpecificMemory).
const engines = new Map();  // key → { worker, pending: Map(id → {resolve, reject}) }
let nextId = 1;

function onMessage(key, { data }) {
  const engine = engines.get(key);
  if (data.fatal) {
    for (const { reject } of engine.pending.values()) reject(new Error(data.fatal));
    engine.failed = data.fatal;
    engine.ready.reject(new Error(data.fatal));
    return;
  }
  if (data.ready) { engine.ready.resolve(); return; }
  const request = engine.pending.get(data.id);
  engine.pending.delete(data.id);
  if (data.error) request.reject(new Error(data.error));
  else request.resolve(data.result);
}

function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

window.bench = {
  crossOriginIsolated: self.crossOriginIsolated,

  // script: a worker script under /bench/workers/; the key goes into its URL so that memory
  // measurements can be attributed to it.
  async start(key, script, type) {
    const worker = new Worker(`/bench/workers/${script}?engine=${encodeURIComponent(key)}`, { type });
    const engine = { worker, pending: new Map(), ready: deferred() };
    engines.set(key, engine);
    worker.onmessage = (e) => onMessage(key, e);
    worker.onerror = (e) => onMessage(key, { data: { fatal: e.message || 'worker failed to load' } });
    await engine.ready.promise;
  },

  call(key, command, args) {
    const engine = engines.get(key);
    if (engine.failed) return Promise.reject(new Error(engine.failed));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      engine.pending.set(id, { resolve, reject });
      engine.worker.postMessage({ id, command, args });
    });
  },

  stop(key) {
    engines.get(key)?.worker.terminate();
    engines.delete(key);
  },

  // Bytes per worker key: the sum of the breakdown entries attributed to that worker's URL; null
  // when the browser cannot measure, or does not answer within timeoutMs.
  async workerMemory(timeoutMs = 15000) {
    if (typeof performance.measureUserAgentSpecificMemory !== 'function') return null;
    const timeout = new Promise((resolve) => setTimeout(() => resolve(null), timeoutMs));
    const measured = await Promise.race([performance.measureUserAgentSpecificMemory(), timeout]);
    if (!measured) return null;
    const { breakdown } = measured;
    const perKey = {};
    for (const { bytes, attribution } of breakdown) {
      for (const { url } of attribution ?? []) {
        const key = url && new URL(url).searchParams.get('engine');
        if (key) perKey[key] = (perKey[key] ?? 0) + bytes;
      }
    }
    return perKey;
  },
};
document.body.dataset.ready = 'true';
