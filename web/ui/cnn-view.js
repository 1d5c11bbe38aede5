// "What the CNN sees": the first Conv2D layer's learned filters, one small image per kernel (blue
// negative, white zero, red positive, each kernel on its own scale so that its pattern shows), and
// the feature maps the drawn digit produces in that layer and after the pooling layer behind it
// (grey levels, each map on its own scale, so weak maps still show their pattern).
import { h, setText } from './dom.js';

const MAX_SHOWN = 64;     // kernels or maps drawn; a wider layer shows its first 64
const GAP = 3;            // pixels between tiles
const FILTER_TILE = 36;   // a 3×3 kernel drawn 36 px wide
const MAP_TILE = 54;      // a 26×26 map drawn ~54 px wide (whole multiples keep pixels square)

// A grid of tiles on one canvas; `shade(tile, y, x)` gives [r, g, b] for a tile's cell.
function paintTiles(canvas, { count, rows, cols, tile }, shade) {
  const scale = Math.max(1, Math.floor(tile / Math.max(rows, cols)));
  const w = cols * scale, hgt = rows * scale;
  const perRow = Math.min(count, 8);
  const lines = Math.ceil(count / perRow);
  canvas.width = perRow * (w + GAP) - GAP;
  canvas.height = lines * (hgt + GAP) - GAP;
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(canvas.width, canvas.height);
  const px = image.data;
  for (let t = 0; t < count; t++) {
    const left = (t % perRow) * (w + GAP), top = Math.floor(t / perRow) * (hgt + GAP);
    for (let y = 0; y < hgt; y++) {
      for (let x = 0; x < w; x++) {
        const [r, g, b] = shade(t, Math.floor(y / scale), Math.floor(x / scale));
        const at = 4 * ((top + y) * canvas.width + left + x);
        px[at] = r; px[at + 1] = g; px[at + 2] = b; px[at + 3] = 255;
      }
    }
  }
  ctx.putImageData(image, 0, 0);
}

// -1 → blue, 0 → white, +1 → red
function diverging(v) {
  const a = Math.min(1, Math.abs(v));
  const fade = Math.round(255 * (1 - a));
  return v >= 0 ? [255, fade, fade] : [fade, fade, 255];
}

// kernel: {shape: [kh, kw, in, out], values}; input channel 0 (MNIST has one).
function paintFilters(canvas, { shape: [kh, kw, inputs, outputs], values }) {
  const count = Math.min(outputs, MAX_SHOWN);
  const weight = (f, i, j) => values[((i * kw + j) * inputs) * outputs + f];
  const scale = new Float32Array(count);
  for (let f = 0; f < count; f++) {
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) scale[f] = Math.max(scale[f], Math.abs(weight(f, i, j)));
  }
  const tile = count <= 16 ? 2 * FILTER_TILE : FILTER_TILE; // a few filters get room to be seen
  paintTiles(canvas, { count, rows: kh, cols: kw, tile }, (f, i, j) => diverging(weight(f, i, j) / (scale[f] || 1)));
  return count;
}

// maps: {shape: [h, w, channels], values} in NHWC order
function paintMaps(canvas, { shape: [mh, mw, channels], values }) {
  const count = Math.min(channels, MAX_SHOWN);
  const low = new Float32Array(count).fill(Infinity), high = new Float32Array(count).fill(-Infinity);
  for (let p = 0; p < mh * mw; p++) {
    for (let c = 0; c < count; c++) {
      const v = values[p * channels + c];
      low[c] = Math.min(low[c], v);
      high[c] = Math.max(high[c], v);
    }
  }
  paintTiles(canvas, { count, rows: mh, cols: mw, tile: MAP_TILE }, (c, y, x) => {
    const span = high[c] - low[c];
    const g = span > 0 ? Math.round(255 * (values[(y * mw + x) * channels + c] - low[c]) / span) : 0;
    return [g, g, g];
  });
  return count;
}

// A captioned canvas; show() sizes the figure to the painted canvas so the caption wraps to it
// (and a narrow screen scales both down).
function figure(label, kind) {
  const canvas = h('canvas', { class: `cnn-tiles cnn-tiles--${kind}`, role: 'img', 'aria-label': label });
  const caption = h('figcaption', {});
  const root = h('figure', { class: 'cnn-figure', hidden: true }, caption, canvas);
  return {
    root, canvas,
    show(text) {
      root.hidden = false;
      root.style.width = `${canvas.width}px`;
      setText(caption, text);
    },
  };
}

export function createCnnView(container) {
  const hint = h('p', { class: 'hint', 'data-ui': 'cnn-hint' });
  const filters = figure('Learned filters', 'filters');
  const maps = [figure('Feature maps', 'maps'), figure('Feature maps after pooling', 'maps')];
  container.append(hint, h('div', { class: 'cnn-figures' }, filters.root, ...maps.map((m) => m.root)));

  const shownOf = (n, total) => (n < total ? `, the first ${n} of ${total}` : '');

  // inspection: the worker's INSPECTION message ({filters, maps}), or null for no model.
  function update(inspection) {
    const kernel = inspection?.filters;
    for (const f of [filters, ...maps]) f.root.hidden = true; // show() reveals what this inspection has
    if (!kernel) {
      setText(hint, inspection ? 'This model has no Conv2D layer. Choose the cnn or lenet preset to see what a CNN sees.'
        : 'Train or load a model with a Conv2D layer to see its filters.');
      return;
    }
    const [kh, kw, , outputs] = kernel.shape;
    const n = paintFilters(filters.canvas, kernel);
    filters.show(`${outputs} filters of ${kernel.layer}, ${kh}×${kw} each${shownOf(n, outputs)}: red weights are positive, blue negative`);
    inspection.maps.forEach((m, i) => {
      const [mh, mw, channels] = m.shape;
      const k = paintMaps(maps[i].canvas, m);
      maps[i].show(`Your drawing in ${m.layer} (${m.className}): ${channels} maps of ${mh}×${mw}${shownOf(k, channels)}`);
    });
    setText(hint, inspection.maps.length
      ? 'Each filter slides over your drawing; its feature map (same place in the grid) is bright where it found its pattern.'
      : 'Draw a digit to see the feature maps it produces.');
  }

  update(null);
  return { update };
}
