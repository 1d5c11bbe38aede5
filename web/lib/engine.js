// The caller's side of the library's worker: starts it (a module Worker in a browser, a
// worker_threads Worker in Node), matches replies to requests, routes a running fit's events, and
// releases the worker's copy of what the caller has garbage-collected. When the worker dies (a
// wasm abort, out of memory) every pending request fails with a message saying so, and the next
// request starts a fresh worker; what lived in the old one (models, data) is gone.
import { Request, DATA_PROGRESS } from './protocol.js';
import { sizeOf, tensor as makeTensor } from './tensor.js';

const INLINE_BYTES = 1 << 16;  // local data up to this size travels with each request; more moves once

const inBrowser = typeof Worker === 'function' && typeof window !== 'undefined' || typeof WorkerGlobalScope !== 'undefined';

async function spawn(onMessage, onCrash) {
  if (inBrowser) {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }) => onMessage(data);
    worker.onerror = (event) => { event.preventDefault?.(); onCrash(event.message || 'the worker stopped unexpectedly'); };
    worker.onmessageerror = () => onCrash('a message from the worker could not be read');
    return { post: (m, t) => worker.postMessage(m, t), terminate: () => worker.terminate(), hold() {}, letGo() {} };
  }
  const { Worker: NodeWorker } = await import('node:worker_threads');
  const worker = new NodeWorker(new URL('./node-worker.js', import.meta.url));
  worker.on('message', onMessage);
  worker.on('error', (err) => onCrash(err?.message ?? String(err)));
  worker.on('exit', (code) => onCrash(`the worker exited (code ${code})`));
  worker.unref();
  // Node keeps running only while something waits for the worker
  return { post: (m, t) => worker.postMessage(m, t), terminate: () => worker.terminate(), hold: () => worker.ref(), letGo: () => worker.unref() };
}

let engines = 0;

export class Engine {
  #threaded;
  #worker = null;    // a promise of the spawned worker
  #token = null;     // which spawn #worker is: a dead worker's late 'exit' must not end its successor
  #info = null;      // a promise of INIT's answer
  #pending = new Map();
  #listeners = new Map();  // fit id / request id → event handler
  #nextId = 1;
  #released = { tensors: [], models: [] };
  #releaseTimer = null;
  #crashHandlers = new Set();
  #generation = 0;
  #finalizer;

