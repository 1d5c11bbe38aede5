// The layer editor: the whole stack of layers, each a Conv2D (filters, kernel size, strides, padding,
// activation), MaxPooling2D / AveragePooling2D (pool size, strides), Flatten, Dense (units,
// activation), Dropout (rate) or Activation. It reads a preset's Keras topology and writes one back.
//
// The input shape goes on the first layer as Keras' batch_input_shape, as a Keras user would write
// input_shape=...: [28, 28] when the stack starts with Flatten (the MLP tutorial), [28, 28, 1] when
// it starts with a Conv2D or pooling layer (the CNN tutorial's one colour channel); the worker then
// gives the model its images in that shape (x_train[..., tf.newaxis]).
import { h } from './dom.js';

const PADDINGS = ['valid', 'same'];  // Keras' two

const DEFAULTS = {
  Conv2D: { filters: 32, kernelSize: 3, strides: 1, padding: 'valid', activation: 'relu' },
  MaxPooling2D: { poolSize: 2, strides: 2 },
  AveragePooling2D: { poolSize: 2, strides: 2 },
  Flatten: {},
  Dense: { units: 64, activation: 'relu' },
  Dropout: { rate: 0.2 },
  Activation: { activation: 'softmax' },
};
// The layers this editor has a form for; each must be one the core knows (tests/js/library.test.mjs).
export const EDITOR_LAYERS = Object.freeze(Object.keys(DEFAULTS));
const POOLING = ['MaxPooling2D', 'AveragePooling2D'];
const TAKES_CHANNELS = ['Conv2D', ...POOLING];

// float32 values from the core (0.2 arrives as 0.20000000298) shown as a person typed them
const tidy = (x) => Number(Number(x).toPrecision(6));
// Keras writes sizes as [3, 3]; the editor edits square windows
const side = (v, fallback) => (Array.isArray(v) ? v[0] : v ?? fallback);
const pair = (n) => [n, n];

function rowFromLayer(l) {
  const c = l.config ?? {};
  switch (l.class_name) {
    case 'Conv2D':
      return { type: 'Conv2D', filters: c.filters, kernelSize: side(c.kernel_size), strides: side(c.strides, 1),
        padding: c.padding ?? 'valid', activation: c.activation ?? 'linear' };
    case 'MaxPooling2D': case 'AveragePooling2D': {
      const poolSize = side(c.pool_size, 2);
      return { type: l.class_name, poolSize, strides: side(c.strides, poolSize) };
    }
    case 'Flatten': return { type: 'Flatten' };
    case 'Dense': return { type: 'Dense', units: c.units, activation: c.activation ?? 'linear' };
    case 'Dropout': return { type: 'Dropout', rate: tidy(c.rate) };
    case 'Activation': return { type: 'Activation', activation: c.activation };
    default: return { type: l.class_name, raw: l };
  }
}

function layerFromRow(r) {
  switch (r.type) {
    case 'Conv2D':
      return { class_name: 'Conv2D', config: { filters: r.filters, kernel_size: pair(r.kernelSize), strides: pair(r.strides),
        padding: r.padding, activation: r.activation } };
    case 'MaxPooling2D': case 'AveragePooling2D':
      return { class_name: r.type, config: { pool_size: pair(r.poolSize), strides: pair(r.strides), padding: 'valid' } };
    case 'Flatten': return { class_name: 'Flatten', config: {} };
    case 'Dense': return { class_name: 'Dense', config: { units: r.units, activation: r.activation } };
    case 'Dropout': return { class_name: 'Dropout', config: { rate: r.rate } };
    case 'Activation': return { class_name: 'Activation', config: { activation: r.activation } };
    default: return structuredClone(r.raw);
  }
}

// Keras config → editor rows; layers the editor cannot edit (Reshape, ...) are kept read-only.
export function rowsFromTopology(topology) {
  return (topology?.config?.layers ?? []).map(rowFromLayer);
}

// The per-sample input shape the first row takes.
export function inputShapeFor(rows, imageShape = [28, 28]) {
  // a layer the editor cannot edit (the fast preset's Rescaling) says its own input shape
  const declared = rows[0]?.raw?.config?.batch_input_shape;
  if (declared) return declared.slice(1);
  return TAKES_CHANNELS.includes(rows[0]?.type) ? [...imageShape, 1] : [...imageShape];
}

