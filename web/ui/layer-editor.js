// The layer editor: the layers after Flatten, each a Dense (units, activation), Dropout (rate)
// or Activation layer. It reads a preset's Keras topology and writes one back.
import { ACTIVATIONS, EDITABLE_LAYERS } from '../protocol.js';
import { h } from './dom.js';

const DEFAULTS = {
  Dense: { units: 64, activation: 'relu' },
  Dropout: { rate: 0.2 },
  Activation: { activation: 'softmax' },
};

// float32 values from the core (0.2 arrives as 0.20000000298) shown as a person typed them
const tidy = (x) => Number(Number(x).toPrecision(6));

// Keras config → editor rows; layers the editor cannot edit are kept read-only.
export function rowsFromTopology(topology) {
  const layers = topology?.config?.layers ?? [];
  return layers.filter((l) => l.class_name !== 'Flatten').map((l) => {
    const c = l.config ?? {};
    if (l.class_name === 'Dense') return { type: 'Dense', units: c.units, activation: c.activation ?? 'linear' };
    if (l.class_name === 'Dropout') return { type: 'Dropout', rate: tidy(c.rate) };
    if (l.class_name === 'Activation') return { type: 'Activation', activation: c.activation };
    return { type: l.class_name, raw: l };
  });
}

export function topologyFromRows(rows, imageShape = [28, 28]) {
  const layers = [{ class_name: 'Flatten', config: { batch_input_shape: [null, ...imageShape] } }];
  for (const r of rows) {
    if (r.type === 'Dense') layers.push({ class_name: 'Dense', config: { units: r.units, activation: r.activation } });
    else if (r.type === 'Dropout') layers.push({ class_name: 'Dropout', config: { rate: r.rate } });
    else if (r.type === 'Activation') layers.push({ class_name: 'Activation', config: { activation: r.activation } });
    else layers.push(r.raw);
  }
  return { class_name: 'Sequential', config: { name: 'sequential', layers } };
}

// Returns a sentence saying what is wrong, or null when the layers can classify `classes` classes.
export function checkRows(rows, classes = 10) {
  for (const [i, r] of rows.entries()) {
    if (r.type === 'Dense' && !(Number.isInteger(r.units) && r.units >= 1 && r.units <= 4096)) {
      return `layer ${i + 2} (Dense) needs a whole number of units from 1 to 4096`;
    }
    if (r.type === 'Dropout' && !(r.rate >= 0 && r.rate < 1)) return `layer ${i + 2} (Dropout) needs a rate from 0 to just under 1`;
  }
  const dense = rows.filter((r) => r.type === 'Dense');
  if (!dense.length) return 'the model needs at least one Dense layer';
  const last = dense[dense.length - 1];
  if (last.units !== classes) return `the last Dense layer needs ${classes} units, one per class (it has ${last.units})`;
  return null;
}

function select(options, value, label, onchange) {
  return h('select', { 'aria-label': label, onchange },
    options.map((o) => h('option', { value: o, selected: o === value }, o)));
}

function numberInput(value, attrs, onchange) {
  return h('input', { type: 'number', value, inputmode: 'decimal', ...attrs, onchange });
}

export function createLayerEditor(container, { onChange }) {
  let rows = [];
  const list = h('ol', { class: 'layers', start: 2 });
  const addType = select(EDITABLE_LAYERS, 'Dense', 'Type of layer to add');
  const addButton = h('button', { type: 'button', class: 'secondary small', onclick: () => add(addType.value) }, 'Add layer');
  container.append(
    h('p', { class: 'layer-first' }, h('span', { class: 'layer-kind' }, 'Flatten'), ' 28×28 image → 784 numbers'),
    list,
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

  function fields(r, i) {
    const n = i + 2;
    if (r.type === 'Dense') {
      return [
        numberInput(r.units, { min: 1, max: 4096, step: 1, 'aria-label': `Units of layer ${n}` },
          (e) => update(i, { units: Number(e.target.value) })),
        select(ACTIVATIONS, r.activation, `Activation of layer ${n}`, (e) => update(i, { activation: e.target.value })),
      ];
    }
    if (r.type === 'Dropout') {
      return [numberInput(r.rate, { min: 0, max: 0.95, step: 0.05, 'aria-label': `Dropout rate of layer ${n}` },
        (e) => update(i, { rate: Number(e.target.value) }))];
    }
    if (r.type === 'Activation') {
      return [select(ACTIVATIONS, r.activation, `Activation of layer ${n}`, (e) => update(i, { activation: e.target.value }))];
    }
    return [h('span', { class: 'hint' }, '(not editable here)')];
  }

  function render() {
    list.replaceChildren(...rows.map((r, i) => h('li', { class: 'layer' },
      h('span', { class: 'layer-kind' }, r.type),
      h('span', { class: 'layer-fields' }, fields(r, i)),
      h('button', { type: 'button', class: 'quiet', 'aria-label': `Remove layer ${i + 2} (${r.type})`, title: 'Remove', onclick: () => remove(i) }, '×'),
    )));
  }

  return {
    setRows(next) { rows = next.map((r) => ({ ...r })); render(); },
    rows: () => rows,
    setFirstLabel(imageShape) {
      const [hgt, w] = imageShape;
      container.querySelector('.layer-first').lastChild.textContent = ` ${hgt}×${w} image → ${hgt * w} numbers`;
    },
    setDisabled(disabled) {
      for (const el of container.querySelectorAll('input, select, button')) el.disabled = disabled;
    },
  };
}
