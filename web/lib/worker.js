// The library's browser Worker: the host (host.js) with the browser's ways to load the wasm module
// (the threaded build on a cross-origin-isolated page, else the single-threaded one) and to open
// data (a URL beside the library, or a File / Blob / ArrayBuffer a person picked).
import { createHost } from './host.js';
import { openFile, openUrl } from './idx.js';

async function loadApi(threaded) {
  const { loadNeurite } = await import('../wasm/api.mjs');
  const isolated = self.crossOriginIsolated === true;
  if (threaded === false || !isolated) {
    if (threaded === true) throw new Error('the threaded build needs a cross-origin-isolated page (COOP/COEP headers)');
    return { api: await loadNeurite({ threaded: false }), threaded: false };
  }
  try {
    return { api: await loadNeurite({ threaded: true }), threaded: true };
  } catch (err) {
    // a threaded build that fails to start must not cost the person the page
    return { api: await loadNeurite({ threaded: false }), threaded: false, note: `threaded build failed: ${err.message}` };
  }
}

function open(source) {
  if (typeof source === 'string') return openUrl(new URL(source, self.location.href).href);
  if (source instanceof Blob) return openFile(source);
  const bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : source;
  return openFile(new Blob([bytes]));
}

// A MessageChannel round trip yields to the event loop without setTimeout's 4 ms clamp.
const channel = new MessageChannel();
const queue = [];
channel.port1.onmessage = () => queue.shift()?.();
const schedule = (fn) => { queue.push(fn); channel.port2.postMessage(null); };

const host = createHost({ post: (msg, transfer = []) => self.postMessage(msg, transfer), loadApi, open, schedule });
self.onmessage = ({ data }) => host.handle(data);
