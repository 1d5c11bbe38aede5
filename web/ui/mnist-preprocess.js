// Turns a drawing into a network input the way MNIST itself was made (LeCun et al.): the ink is
// cropped to its bounding box, scaled so its longer side is 20 px (aspect kept, area-averaged so
// edges become grey levels), and placed in a 28×28 field so its centre of mass sits at the centre.
//
// Centring: MNIST shifted each digit by whole pixels. Measured on the 10,000 test digits, every
// centre of mass (in pixel-index coordinates, pixel (x, y) at (x, y)) lies in [13.5, 14.5], i.e.
// the centre of mass was rounded onto pixel (14, 14). We do the same: shift by
// round(14 − centre of mass), so the result's centre of mass is within 0.5 px of (14, 14) and a
// real MNIST digit drawn large comes back pixel for pixel (tests/js/preprocess.test.mjs).
//
// Pure functions, no DOM: the drawing pad, the worker and Node tests all share them.

export const FIELD = 28; // MNIST images are 28×28
export const BOX = 20; // the longer side of the digit after scaling
export const CENTRE = 14; // where the centre of mass goes, in pixel-index coordinates

// The whole pipeline: RGBA pixels (canvas ImageData.data) → Float32Array(784), 1 = ink, 0 = paper.
export function preprocessDrawing(rgba, width, height) {
  return preprocessInk(inkFromRgba(rgba, width, height), width, height);
}

// Same pipeline from ink values in [0, 1] (one per pixel, row-major).
export function preprocessInk(ink, width, height) {
  const box = boundingBox(ink, width, height);
  if (!box) return new Float32Array(FIELD * FIELD); // nothing drawn: all paper
  return placeByCentreOfMass(scaleToBox(ink, width, box));
}

// How much ink each pixel holds, in [0, 1]. The paper colour is estimated as the per-channel median
// of the border pixels, and ink is the largest channel distance from it, colours being composited
// over white (so transparent = white paper). That treats black, coloured and anti-aliased ink alike
// on a transparent, white, off-white or even dark pad. The strongest ink is then scaled to 1: NIST's
// scans were binary, so MNIST's darkest ink is full intensity whatever pen drew it.
export function inkFromRgba(rgba, width, height) {
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`preprocessDrawing: expected ${width}×${height}×4 = ${width * height * 4} RGBA bytes, got ${rgba.length}`);
  }
  const [pr, pg, pb] = paperColour(rgba, width, height);
  const ink = new Float32Array(width * height);
  const clear = Math.max(Math.abs(65025 - pr), Math.abs(65025 - pg), Math.abs(65025 - pb));
  let strongest = 0;
  for (let p = 0, i = 0; p < ink.length; p++, i += 4) {
    const a = rgba[i + 3]; // small-integer maths: this loop runs over every pixel
    const d = a === 0 ? clear : Math.max(Math.abs(over(a, rgba[i]) - pr), Math.abs(over(a, rgba[i + 1]) - pg),
      Math.abs(over(a, rgba[i + 2]) - pb));
    ink[p] = d;
    if (d > strongest) strongest = d;
  }
  if (strongest > 0) for (let p = 0; p < ink.length; p++) ink[p] /= strongest;
  return ink;
}

// A channel of alpha a composited over white, times 255 to stay an integer.
const over = (a, c) => 65025 - a * (255 - c);

// Median colour of the border pixels (as over() gives it): the paper, unless over half the border is ink.
function paperColour(rgba, width, height) {
  const channels = [[], [], []];
  const add = (x, y) => {
    const i = (y * width + x) * 4;
    for (let c = 0; c < 3; c++) channels[c].push(over(rgba[i + 3], rgba[i + c]));
  };
  for (let x = 0; x < width; x++) { add(x, 0); add(x, height - 1); }
  for (let y = 1; y < height - 1; y++) { add(0, y); add(width - 1, y); }
  return channels.map((v) => v.sort((a, b) => a - b)[v.length >> 1]);
}

