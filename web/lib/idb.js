// A key-value store in IndexedDB: the one way the library and the page keep things in the browser
// (saved models, checkpoints, a trainer's last model). Each call opens the database, runs one
// transaction and closes it again, so nothing holds the database open across a reload.
export function idbStore(database, store) {
  const run = (mode, action) => {
    if (typeof indexedDB === 'undefined') return Promise.reject(new Error('IndexedDB is not available here'));
    return new Promise((resolve, reject) => {
      const open = indexedDB.open(database, 1);
      open.onupgradeneeded = () => open.result.createObjectStore(store);
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        let tx, req;
        try {
          tx = db.transaction(store, mode);
          req = action(tx.objectStore(store));  // a value that cannot be cloned throws here
        } catch (err) {
          try { tx?.abort(); } catch { /* not started */ }
          db.close();
          reject(err);
          return;
        }
        tx.oncomplete = () => { db.close(); resolve(req.result); };
        tx.onerror = () => { db.close(); reject(tx.error); };
        tx.onabort = () => { db.close(); reject(tx.error ?? new Error('IndexedDB transaction aborted')); };
      };
    });
  };
  return {
    get: (key) => run('readonly', (s) => s.get(key)),
    put: (key, value) => run('readwrite', (s) => s.put(value, key)),
    delete: (key) => run('readwrite', (s) => s.delete(key)),
    keys: () => run('readonly', (s) => s.getAllKeys()),
    all: () => run('readonly', (s) => s.getAll()),
    // [[key, value], ...] read in one transaction, so no key comes without its value
    entries: () => run('readonly', (s) => {
      const out = [];
      const cursor = s.openCursor();
      cursor.onsuccess = () => { const c = cursor.result; if (c) { out.push([c.key, c.value]); c.continue(); } };
      return { get result() { return out; } };
    }),
  };
}

// What a failed write tells a person: a full disk is the common case and has its own words.
export function storageErrorMessage(err) {
  if (err?.name === 'QuotaExceededError') return 'the browser\'s storage for this site is full (delete saved models or checkpoints to make room)';
  return err?.message ?? String(err);
}
