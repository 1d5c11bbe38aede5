#!/usr/bin/env node
// Neurite's static server: no dependencies, used by `npm start` and by the browser tests. It
// serves dist/ (scripts/build-dist.sh) as any static host would: the page, the library, the wasm
// builds and the data files.
// It sends COOP/COEP so the page is cross-origin isolated (SharedArrayBuffer, hence the threaded
// build); `--no-isolation` or NEURITE_ISOLATION=0 leaves them out to exercise the fallback.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { Transform } from 'node:stream';
import { stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  // served as opaque bytes: the page decompresses them itself with DecompressionStream
  '.gz': 'application/gzip',
};

// Exact files first, then prefixes; the first match wins.
const FILES = {};
const PREFIXES = [['/', 'dist']];

// 'wasm-unsafe-eval' lets the page compile WebAssembly without allowing eval();
// blob: lets Emscripten's pthread pool start its workers however its glue chooses.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function headersFor(file, size, isolated) {
  const h = {
    'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
    'Content-Length': String(size),
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Content-Security-Policy': CSP,
  };
  if (isolated) {
    h['Cross-Origin-Opener-Policy'] = 'same-origin';
    h['Cross-Origin-Embedder-Policy'] = 'require-corp';
  }
  return h;
}

// Maps a URL path to a file under the repo, or null when it escapes its directory. `routes`
// ({files, prefixes}, same forms as FILES and PREFIXES) come first: the benchmark adds its own.
export function resolvePath(urlPath, routes = {}) {
  let path;
  try { path = decodeURIComponent(urlPath); } catch { return null; }
  if (path.includes('\0')) return null;
  const file = routes.files?.[path] ?? FILES[path];
  if (file) return join(root, file);
  for (const [prefix, dir] of [...(routes.prefixes ?? []), ...PREFIXES]) {
    if (!path.startsWith(prefix)) continue;
    const base = join(root, dir);
    let rel = path.slice(prefix.length);
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = normalize(join(base, rel));
    return file.startsWith(base + sep) ? file : null;
  }
  return null;
}

// Paces a response at about `rate` bytes a second (tests use it to see the loading bar move).
function throttle(rate) {
  const start = Date.now();
  let sent = 0;
  return new Transform({
    highWaterMark: 16 * 1024,
    transform(chunk, _enc, done) {
      sent += chunk.length;
      setTimeout(() => done(null, chunk), Math.max(0, (sent / rate) * 1000 - (Date.now() - start)));
    },
  });
}

async function handle(req, res, { isolated, throttleRate, routes }) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const file = resolvePath(new URL(req.url, 'http://x').pathname, routes);
  const info = file && (await stat(file).catch(() => null));
  if (!info?.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  res.writeHead(200, headersFor(file, info.size, isolated));
  if (req.method === 'HEAD') { res.end(); return; }
  const throttled = throttleRate > 0 && file.endsWith('.gz');
  // big reads for speed (MNIST is 11 MB); small ones when paced, so the bar moves smoothly
  const stream = createReadStream(file, { highWaterMark: (throttled ? 16 : 512) * 1024 }).on('error', () => res.destroy());
  (throttled ? stream.pipe(throttle(throttleRate)) : stream).pipe(res);
}

// Starts the server; port 0 picks a free port. Resolves to { server, port, url, close() }.
// throttleRate (bytes/s) slows the data files down, to watch the loading progress; routes: see resolvePath.
export function startServer({ port = 8080, isolated = true, host = '127.0.0.1', throttleRate = 0, routes } = {}) {
  const server = createServer((req, res) => {
    handle(req, res, { isolated, throttleRate, routes }).catch(() => { if (!res.headersSent) res.writeHead(500); res.end(); });
  });
  return new Promise((resolveStart, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const actual = server.address().port;
      resolveStart({
        server,
        port: actual,
        url: `http://localhost:${actual}/`,
        close: () => new Promise((done) => { server.closeAllConnections?.(); server.close(done); }),
      });
    });
  });
}

async function main() {
  const args = process.argv.slice(2);
  const isolated = !args.includes('--no-isolation') && process.env.NEURITE_ISOLATION !== '0';
  const port = Number(process.env.PORT || 8080);
  // localhost is a secure context, which module workers and SharedArrayBuffer need.
  const { url } = await startServer({ port, isolated, host: process.env.HOST || 'localhost' });
  console.log(`Neurite is running at ${url}${isolated ? '' : ' (not cross-origin isolated: single-threaded)'}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => { console.error(`serve: ${err.message}`); process.exit(1); });
}