export function topologyFromRows(rows, imageShape = [28, 28]) {
  const layers = rows.map(layerFromRow);
  if (layers.length && !rows[0].raw?.config?.batch_input_shape) {
    layers[0].config = { batch_input_shape: [null, ...inputShapeFor(rows, imageShape)], ...layers[0].config };
  }
  return { class_name: 'Sequential', config: { name: 'sequential', layers } };
}

const whole = (v, lo, hi) => Number.isInteger(v) && v >= lo && v <= hi;

// What is wrong with one row's numbers, or null.
function rowProblem(r) {
  if (r.type === 'Conv2D') {
    if (!whole(r.filters, 1, 512)) return 'needs a whole number of filters from 1 to 512';
    if (!whole(r.kernelSize, 1, 28)) return 'needs a kernel size from 1 to 28';
    if (!whole(r.strides, 1, 28)) return 'needs strides from 1 to 28';
  }
  if (POOLING.includes(r.type)) {
    if (!whole(r.poolSize, 1, 28)) return 'needs a pool size from 1 to 28';
    if (!whole(r.strides, 1, 28)) return 'needs strides from 1 to 28';
  }
  if (r.type === 'Dense' && !whole(r.units, 1, 4096)) return 'needs a whole number of units from 1 to 4096';
  if (r.type === 'Dropout' && !(r.rate >= 0 && r.rate < 1)) return 'needs a rate from 0 to just under 1';
  return null;
}

// Returns a sentence saying what is wrong, or null when the layers can classify `classes` classes.
// Whether the shapes fit together (a Conv2D after Flatten) only the core can tell: see setProblem.
export function checkRows(rows, classes = 10) {
  if (!rows.length) return 'the model needs at least one layer';
  for (const [i, r] of rows.entries()) {
    const problem = rowProblem(r);
    if (problem) return `layer ${i + 1} (${r.type}) ${problem}`;
  }
  const dense = rows.filter((r) => r.type === 'Dense');
  if (!dense.length) return 'the model needs at least one Dense layer';
  const last = dense[dense.length - 1];
  if (last.units !== classes) return `the last Dense layer needs ${classes} units, one per class (it has ${last.units})`;
  return null;
}

// The core names layers as Keras does (conv2d, conv2d_1, max_pooling2d, ...); the editor numbers them.
function layerNames(rows) {
  const seen = new Map();
  return rows.map((r) => {
    const base = r.type.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().replace(/(\d)_d$/, '$1d');
    const k = seen.get(base) ?? 0;
    seen.set(base, k + 1);
    return k ? `${base}_${k}` : base;
  });
}

// The core's message in the editor's words: "Conv2D 'conv2d_1' needs images ..." becomes "layer 5
// (Conv2D) needs images ...", with a hint when an image layer comes after the image was flattened.
export function explainProblem(message, rows) {
  const names = layerNames(rows);
  let text = message.replace(/(\w+) '(\w+)'/, (whole, type, name) => {
    const i = names.indexOf(name);
    return i >= 0 && rows[i].type === type ? `layer ${i + 1} (${type})` : whole;
  });
  if (/needs images of shape/.test(text)) {
    text += '. Conv2D and pooling layers work on images: put them before Flatten and Dense, which turn the image into one row of numbers';
  }
  return text;
}

function select(options, value, label, onchange) {
  return h('select', { 'aria-label': label, onchange },
    options.map((o) => h('option', { value: o, selected: o === value }, o)));
}

// A number field with a short visible caption ("filters 32").
function numberField(caption, value, attrs, onchange) {
  return h('label', { class: 'mini' }, caption,
    h('input', { type: 'number', value, inputmode: 'decimal', ...attrs, onchange }));
}

