// scripts/serve.mjs (it serves dist/): the routes, MIME types and isolation headers the page depends on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { resolvePath, startServer } from '../../scripts/serve.mjs';

// A GET whose path goes out exactly as given: { status, body }.
function rawGet(base, rawPath) {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(base);
    http.get({ hostname, port, path: rawPath }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c) => { body += c; }).on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });
}

let isolated, plain;
before(async () => {
  isolated = await startServer({ port: 0 });
  plain = await startServer({ port: 0, isolated: false });
});
after(async () => { await isolated.close(); await plain.close(); });

test('serve.page_with_isolation_headers', async () => {
  const res = await fetch(isolated.url);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/html/);
  assert.equal(res.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(res.headers.get('cross-origin-embedder-policy'), 'require-corp');
  assert.equal(res.headers.get('cross-origin-resource-policy'), 'same-origin');
  assert.match(res.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval'/);
});

test('serve.no_isolation_switch', async () => {
  const res = await fetch(plain.url);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('cross-origin-opener-policy'), null);
  assert.equal(res.headers.get('cross-origin-embedder-policy'), null);
});

test('serve.mime_types_and_routes', async () => {
  const js = await fetch(new URL('app.js', isolated.url));
  assert.match(js.headers.get('content-type'), /^text\/javascript/);
  const vendor = await fetch(new URL('vendor/uPlot.esm.js', isolated.url));
  assert.equal(vendor.status, 200);
  const missing = await fetch(new URL('nope.html', isolated.url));
  assert.equal(missing.status, 404);
});

test('serve.no_escape_from_the_served_folders', async () => {
  assert.equal(resolvePath('/../package.json'), null);
  assert.equal(resolvePath('/%2e%2e/package.json'), null);
  assert.equal(resolvePath('/wasm/..%2f..%2fpackage.json'), null);
  assert.match(resolvePath('/wasm/api.mjs'), /dist\/wasm\/api\.mjs$/);
  assert.match(resolvePath('/neurite.js'), /dist\/neurite\.js$/);
  assert.match(resolvePath('/data/mnist/x.gz'), /dist\/data\/mnist\/x\.gz$/);
  // fetch would normalise the dots away (WHATWG URLs); a raw request sends them as written. The
  // server's URL parsing may fold them into web/package.json, never into the repository's own.
  const repoPackage = fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  for (const raw of ['/%2e%2e/package.json', '/wasm/..%2f..%2fpackage.json', '/../package.json', '/wasm/../../package.json']) {
    const { status, body } = await rawGet(isolated.url, raw);
    assert.ok(status === 404 || body !== repoPackage, `${raw} served the repository's package.json`);
  }
});

// The CSP's script-src has no 'unsafe-eval': any eval or Function constructor in what the page
// loads would fail in the browser (and would be a way to run strings as code).
test('serve.dist_has_no_eval_or_function_constructor', () => {
  const dist = new URL('../../dist/', import.meta.url);
  const offenders = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const at = new URL(entry.name + (entry.isDirectory() ? '/' : ''), dir);
      if (entry.isDirectory()) walk(at);
      else if (/\.(m?js)$/.test(entry.name)) {
        const text = fs.readFileSync(at, 'utf8');
        for (const m of text.matchAll(/\beval\s*\(|\bnew\s+Function\s*\(|[^.\w]Function\s*\(/g)) offenders.push(`${at.pathname}: ${m[0]}`);
      }
    }
  };
  walk(dist);
  assert.ok(fs.readdirSync(new URL('wasm/', dist)).some((f) => f.endsWith('.mjs')), 'dist/ is built');
  assert.deepEqual(offenders, []);
});
