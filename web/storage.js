// Keeps a trainer's last trained or loaded model in IndexedDB, so a reload of the tab brings it
// back. One record per trainer key: { modelJson, weights: ArrayBuffer, savedAt: ms, origin, evaluation? }.
// Storage may be unavailable (private windows, quotas): the caller fails softly.
import { idbStore } from './lib/idb.js';

const models = idbStore('neurite', 'models');

export function createStorage(key) {
  const load = async () => (await models.get(key)) ?? null;
  const save = (record) => models.put(key, { ...record, savedAt: record.savedAt ?? Date.now() });
  return {
    load,
    save,
    // Adds fields (e.g. the evaluation) to the stored record, if it is still the same model.
    async patch(savedAt, fields) {
      const rec = await load();
      if (rec && rec.savedAt === savedAt) await save({ ...rec, ...fields });
    },
    clear: () => models.delete(key),
  };
}
