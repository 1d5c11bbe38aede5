// Pure helpers of the browser benchmark: statistics, run planning, the results' JSON schema,
// and the text tables. No I/O here, so tests/js/bench_stats.test.mjs can check all of it.

export const SCHEMA = 'neurite-bench/1';
export const EPOCH_SAMPLES = 60000;

export function median(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// a / b, or NaN when either is missing or b is zero (a ratio to a peer that could not run).
export function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : NaN;
}

// How many batches a timed run gets: about targetSeconds at the warm-up's rate, within [min, max].
export function timedBatchesFor(batchesPerSecond, { targetSeconds, min, max }) {
  if (!(batchesPerSecond > 0)) return min;
  return Math.max(min, Math.min(max, Math.round(batchesPerSecond * targetSeconds)));
}

// The order of the timed runs: every engine once per round (A B C A B C ...), so slow drifts of
// the machine (heat, other load) hit each engine alike.
export function interleave(engines, rounds) {
  const order = [];
  for (let round = 0; round < rounds; round++) for (const engine of engines) order.push({ engine, round });
  return order;
}

// ---------- formatting ----------

export function fixed(value, digits = 0) {
  if (!Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function percent(fraction, digits = 1) {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(digits)} %` : '—';
}

export function megabytes(bytes) {
  return Number.isFinite(bytes) ? `${(bytes / 2 ** 20).toFixed(1)} MB` : '—';
}

export function times(value) {
  if (!Number.isFinite(value)) return '—';
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(value >= 1 ? 2 : 3)}×`;
}

export function duration(seconds) {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

// A Markdown table: header cells, rows of cells (strings), and per column 'l' or 'r' alignment.
export function table(headers, rows, align = headers.map((_, i) => (i === 0 ? 'l' : 'r'))) {
  const cells = [headers, ...rows].map((row) => row.map((c) => String(c ?? '')));
  const widths = headers.map((_, i) => Math.max(3, ...cells.map((row) => row[i].length)));
  const pad = (text, i) => (align[i] === 'r' ? text.padStart(widths[i]) : text.padEnd(widths[i]));
  const line = (row) => `| ${row.map(pad).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w + 1)}:` : `${'-'.repeat(w + 2)}`)).join('|')}|`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

// ---------- the results file ----------

// Checks a results object against the schema this file writes; returns a list of problems.
export function schemaProblems(results) {
  const problems = [];
  const need = (cond, what) => { if (!cond) problems.push(what); };
  need(results?.schema === SCHEMA, `schema must be "${SCHEMA}"`);
  need(typeof results?.startedAt === 'string', 'startedAt: an ISO date string');
  need(Array.isArray(results?.training), 'training: an array');
  for (const [i, t] of (results?.training ?? []).entries()) {
    need(typeof t.workload === 'string' && typeof t.engine === 'string', `training[${i}]: workload and engine`);
    need(['ok', 'cannot train', 'error'].includes(t.status), `training[${i}].status: ok, cannot train or error`);
    if (t.status === 'ok') {
      need(Array.isArray(t.runs) && t.runs.every(Number.isFinite), `training[${i}].runs: samples/s per run`);
      need(Number.isFinite(t.samplesPerSecond), `training[${i}].samplesPerSecond`);
    }
  }
  if (!results?.config?.onlyTimeToAccuracy) need(Array.isArray(results?.kernels?.gemm), 'kernels.gemm: an array');
  for (const [i, t] of (results?.timeToAccuracy ?? []).entries()) {
    need(typeof t.preset === 'string' && typeof t.where === 'string', `timeToAccuracy[${i}]: preset and where`);
    need(typeof t.error === 'string' || Array.isArray(t.milestones), `timeToAccuracy[${i}]: milestones or an error`);
  }
  return problems;
}

export function trainingEntry(results, workload, engine) {
  return results.training.find((t) => t.workload === workload && t.engine === engine);
}

// Old vs new samples/s for every (workload, engine) both runs measured, and GEMM GFLOP/s per shape.
export function compareResults(before, after) {
  const training = [];
  for (const now of after.training) {
    const then = trainingEntry(before, now.workload, now.engine);
    if (now.status === 'ok' && then?.status === 'ok') {
      training.push({ workload: now.workload, engine: now.engine, before: then.samplesPerSecond,
        after: now.samplesPerSecond, change: ratio(now.samplesPerSecond, then.samplesPerSecond) - 1 });
    }
  }
  const gemm = [];
  for (const now of after.kernels?.gemm ?? []) {
    const then = (before.kernels?.gemm ?? []).find((g) => g.name === now.name);
    if (then) gemm.push({ name: now.name, before: then.gflops, after: now.gflops, change: ratio(now.gflops, then.gflops) - 1 });
  }
  return { training, gemm };
}

export function signedPercent(change) {
  if (!Number.isFinite(change)) return '—';
  return `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} %`;
}
