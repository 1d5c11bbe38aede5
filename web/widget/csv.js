// A person's own CSV for <nn-trainer src="points.csv">: numeric columns, the last one the label, an
// optional header line. Errors name the file and the line.
export function parseCsv(text, name) {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const rows = lines.map((l) => l.split(/[,;\t]/).map((c) => c.trim()));
  if (rows.length && rows[0].some((c) => c !== '' && !Number.isFinite(Number(c)))) rows.shift();  // a header
  if (!rows.length) throw new Error(`${name}: no data rows`);
  const width = rows[0].length;
  if (width < 2) throw new Error(`${name}: each row needs at least one feature and a label`);
  const features = width - 1;
  const x = new Float32Array(rows.length * features), y = [];
  rows.forEach((row, i) => {
    if (row.length !== width) throw new Error(`${name}: line ${i + 1} has ${row.length} columns, the first has ${width}`);
    const values = row.map(Number);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`${name}: line ${i + 1}, column ${bad + 1}: '${row[bad]}' is not a number`);
    x.set(values.slice(0, features), i * features);
    y.push(values[features]);
  });
  return { x, y, features };
}
