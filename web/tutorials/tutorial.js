// What the gallery's pages share: the JavaScript shown beside the Keras code is the page's own
// script, fetched and printed (so what a reader sees is what runs), a Run button that reports
// progress, and small result helpers.
import { createCharts } from '../ui/charts.js';

// Prints the text of `url` (or the part between "// <show>" and "// </show>") into `pre`.
export async function showSource(pre, url) {
  const text = await (await fetch(url)).text();
  const shown = /\/\/ <show>\n([\s\S]*?)\n\s*\/\/ <\/show>/.exec(text)?.[1] ?? text;
  const indent = Math.min(...shown.split('\n').filter((l) => l.trim()).map((l) => l.match(/^ */)[0].length));
  pre.textContent = shown.split('\n').map((l) => l.slice(indent)).join('\n');
}

// Runs `run(report)` on a click; report(text) writes to the status line. The result element gets
// data-done once run resolves (the e2e tests wait for it).
export function runButton(button, status, run, result) {
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await run((text) => { status.textContent = text; });
      result.dataset.done = 'true';
    } catch (err) {
      status.textContent = `Error: ${err.message}`;
      result.dataset.done = 'error';
      console.error(err);
    } finally {
      button.disabled = false;
    }
  });
}

export const pct = (x, digits = 1) => `${(100 * x).toFixed(digits)} %`;

// A table of rows [label, ...cells] under a header
export function table(el, header, rows) {
  const tr = (cells, tag) => `<tr>${cells.map((c, i) => `<${tag}${i && tag === 'td' ? ' class="num"' : ''}>${c}</${tag}>`).join('')}</tr>`;
  el.innerHTML = `<table class="results"><thead>${tr(header, 'th')}</thead><tbody>${rows.map((r) => tr(r, 'td')).join('')}</tbody></table>`;
}

// Loss and accuracy charts of a History, epoch by epoch (Keras' plt.plot(history.history[...]))
export function plotHistory(lossFigure, accuracyFigure, history) {
  const charts = createCharts(lossFigure, accuracyFigure);
  charts.reset(history.epoch.length);
  history.epoch.forEach((e) => charts.addEpoch(e + 1, Object.fromEntries(Object.entries(history.history).map(([k, v]) => [k, v[e]]))));
  return charts;
}

// A callback that reports each epoch to the status line
export const epochReporter = (report, label, epochs) => ({
  onEpochEnd(epoch, logs) {
    const val = logs.val_accuracy != null ? `, validation accuracy ${pct(logs.val_accuracy)}` : '';
    report(`${label}: epoch ${epoch + 1} of ${epochs}, accuracy ${pct(logs.accuracy)}${val}`);
  },
});
