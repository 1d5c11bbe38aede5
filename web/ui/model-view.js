// The network: `model.summary()` as Keras prints it, and a diagram in the style of Keras'
// plot_model(show_shapes=True): one box per layer with its input and output shapes.
import { part, grouped, setText, svg } from './dom.js';

const BOX = { w: 360, h: 48, gap: 30, left: 150 };

export function shapeText(shape) {
  const dims = (shape ?? []).map((d) => (d == null ? 'None' : String(d)));
  if (dims[0] !== 'None') dims.unshift('None');
  return `(${dims.join(', ')}${dims.length === 1 ? ',' : ''})`;
}

function box(y, title, kind, lines) {
  const { w, h, left } = BOX;
  return svg('g', { transform: `translate(1, ${y})` },
    svg('rect', { width: w, height: h, rx: 6, class: `box box-${kind}` }),
    svg('line', { x1: left, y1: 0, x2: left, y2: h, class: 'divider' }),
    svg('text', { x: 12, y: 20, class: 'name' }, title[0]),
    svg('text', { x: 12, y: 37, class: 'kind' }, title[1]),
    lines.map((t, i) => svg('text', { x: left + 10, y: lines.length === 1 ? 29 : 20 + 17 * i, class: 'shape' }, t)),
  );
}

function arrow(y) {
  const x = BOX.w / 2 + 1;
  return svg('line', { x1: x, y1: y + 2, x2: x, y2: y + BOX.gap - 4, class: 'arrow', 'marker-end': 'url(#arrowhead)' });
}

export function diagram(info) {
  const rows = [{ title: ['input', 'InputLayer'], kind: 'input', lines: [`shape: ${shapeText(info.inputShape)}`] }];
  let previous = info.inputShape;
  for (const l of info.layers) {
    const params = l.params ? ` · ${grouped(l.params)} params` : '';
    rows.push({ title: [l.name, `${l.className}${params}`], kind: l.className.toLowerCase(),
      lines: [`in:  ${shapeText(previous)}`, `out: ${shapeText(l.outputShape)}`] });
    previous = l.outputShape;
  }
  const height = rows.length * (BOX.h + BOX.gap) - BOX.gap + 2;
  return svg('svg', { viewBox: `0 0 ${BOX.w + 2} ${height}`, width: BOX.w + 2, height, role: 'img', 'aria-label': 'Diagram of the network' },
    svg('defs', {}, svg('marker', { id: 'arrowhead', viewBox: '0 0 10 10', refX: 8, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto' },
      svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrowhead' }))),
    rows.map((r, i) => {
      const y = i * (BOX.h + BOX.gap) + 1;
      return [box(y, r.title, r.kind, r.lines), i < rows.length - 1 ? arrow(y + BOX.h) : null];
    }),
  );
}

function originText(model) {
  switch (model.origin) {
    case 'preview': return 'Preview of the model you will train (not trained yet).';
    case 'trained': return 'The model trained in this page.';
    case 'restored': return model.savedName
      ? `Restored model from ${new Date(model.savedAt).toLocaleString()}: “${model.savedName}”, kept in this browser.`
      : `Restored model from ${new Date(model.savedAt).toLocaleString()}.`;
    case 'file': return `Loaded from ${model.fileName ?? 'a model file'}.`;
    default: return '';
  }
}

export function createModelView(root) {
  const summary = part(root, 'model-summary');
  const picture = part(root, 'model-diagram');
  const origin = part(root, 'model-origin');
  let shown = null;
  return {
    render(state) {
      const m = state.model;
      if (m === shown) return;
      shown = m;
      setText(origin, m ? originText(m) : 'Choose a model to see its layers.');
      setText(summary, m?.summary ?? '');
      picture.replaceChildren(...(m ? [diagram(m)] : []));
    },
  };
}
