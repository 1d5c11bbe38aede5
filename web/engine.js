// The page's handle on the training worker: sends messages, matches replies to requests by id,
// and restarts the worker when it crashes (the page then reloads the last saved model).
import { FromWorker } from './protocol.js';

const MAX_RESTARTS = 3;        // within RESTART_WINDOW_MS; past that, a restart loop helps nobody
const RESTART_WINDOW_MS = 30000;

export function createEngine({ onMessage, onCrash }) {
  let worker = null;
  let nextId = 1;
  const pending = new Map();
  const restarts = [];

  function start() {
    worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = ({ data }) => route(data);
    worker.onerror = (event) => crashed(event);
    worker.onmessageerror = () => onMessage({ type: FromWorker.ERROR, during: 'message', message: 'a message from the worker could not be read' });
  }

  function route(msg) {
    const waiter = msg.replyTo != null && pending.get(msg.replyTo);
    if (!waiter) { onMessage(msg); return; }
    pending.delete(msg.replyTo);
    if (msg.type === FromWorker.ERROR) waiter.reject(new Error(msg.message));
    else waiter.resolve(msg);
  }

  function crashed(event) {
    event.preventDefault?.();
    const reason = event.message || 'the worker stopped unexpectedly';
    worker.terminate();
    for (const w of pending.values()) w.reject(new Error(`the training engine crashed: ${reason}`));
    pending.clear();
    const now = Date.now();
    while (restarts.length && now - restarts[0] > RESTART_WINDOW_MS) restarts.shift();
    const restart = restarts.length < MAX_RESTARTS;
    if (restart) { restarts.push(now); start(); }
    onCrash({ reason, restarted: restart });
  }

  return {
    start,
    send(msg, transfer = []) { worker.postMessage(msg, transfer); },
    request(msg, transfer = []) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ ...msg, id }, transfer);
      });
    },
  };
}
