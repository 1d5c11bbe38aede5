// The "draw a digit" pad: a 280×280 canvas for mouse, touch and pen, a Clear button, and beside it
// the 28×28 image the network actually receives. After each stroke segment (at most once a frame)
// onInput gets the MNIST-preprocessed Float32Array(784); after Clear it gets null.
import { preprocessDrawing, FIELD } from './mnist-preprocess.js';

const SIZE = 280; // logical pad size in CSS px; preprocessing always samples at this resolution
// Stroke width in pad pixels. MNIST's mean ink per class (0: 135, 1: 60, 4: 96, 7: 90 pixel-sums)
// is what a 200 px tall digit drawn here gets with 26–30 px strokes; 20 px gives only ~65 % of it.
// People often draw smaller than 200 px (which thickens the strokes after scaling), hence 24.
const LINE_WIDTH = 24;

export function createDrawPad(container, { onInput = () => {}, lineWidth = LINE_WIDTH } = {}) {
  const { root, canvas, clearButton, preview } = buildDom();
  container.append(root);
  const surfaces = createSurfaces(canvas, lineWidth);
  const previewCtx = preview.getContext('2d');
  let frame = 0;

  const emit = () => {
    frame = 0;
    const pixels = preprocessDrawing(surfaces.sample(), SIZE, SIZE);
    showInput(previewCtx, pixels);
    onInput(pixels);
  };
  const schedule = () => { if (!frame) frame = requestAnimationFrame(emit); };
  const clear = () => {
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    surfaces.clear();
    showInput(previewCtx, null);
    root.classList.remove('nn-draw--inked');
    onInput(null);
  };

  listenForStrokes(canvas, surfaces, () => { root.classList.add('nn-draw--inked'); schedule(); });
  clearButton.addEventListener('click', clear);
  showInput(previewCtx, null);
  return { clear, canvas };
}

function buildDom() {
  const root = el('div', 'nn-draw');
  const padWrap = el('div', 'nn-draw__pad-wrap');
  const canvas = el('canvas', 'nn-draw__pad');
  canvas.setAttribute('aria-label', 'Draw a digit');
  canvas.style.touchAction = 'none'; // inline too, so a phone never scrolls even before the CSS loads
  const hint = el('span', 'nn-draw__hint', 'Draw a digit here');
  hint.setAttribute('aria-hidden', 'true');
  const clearButton = el('button', 'nn-draw__clear', 'Clear');
  clearButton.type = 'button';
  padWrap.append(canvas, hint);

  const figure = el('figure', 'nn-draw__input');
  const preview = el('canvas', 'nn-draw__preview');
  preview.width = preview.height = FIELD;
  preview.setAttribute('role', 'img');
  preview.setAttribute('aria-label', 'Network input');
  figure.append(preview, el('figcaption', 'nn-draw__caption', 'Network input'));

  const side = el('div', 'nn-draw__side');
  side.append(figure, clearButton);
  root.append(padWrap, side);
  return { root, canvas, clearButton, preview };
}

// Two canvases receive every stroke: the visible one, whose backing store is scaled by
// devicePixelRatio so strokes stay crisp, and a hidden SIZE×SIZE one that is sampled for the
// network, so the input does not depend on the screen.
function createSurfaces(canvas, lineWidth) {
  const dpr = Math.max(1, window.devicePixelRatio || 1);
  canvas.width = canvas.height = Math.round(SIZE * dpr);
  const view = canvas.getContext('2d');
  view.setTransform(dpr, 0, 0, dpr, 0, 0);
  const hidden = document.createElement('canvas');
  hidden.width = hidden.height = SIZE;
  const data = hidden.getContext('2d', { willReadFrequently: true });
  const contexts = [view, data];
  for (const ctx of contexts) Object.assign(ctx, { lineWidth, lineCap: 'round', lineJoin: 'round' });
  data.strokeStyle = data.fillStyle = '#000';
  return {
    // The visible ink takes the pad's CSS colour, read per stroke so a theme change applies.
    begin: () => { view.strokeStyle = view.fillStyle = getComputedStyle(canvas).color || '#111'; },
    each: (draw) => contexts.forEach(draw),
    sample: () => data.getImageData(0, 0, SIZE, SIZE).data,
    clear: () => contexts.forEach((ctx) => ctx.clearRect(0, 0, SIZE, SIZE)),
  };
}

// Pointer Events cover mouse, touch and pen alike. One pointer draws at a time; capture keeps the
// stroke going when it leaves the pad. Strokes are smoothed with quadratic curves through the
// midpoints of successive points (coalesced events give every sample the hardware reported).
function listenForStrokes(canvas, surfaces, onSegment) {
  let active = null; // { id, last: {x, y}, mid: {x, y} }

  canvas.addEventListener('pointerdown', (e) => {
    if (active || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    canvas.setPointerCapture(e.pointerId);
    const p = toPad(canvas, e);
    active = { id: e.pointerId, last: p, mid: p };
    surfaces.begin();
    surfaces.each((ctx) => dot(ctx, p)); // a tap leaves a mark
    onSegment();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!active || e.pointerId !== active.id) return;
    const events = e.getCoalescedEvents?.() ?? [];
    for (const ev of events.length ? events : [e]) extend(active, toPad(canvas, ev), surfaces);
    onSegment();
  });
  const end = (e) => {
    if (!active || e.pointerId !== active.id) return;
    const { last, mid } = active;
    surfaces.each((ctx) => segment(ctx, mid, last, last)); // finish the tail up to the last point
    active = null;
    onSegment();
  };
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
  canvas.addEventListener('lostpointercapture', end);
  // Belt and braces with touch-action: none: browsers that still scroll on touchmove are stopped.
  canvas.addEventListener('touchmove', (e) => e.preventDefault(), { passive: false });
  canvas.addEventListener('contextmenu', (e) => e.preventDefault()); // long-press menus interrupt strokes
}

function extend(stroke, p, surfaces) {
  const mid = { x: (stroke.last.x + p.x) / 2, y: (stroke.last.y + p.y) / 2 };
  surfaces.each((ctx) => segment(ctx, stroke.mid, stroke.last, mid));
  stroke.last = p;
  stroke.mid = mid;
}

function segment(ctx, from, control, to) {
  ctx.beginPath();
  ctx.moveTo(from.x, from.y);
  ctx.quadraticCurveTo(control.x, control.y, to.x, to.y);
  ctx.stroke();
}

function dot(ctx, p) {
  ctx.beginPath();
  ctx.arc(p.x, p.y, ctx.lineWidth / 2, 0, 2 * Math.PI);
  ctx.fill();
}

// Event position in logical pad pixels, whatever size CSS gives the canvas (it shrinks on phones);
// measured from the content box, since the border is not part of the drawing.
function toPad(canvas, e) {
  const r = canvas.getBoundingClientRect();
  const x = e.clientX - r.left - canvas.clientLeft, y = e.clientY - r.top - canvas.clientTop;
  return { x: (x * SIZE) / canvas.clientWidth, y: (y * SIZE) / canvas.clientHeight };
}

// Draws the 28×28 network input white on black, as MNIST stores it; null shows an empty input.
function showInput(ctx, pixels) {
  const image = ctx.createImageData(FIELD, FIELD);
  for (let i = 0; i < FIELD * FIELD; i++) {
    image.data.fill(pixels ? Math.round(pixels[i] * 255) : 0, i * 4, i * 4 + 3);
    image.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text) node.textContent = text;
  return node;
}
