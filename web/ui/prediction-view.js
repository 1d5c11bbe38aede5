// The prediction for the drawn digit: a live line of text that starts with the predicted class
// index ("7 — 98.2 %", or "7 (Sneaker) — 91.0 %" when class names are given), read out politely by
// screen readers, and a bar chart of every class's probability with the top one highlighted (as
// many bars as the model has outputs: `classes` until the first prediction says otherwise).

export function createPredictionView(container, { labels, classes = 10, placeholder = 'Draw a digit' } = {}) {
  const root = el('div', labels ? 'nn-pred nn-pred--named' : 'nn-pred');
  const result = el('p', 'nn-pred__result');
  // role=status allows an accessible name; aria-live is spelled out for assistive tech and tests.
  for (const [k, v] of Object.entries({ role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true', 'aria-label': 'Prediction' })) {
    result.setAttribute(k, v);
  }
  const chart = el('ol', 'nn-pred__bars');
  chart.setAttribute('aria-label', 'Probabilities');
  let rows = [];
  const makeRows = (n) => {
    rows = Array.from({ length: n }, (_, k) => barRow(k, labels?.[k]));
    chart.replaceChildren(...rows.map((row) => row.item));
  };
  makeRows(classes);
  root.append(result, chart);
  container.append(root);

  const reset = () => {
    result.textContent = placeholder;
    result.classList.add('nn-pred__result--empty');
    rows.forEach((row) => row.set(0, '–', false));
  };
  const update = (probabilities) => {
    if (!probabilities?.length) throw new RangeError('PredictionView.update: expected probabilities, got none');
    if (probabilities.length !== rows.length) makeRows(probabilities.length);
    const top = argmax(probabilities);
    const name = labels?.[top] ? ` (${labels[top]})` : '';
    result.textContent = `${top}${name} — ${percent(probabilities[top])}`;
    result.classList.remove('nn-pred__result--empty');
    rows.forEach((row, k) => row.set(probabilities[k], percent(probabilities[k]), k === top));
  };
  reset();
  return { update, reset };
}

// One bar: the class label, a track whose fill width is the probability, and the value in text.
function barRow(k, name) {
  const item = el('li', 'nn-pred__row');
  const label = el('span', 'nn-pred__label', name ? `${k} ${name}` : String(k));
  const track = el('span', 'nn-pred__track');
  const fill = el('span', 'nn-pred__fill');
  const value = el('span', 'nn-pred__value');
  track.setAttribute('aria-hidden', 'true'); // the value text already says it
  track.append(fill);
  item.append(label, track, value);
  const set = (p, text, isTop) => {
    fill.style.width = `${(Math.min(1, Math.max(0, p)) * 100).toFixed(1)}%`;
    value.textContent = text;
    item.classList.toggle('nn-pred__row--top', isTop);
  };
  return { item, set };
}

function argmax(values) {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
  return best;
}

const percent = (p) => `${(p * 100).toFixed(1)} %`;

function el(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text) node.textContent = text;
  return node;
}