  constructor({ threaded = 'auto' } = {}) {
    this.#threaded = threaded;
    this.name = `engine ${++engines}`;
    this.#finalizer = typeof FinalizationRegistry === 'function'
      ? new FinalizationRegistry(({ kind, id, generation }) => this.#release(kind, id, generation)) : null;
  }

  get generation() { return this.#generation; }
  newId() { return this.#nextId++; }

  // {threaded, simd, registry: {layers, activations, optimizers, losses, metrics, presets}, note?}
  ready() {
    if (!this.#info) {
      this.#info = this.#call(Request.INIT, { threaded: this.#threaded });
      this.#info.catch(() => { this.#info = null; });
    }
    return this.#info;
  }

  // Sent after INIT; the worker answers once the module is up (a data set's download and parsing
  // overlap the module's compilation).
  request(type, payload = {}, transfer = [], { onEvent } = {}) {
    const started = this.ready();
    const call = this.#call(type, payload, transfer, onEvent);
    return Promise.all([started, call]).then(([, result]) => result);
  }

  // Messages that need no answer (a fit's acknowledgements, stop)
  async send(type, payload = {}) {
    const worker = await this.#ensureWorker();
    worker.post({ type, ...payload }, []);
  }

  listen(fitId, handler) { this.#listeners.set(`fit:${fitId}`, handler); }
  unlisten(fitId) { this.#listeners.delete(`fit:${fitId}`); }
  onCrash(handler) { this.#crashHandlers.add(handler); return () => this.#crashHandlers.delete(handler); }

  // `owner` is garbage-collected → the worker forgets `id` (kind: 'tensors' | 'models')
  track(owner, kind, id) { this.#finalizer?.register(owner, { kind, id, generation: this.#generation }, owner); }

  // The wire form of a tensor for a request to this engine: data already in this worker goes by
  // id, small local data inline, larger local data moves to the worker once (the tensor, and every
  // view sharing its values, then refers to the worker's copy).
  async wire(t) {
    await t.settled();
    const { base, offset, shape, divisor, oneHot } = t.view;
    if (base.disposed) throw new Error('this tensor has been disposed');
    if (base.moving) { await base.moving; return this.wire(t); }  // on its way to a worker already
    const view = { offset, shape, divisor, oneHot, dtype: t.storedDtype };
    if (base.engine && base.engine !== this) return this.wire(await copyOf(t));
    if (base.engine === this) {
      if (base.generation !== this.#generation) throw new Error('this tensor\'s data was in the engine that crashed: load it again');
      return { ...view, tensor: base.id };
    }
    const count = oneHot ? shape[0] : sizeOf(shape);
    if (base.values.byteLength <= INLINE_BYTES) return { ...view, offset: 0, values: base.values.slice(offset, offset + count) };
    // moving: set before the first await, so that a second wire of these values waits for this one
    base.moving = (async () => {
      this.ready();
      const id = this.newId();
      const worker = await this.#ensureWorker();
      const values = base.values;
      worker.post({ type: Request.TENSOR_PUT, tensor: id, values, shape: [values.length], dtype: t.storedDtype }, [values.buffer]);
      delete base.values;
      Object.assign(base, { engine: this, id, generation: this.#generation });
      this.track(base, 'tensors', id);
    })();
    try {
      await base.moving;
    } finally {
      delete base.moving;
    }
    return { ...view, tensor: base.id };
  }

  // Tensor.dispose(): the worker forgets the values now
  releaseTensor(base) {
    this.#finalizer?.unregister(base);
    this.#release('tensors', base.id, base.generation);
  }

  async fetchTensor(t) {
    const { values } = await this.request(Request.TENSOR_GET, { view: await this.wire(t) });
    return values;
  }

  // A tensor whose values stay in this worker
  adopt(tensor, id) {
    const base = tensor.view.base;
    Object.assign(base, { engine: this, id, generation: this.#generation });
    this.track(base, 'tensors', id);
    return tensor;
  }

  // tests only: the worker throws outside any handler, as a wasm abort would
  async crash() { (await this.#ensureWorker()).post({ type: Request.CRASH }, []); }

  // Ends the worker; pending requests fail, models and data in it are gone.
  terminate() {
    this.#forget(new Error('the training engine was terminated'));
  }

  #ensureWorker() {
    if (!this.#worker) {
      const token = {};
      this.#token = token;
      this.#worker = spawn((m) => this.#route(m), (reason) => this.#crashed(reason, token));
    }
    return this.#worker;
  }

  async #call(type, payload, transfer = [], onEvent) {
    const worker = await this.#ensureWorker();
    const id = this.newId();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      if (onEvent) this.#listeners.set(`request:${id}`, onEvent);
      worker.hold();
      worker.post({ type, id, ...payload }, transfer);
    });
  }

  #route(msg) {
    if (msg.event) {
      const key = msg.event === DATA_PROGRESS ? `request:${msg.request}` : `fit:${msg.fit}`;
      this.#listeners.get(key)?.(msg);
      return;
    }
    const waiter = this.#pending.get(msg.replyTo);
    if (!waiter) return;
    this.#pending.delete(msg.replyTo);
    this.#listeners.delete(`request:${msg.replyTo}`);
    if (this.#pending.size === 0) this.#worker?.then((w) => { if (this.#pending.size === 0) w.letGo(); });
    if (msg.ok) waiter.resolve(msg.result);
    else waiter.reject(Object.assign(new Error(msg.error.message), { name: msg.error.name === 'RangeError' || msg.error.name === 'TypeError' ? msg.error.name : 'Error' }));
  }

  #crashed(reason, token) {
    if (token !== this.#token || !this.#worker) return;
    const error = new Error(`the training engine crashed: ${reason}`);
    this.#forget(error);
    for (const h of this.#crashHandlers) h(error);
  }

  // The worker is gone: what waits for it fails with `error`, what lived in it is forgotten.
  #forget(error) {
    const dying = this.#worker;
    this.#worker = null;
    this.#token = null;
    this.#info = null;
    this.#generation++;
    dying?.then((w) => w.terminate()).catch(() => {});
    for (const w of this.#pending.values()) w.reject(error);
    this.#pending.clear();
    this.#listeners.clear();
  }

  #release(kind, id, generation) {
    if (generation !== this.#generation) return;  // gone with the worker that held it
    this.#released[kind].push(id);
    this.#releaseTimer ??= setTimeout(() => {
      this.#releaseTimer = null;
      const batch = this.#released;
      this.#released = { tensors: [], models: [] };
      if (this.#worker) this.send(Request.RELEASE, batch).catch(() => {});
    }, 0);
  }
}

async function copyOf(t) {
  return makeTensor(await t.data(), t.shape, t.dtype);
}

let shared = null;
// The engine models use unless they are given one: one worker for the page or process.
export function defaultEngine() {
  shared ??= new Engine();
  return shared;
}
