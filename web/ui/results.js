// Test results: the accuracy, precision/recall/F1 per class, the confusion matrix and a
// gallery of misclassified test images.
import { datasets } from '../neurite.js';

const DATASETS = datasets.catalog;
import { part, grouped, h, percent } from './dom.js';

function classNames(source, n) {
  return DATASETS[source]?.classes ?? Array.from({ length: n }, (_, i) => String(i));
}

function headline(ev) {
  const total = ev.matrix.flat().reduce((a, b) => a + b, 0);
  const wrong = total - ev.matrix.reduce((s, row, i) => s + row[i], 0);
  return h('div', { class: 'headline' },
    h('div', { class: 'big-number' },
      h('output', { 'aria-label': 'Test accuracy', 'data-ui': 'test-accuracy' }, percent(ev.accuracy)),
      h('span', { class: 'big-label' }, 'test accuracy')),
    h('p', { class: 'hint' },
      `${grouped(total - wrong)} of ${grouped(total)} test images right, ${grouped(wrong)} wrong · test loss ${ev.loss.toFixed(4)}`,
      ev.note ? h('br') : null, ev.note ?? null));
}

function metricsTable(ev, names) {
  const support = ev.matrix.map((row) => row.reduce((a, b) => a + b, 0));
  const cell = (x) => h('td', { class: 'num' }, Number.isFinite(x) ? x.toFixed(3) : '–');
  return h('table', { class: 'metrics' },
    h('caption', {}, 'Per class'),
    h('thead', {}, h('tr', {}, ['class', 'precision', 'recall', 'F1', 'images'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, names.map((name, i) => h('tr', {},
      h('th', { scope: 'row' }, name), cell(ev.precision[i]), cell(ev.recall[i]), cell(ev.f1[i]),
      h('td', { class: 'num' }, grouped(support[i]))))));
}

// Cells are shaded by their share of the row (of the true class), so mistakes stand out even
// when they are a handful among a thousand.
function confusionTable(ev, names) {
  const short = names.map((n) => (n.length > 3 ? n.slice(0, 3) : n));
  return h('table', { class: 'confusion', 'aria-label': 'Confusion matrix' },
    h('caption', {}, 'Confusion matrix (rows: true class, columns: predicted)'),
    h('thead', {}, h('tr', {}, h('th', {}, ''), short.map((n, j) => h('th', { scope: 'col', title: names[j] }, n)))),
    h('tbody', {}, ev.matrix.map((row, i) => {
      const total = row.reduce((a, b) => a + b, 0) || 1;
      return h('tr', {}, h('th', { scope: 'row', title: names[i] }, short[i]), row.map((count, j) => {
        const td = h('td', { title: `true ${names[i]}, predicted ${names[j]}: ${count}` }, count ? String(count) : '');
        const share = count / total;
        if (count) td.classList.add(i === j ? 'hit' : 'miss');
        td.style.setProperty('--share', i === j ? String(share) : String(Math.min(1, Math.sqrt(share * 8))));
        return td;
      }));
    })));
}

// Dark ink on light paper, like the drawing pad, so the mistakes read like handwriting.
function thumbnail(pixels, [hgt, w]) {
  const canvas = h('canvas', { width: w, height: hgt, class: 'thumb' });
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(w, hgt);
  for (let i = 0; i < pixels.length; i++) {
    const v = 255 - pixels[i];
    img.data.set([v, v, v, 255], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}

function gallery(ev, names) {
  if (!ev.misclassified?.length) return null;
  return h('div', { class: 'gallery-wrap' },
    h('h3', {}, `Mistakes (the first ${ev.misclassified.length})`),
    h('ul', { class: 'gallery', 'aria-label': 'Misclassified test images' }, ev.misclassified.map((m) => h('li', { title: `test image #${m.index}` },
      thumbnail(m.pixels, ev.imageShape),
      h('span', { class: 'pred' }, `says ${names[m.predicted]}`),
      h('span', { class: 'truth' }, `is ${names[m.truth]}`),
    ))));
}

export function createResultsView(root) {
  const body = part(root, 'evaluation-body');
  let shown = null;
  return {
    render(state) {
      const ev = state.evaluation;
      const key = ev ?? (state.phase === 'done' ? 'evaluating' : 'empty');
      if (key === shown) return;
      shown = key;
      if (!ev) {
        const text = key === 'evaluating' ? 'Evaluating on the test set…'
          : 'Train a model to see how it does on test images it has never seen.';
        body.replaceChildren(h('p', { class: 'hint' }, text));
        return;
      }
      const names = classNames(ev.source, ev.matrix.length);
      body.replaceChildren(headline(ev),
        h('div', { class: 'tables' }, metricsTable(ev, names), confusionTable(ev, names)),
        gallery(ev, names));
    },
  };
}
