// The decision boundary of a 2-feature binary classifier, as TF Playground draws it: the model's
// probability of class 1 over a grid covering the points (blue 0 → orange 1), and the points on top.
const GRID = 48;

export async function paintBoundary(canvas, model, { xTrain, yTrain }) {
  const [points, labels] = await Promise.all([xTrain.slice(0, Math.min(400, xTrain.shape[0])).data(), yTrain.slice(0, Math.min(400, yTrain.shape[0])).data()]);
  let lo = -1.2, hi = 1.2;
  for (const v of points) { lo = Math.min(lo, v - 0.1); hi = Math.max(hi, v + 0.1); }
  const grid = new Float32Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      grid[(r * GRID + c) * 2] = lo + ((c + 0.5) / GRID) * (hi - lo);
      grid[(r * GRID + c) * 2 + 1] = hi - ((r + 0.5) / GRID) * (hi - lo);
    }
  }
  const { tensor } = await import('../neurite.js');
  const p = await model.predict(tensor(grid, [GRID * GRID, 2], 'float32'), { batchSize: 256 }).data();
  const ctx = canvas.getContext('2d');
  const cell = canvas.width / GRID;
  // blue (0) to orange (1), washed towards white so the points stand out; opaque cells, so their
  // overlaps draw no grid
  const wash = (c) => Math.round(255 - 0.55 * (255 - c));
  const mix = (q) => `rgb(${wash(66 + q * (245 - 66))}, ${wash(133 + q * (158 - 133))}, ${wash(244 + q * (11 - 244))})`;
  for (let i = 0; i < GRID * GRID; i++) {
    ctx.fillStyle = mix(p[i]);
    ctx.fillRect(Math.floor((i % GRID) * cell), Math.floor(Math.floor(i / GRID) * cell), Math.ceil(cell) + 1, Math.ceil(cell) + 1);
  }
  const at = (v) => ((v - lo) / (hi - lo)) * canvas.width;
  for (let i = 0; i < labels.length; i++) {
    ctx.beginPath();
    ctx.arc(at(points[2 * i]), canvas.height - at(points[2 * i + 1]), 2.5, 0, 2 * Math.PI);
    ctx.fillStyle = labels[i] >= 0.5 ? '#c2410c' : '#1d4ed8';
    ctx.strokeStyle = '#fff';
    ctx.fill();
    ctx.stroke();
  }
  canvas.dataset.painted = String(Number(canvas.dataset.painted ?? 0) + 1);
}