// vocabulary: the core's registry ({layers, activations}), known once the engine has started
export function createLayerEditor(container, { onChange }) {
  let rows = [];
  let activations = ['linear'];
  let imageShape = [28, 28];
  const list = h('ol', { class: 'layers' });
  const input = h('span', { class: 'layer-input' });
  const problem = h('p', { class: 'layer-problem', 'data-ui': 'layer-problem', role: 'status', 'aria-live': 'polite', hidden: true });
  let addType = select(EDITOR_LAYERS, 'Dense', 'Type of layer to add');
  const addButton = h('button', { type: 'button', class: 'secondary small', onclick: () => add(addType.value) }, 'Add layer');
  container.append(
    h('p', { class: 'layer-first' }, h('span', { class: 'layer-kind' }, 'Input'), input),
    list,
    problem,
    h('div', { class: 'row' }, addType, addButton),
  );

  function changed() {
    render();
    onChange(rows);
  }

  function add(type) {
    rows = [...rows, { type, ...DEFAULTS[type] }];
    changed();
  }

  function update(i, patch) {
    rows = rows.map((r, j) => (j === i ? { ...r, ...patch } : r));
    changed();
  }

  function remove(i) {
    rows = rows.filter((_, j) => j !== i);
    changed();
  }

  // One input per setting; `n` names the layer for screen readers and tests ("Filters of layer 1").
  function fields(r, i) {
    const n = i + 1;
    const num = (caption, key, label, attrs) => numberField(caption, r[key], { step: 1, 'aria-label': `${label} of layer ${n}`, ...attrs },
      (e) => update(i, { [key]: Number(e.target.value) }));
    const activation = () => select(activations, r.activation, `Activation of layer ${n}`, (e) => update(i, { activation: e.target.value }));
    switch (r.type) {
      case 'Conv2D': return [
        num('filters', 'filters', 'Filters', { min: 1, max: 512 }),
        num('kernel', 'kernelSize', 'Kernel size', { min: 1, max: 28 }),
        num('stride', 'strides', 'Strides', { min: 1, max: 28 }),
        select(PADDINGS, r.padding, `Padding of layer ${n}`, (e) => update(i, { padding: e.target.value })),
        activation(),
      ];
      case 'MaxPooling2D': case 'AveragePooling2D': return [
        num('pool', 'poolSize', 'Pool size', { min: 1, max: 28 }),
        num('stride', 'strides', 'Strides', { min: 1, max: 28 }),
      ];
      case 'Flatten': return [h('span', { class: 'hint' }, 'image → one row of numbers')];
      case 'Dense': return [num('units', 'units', 'Units', { min: 1, max: 4096 }), activation()];
      case 'Dropout': return [numberField('rate', r.rate, { min: 0, max: 0.95, step: 0.05, 'aria-label': `Dropout rate of layer ${n}` },
        (e) => update(i, { rate: Number(e.target.value) }))];
      case 'Activation': return [activation()];
      default: return [h('span', { class: 'hint' }, '(not editable here)')];
    }
  }

  function render() {
    input.textContent = ` ${inputShapeFor(rows, imageShape).join('×')}` +
      (inputShapeFor(rows, imageShape).length === 3 ? ' image, one channel' : ' image');
    list.replaceChildren(...rows.map((r, i) => h('li', { class: 'layer' },
      h('span', { class: 'layer-kind' }, r.type),
      h('span', { class: 'layer-fields' }, fields(r, i)),
      h('button', { type: 'button', class: 'quiet', 'aria-label': `Remove layer ${i + 1} (${r.type})`, title: 'Remove', onclick: () => remove(i) }, '×'),
    )));
  }

  render();
  return {
    setVocabulary(registry) {
      activations = registry.activations;
      const fresh = select(EDITOR_LAYERS.filter((t) => registry.layers.includes(t)), addType.value, 'Type of layer to add');
      addType.replaceWith(fresh);
      addType = fresh;
      render();
    },
    setRows(next) { rows = next.map((r) => ({ ...r })); render(); },
    rows: () => rows,
    setFirstLabel(shape) {
      if (shape.join() === imageShape.join()) return; // called on every render of the page
      imageShape = shape;
      render();
    },
    // Why the layers cannot be built (the core's message, numbered as here), or null when they can.
    setProblem(text) {
      problem.hidden = !text;
      problem.textContent = text ? `These layers cannot be built: ${explainProblem(text, rows)}.` : '';
    },
    setDisabled(disabled) {
      for (const el of container.querySelectorAll('input, select, button')) el.disabled = disabled;
    },
  };
}
