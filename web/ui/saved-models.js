// The models kept in this browser (the library's indexeddb:// store, shared with nn.io and the
// tutorials): name, date, data set and accuracy, each to load, rename, download or delete.
// Renders state.saved; a rename is typed in place, a delete asks for a second click.
import { datasets } from '../neurite.js';
import { isBusy } from '../state.js';
import { h, part, percent } from './dom.js';

const CONFIRM_MS = 4000;  // how long a Delete waits for its confirming click

function datasetLabel(source) {
  if (!source) return null;
  if (source === 'files') return 'own IDX files';
  return datasets.catalog[source]?.label ?? source;
}

// "3 Dec 2026, 23:55 · MNIST · 98.9 % test accuracy", leaving out what is not known
export function savedModelDetails({ dateSaved, metadata }) {
  const when = new Date(metadata?.keptAt ?? dateSaved).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const accuracy = Number.isFinite(metadata?.accuracy) ? `${percent(metadata.accuracy)} ${metadata.accuracyOn ?? 'test'} accuracy` : null;
  return [when, datasetLabel(metadata?.dataset), accuracy].filter(Boolean).join(' · ');
}

export function createSavedModelsView(root, { onLoad, onRename, onDownload, onDelete }) {
  const list = part(root, 'saved-models');
  const empty = part(root, 'saved-empty');
  let shown = null;
  let editing = null;  // the name being renamed: a re-render leaves its input alone

  function renameForm(entry, nameEl) {
    const input = h('input', { type: 'text', value: entry.name, 'aria-label': `New name for ${entry.name}`, dataset: { ui: 'rename-input' } });
    const done = () => { editing = null; render(null, true); };
    const commit = () => {
      const name = input.value.trim();
      if (name && name !== entry.name) onRename(entry.name, name);
      done();
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') commit();
      if (e.key === 'Escape') done();
    });
    nameEl.replaceWith(h('span', { class: 'saved-rename' }, input,
      h('button', { type: 'button', class: 'small', onclick: commit }, 'OK'),
      h('button', { type: 'button', class: 'small', onclick: done }, 'Cancel')));
    input.focus();
    input.select();
  }

  function deleteButton(entry) {
    let armed = 0;
    const button = h('button', { type: 'button', class: 'small', 'aria-label': `Delete ${entry.name}` }, 'Delete');
    button.addEventListener('click', () => {
      if (armed) { clearTimeout(armed); onDelete(entry.name); return; }
      button.textContent = 'Click again to delete';
      button.classList.add('danger');
      armed = setTimeout(() => { armed = 0; button.textContent = 'Delete'; button.classList.remove('danger'); }, CONFIRM_MS);
    });
    return button;
  }

  function row(entry, current, busy) {
    const nameEl = h('strong', { class: 'saved-name' }, entry.name);
    const item = h('li', { class: 'saved-model', dataset: { name: entry.name } },
      h('div', {}, nameEl, entry.name === current ? h('span', { class: 'badge' }, 'in use') : null),
      h('p', { class: 'hint' }, savedModelDetails(entry)),
      h('div', { class: 'row' },
        h('button', { type: 'button', class: 'small secondary', disabled: busy, 'aria-label': `Load ${entry.name}`, onclick: () => onLoad(entry.name) }, 'Load'),
        h('button', { type: 'button', class: 'small', 'aria-label': `Rename ${entry.name}`, onclick: () => { editing = entry.name; renameForm(entry, nameEl); } }, 'Rename'),
        h('button', { type: 'button', class: 'small', 'aria-label': `Download ${entry.name}`, onclick: () => onDownload(entry.name) }, 'Download'),
        deleteButton(entry)));
    return item;
  }

  let last = null;
  function render(state, force = false) {
    if (state) last = state;
    const saved = last?.saved;
    const busy = last ? isBusy(last) : false;
    const key = saved && { saved, busy };
    if (!force && (editing || (shown && shown.saved === saved && shown.busy === busy))) return;
    shown = key;
    const entries = saved?.models ?? [];
    empty.hidden = entries.length > 0;
    list.replaceChildren(...entries.map((e) => row(e, saved.current, busy)));
  }
  return { render: (state) => render(state) };
}
