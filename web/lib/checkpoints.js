// nn.checkpoints: fits saved as they go (fit's `checkpoint` option), so a reload, a crash of the
// worker or a killed tab loses at most the last few seconds; fit's `resumeFrom` continues one.
// A record: { id, savedAt, epoch, batch (where it resumes), epochs, batchesPerEpoch, options
// (the fit's epochs, batchSize, shuffle, validationSplit), history, modelJson, weights, session, meta }.
import { idbStore, storageErrorMessage } from './idb.js';

const store = idbStore('neurite-checkpoints', 'checkpoints');

// What list() shows of a record: everything but the weights and the optimizer's state.
const summary = ({ modelJson, weights, session, ...rest }) => rest;

export const checkpoints = Object.freeze({
  // the checkpoints kept in this browser, newest first, without their weights
  async list() {
    return (await store.all()).map(summary).sort((a, b) => b.savedAt - a.savedAt);
  },
  async load(id) {
    const record = await store.get(id);
    if (!record) throw new Error(`checkpoints.load: no checkpoint '${id}' is kept in this browser`);
    return record;
  },
  delete: (id) => store.delete(id),
  save: (record) => store.put(record.id, record),
});

// Writes a fit's checkpoints one at a time: while one is written the next waits, and a newer one
// replaces it (only the latest matters), so training never waits for the disk.
export function checkpointWriter({ id, meta, onSaved, onError }) {
  let writing = null, next = null;
  const write = async (full) => {
    try {
      await checkpoints.save(full);
    } catch (err) {
      const error = new Error(`the checkpoint could not be kept: ${storageErrorMessage(err)}`);
      error.cause = err;
      if (onError) await onError(error); else console.warn('Neurite:', error.message);
      return;
    }
    await onSaved?.(summary(full));
  };
  // a callback that throws is the caller's to hear of (in the console); the writes go on
  const drain = async () => {
    try {
      while (next) {
        const record = next;
        next = null;
        await write(record).catch((err) => console.error('Neurite: a checkpoint callback failed:', err));
      }
    } finally {
      writing = null;
    }
  };
  return {
    // meta is taken as the checkpoint arrives (callbacks queued before it may not have run yet)
    add(record) {
      next = { ...record, id, savedAt: Date.now(), meta: typeof meta === 'function' ? meta(summary(record)) : meta ?? null };
      writing ??= drain();
    },
    // every write done (the fit's end waits for it before deleting the checkpoint)
    settled: () => writing ?? Promise.resolve(),
    discard: async () => { next = null; await (writing ?? Promise.resolve()); await checkpoints.delete(id); },
  };
}
