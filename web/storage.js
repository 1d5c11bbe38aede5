// Keeps a trainer's last trained or loaded model in IndexedDB, so a reload of the tab brings it
// back. One record per trainer key: { modelJson, weights: ArrayBuffer, savedAt: ms, origin, evaluation? }.
// Storage may be unavailable (private windows, quotas): every function then fails softly.
const DB = 'neurite';
const STORE = 'models';

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function run(mode, action) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = action(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

export function createStorage(key) {
  const load = async () => (await run('readonly', (s) => s.get(key))) ?? null;
  const save = (record) => run('readwrite', (s) => s.put({ ...record, savedAt: record.savedAt ?? Date.now() }, key));
  return {
    load,
    save,
    // Adds fields (e.g. the evaluation) to the stored record, if it is still the same model.
    async patch(savedAt, fields) {
      const rec = await load();
      if (rec && rec.savedAt === savedAt) await save({ ...rec, ...fields });
    },
    clear: () => run('readwrite', (s) => s.delete(key)),
  };
}
