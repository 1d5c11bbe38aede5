// Where a trainer keeps its models. Every model trained or loaded in the page joins the models kept
// in this browser (the library's indexeddb:// store, which nn.io and the tutorials share), with the
// metadata the page's list shows; the trainer remembers which of them it uses, and that model's test
// evaluation, so a reload brings the same one back. Storage may be unavailable (private windows, a
// full disk): the callers say so and go on.
import * as nn from './neurite.js';
import { idbStore } from './lib/idb.js';

// per trainer key: { name, evaluation } (an older page kept { modelJson, weights, savedAt, evaluation } here)
const inUse = idbStore('neurite', 'models');
const url = (name) => `indexeddb://${name}`;
const PREFIX = url('');

// what a downloaded model's files are called: the name, without what file systems refuse
const fileStem = (name) => name.replace(/[\\/:*?"<>|\s·]+/g, '-').replace(/^-+|-+$/g, '') || 'model';

export function createStorage(key) {
  async function pointTo(from, to) {
    const record = await inUse.get(key);
    if (record?.name !== from) return;
    if (to) await inUse.put(key, { ...record, name: to }); else await inUse.delete(key);
  }

  return {
    inUse: async () => (await inUse.get(key)) ?? null,
    use: (name, evaluation = null) => inUse.put(key, { name, evaluation }),
    forget: () => inUse.delete(key),

    // Saves `model` as `name` with the list's metadata ({ origin, model, dataset, accuracy, accuracyOn })
    // and makes it the one in use; gives its date saved (ms).
    async keep(model, name, { metadata, evaluation = null }) {
      model.setUserDefinedMetadata({ ...model.getUserDefinedMetadata(), neurite: metadata });
      const { modelArtifactsInfo } = await model.save(url(name));
      await inUse.put(key, { name, evaluation });
      return modelArtifactsInfo.dateSaved.getTime();
    },

    // [{ name, dateSaved (ms), metadata }], the newest to join the list first
    async list() {
      const all = await nn.io.listModels();
      const joined = (m) => m.metadata?.keptAt ?? m.dateSaved;
      return Object.entries(all).filter(([u]) => u.startsWith(PREFIX))
        .map(([u, info]) => ({ name: u.slice(PREFIX.length), dateSaved: info.dateSaved.getTime(),
          metadata: info.userDefinedMetadata?.neurite ?? null }))
        .sort((a, b) => joined(b) - joined(a));
    },

    // `base`, or `base (2)`, `base (3)`, ...: whichever no kept model has yet
    async freshName(base) {
      const taken = new Set((await this.list()).map((m) => m.name));
      let name = base;
      for (let i = 2; taken.has(name); i++) name = `${base} (${i})`;
      return name;
    },

    loadModel: (name, options) => nn.loadModel(url(name), options),

    async rename(from, to) {
      if ((await this.list()).some((m) => m.name === to)) throw new Error(`a model named “${to}” is kept already`);
      await nn.io.moveModel(url(from), url(to));
      await pointTo(from, to);
    },

    async remove(name) {
      await nn.io.removeModel(url(name));
      await pointTo(name, null);
    },

    download: (name) => nn.io.copyModel(url(name), `downloads://${fileStem(name)}`),
  };
}