// Smallest rectangle holding every pixel with any ink, or null when there is none. Each row is
// scanned inwards from both ends, so no pixel is read twice.
export function boundingBox(values, width, height) {
  let x0 = width, y0 = -1, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let left = 0, right = width - 1;
    while (left < width && values[row + left] === 0) left++;
    if (left === width) continue; // a row without ink
    while (values[row + right] === 0) right--;
    x0 = Math.min(x0, left);
    x1 = Math.max(x1, right);
    if (y0 < 0) y0 = y;
    y1 = y;
  }
  return y0 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

// Ink-weighted mean position in pixel-index coordinates, or null when there is no ink.
export function centreOfMass(values, width, height) {
  let mass = 0, sx = 0, sy = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = values[y * width + x];
      mass += v; sx += v * x; sy += v * y;
    }
  }
  return mass > 0 ? { x: sx / mass, y: sy / mass } : null;
}

// Box-filter resampling of the cropped ink so its longer side becomes BOX px: each output pixel is
// the mean ink over the area it covers (exact fractional overlaps), so a partly covered pixel gets
// a grey level, as in MNIST. Separable: along rows first, then down columns.
export function scaleToBox(ink, width, box) {
  const long = Math.max(box.width, box.height);
  const cols = overlaps(box.width, long), rows = overlaps(box.height, long);
  const w = cols.size, h = rows.size, across = new Float32Array(box.height * w);
  for (let y = 0; y < box.height; y++) {
    const src = (box.y + y) * width + box.x, dst = y * w;
    for (let x = 0; x < box.width; x++) {
      const v = ink[src + x];
      if (v === 0) continue;
      for (let k = x * cols.stride; k < (x + 1) * cols.stride; k++) across[dst + cols.index[k]] += v * cols.weight[k];
    }
  }
  const pixels = new Float32Array(w * h);
  for (let y = 0; y < box.height; y++) {
    for (let k = y * rows.stride; k < (y + 1) * rows.stride; k++) {
      const dst = rows.index[k] * w, wy = rows.weight[k];
      for (let x = 0; x < w; x++) pixels[dst + x] += across[y * w + x] * wy;
    }
  }
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.min(1, pixels[i]); // rounding can overshoot 1
  return { pixels, width: w, height: h };
}

// For n source pixels mapped onto n·BOX/long output pixels: which output pixels source pixel i
// overlaps, and by how much (in output pixels), at index/weight[i·stride + k]; unused slots weigh 0.
// Positions are i·BOX/long, computed so that i = n lands exactly on the edge (no
// 20.000000000000004 spilling into a 21st pixel).
function overlaps(n, long) {
  const at = (i) => (i * BOX) / long;
  const size = Math.max(1, Math.ceil(at(n) - 1e-9)), stride = Math.ceil(BOX / long) + 1;
  const index = new Int32Array(n * stride), weight = new Float64Array(n * stride);
  for (let i = 0; i < n; i++) {
    const a = at(i), b = at(i + 1);
    for (let j = Math.floor(a), k = i * stride; j < b && j < size; j++, k++) {
      index[k] = j;
      weight[k] = Math.min(j + 1, b) - Math.max(j, a);
    }
  }
  return { size, stride, index, weight };
}

// Places the scaled digit in the 28×28 field, shifted by whole pixels so its centre of mass lands
// on pixel (14, 14) (see the note at the top); anything pushed past the edge is dropped, as in MNIST.
export function placeByCentreOfMass({ pixels, width, height }) {
  const field = new Float32Array(FIELD * FIELD);
  const com = centreOfMass(pixels, width, height);
  if (!com) return field;
  const dx = Math.round(CENTRE - com.x), dy = Math.round(CENTRE - com.y);
  for (let y = 0; y < height; y++) {
    const fy = y + dy;
    if (fy < 0 || fy >= FIELD) continue;
    for (let x = 0; x < width; x++) {
      const fx = x + dx;
      if (fx >= 0 && fx < FIELD) field[fy * FIELD + fx] = pixels[y * width + x];
    }
  }
  return field;
}
