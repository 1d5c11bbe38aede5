// Live loss and accuracy charts (uPlot). Per-batch values are smoothed like TensorBoard does
// (an exponential moving average, de-biased at the start); per-epoch train and validation values
// are drawn as points, like matplotlib plots of Keras' `history`. Points are appended as they
// arrive and drawn at most once per animation frame.
import uPlot from '../vendor/uPlot.esm.js';

const SMOOTHING = 0.8;
const COLORS = { batch: '#9db7e6', train: '#2557c7', val: '#d9730d' };

function seriesFor(kind) {
  const fmt = kind === 'accuracy' ? (v) => `${(100 * v).toFixed(1)} %` : (v) => v.toFixed(3);
  const value = (u, v) => (v == null ? '–' : fmt(v));
  return [
    { label: 'epoch', value: (u, v) => (v == null ? '–' : v.toFixed(2)) },
    { label: 'batches (smoothed)', stroke: COLORS.batch, width: 1.5, spanGaps: true, points: { show: false }, value },
    { label: 'train (epoch)', stroke: COLORS.train, width: 2, spanGaps: true, points: { show: true, size: 7, fill: COLORS.train }, value },
    { label: 'validation (epoch)', stroke: COLORS.val, width: 2, dash: [6, 4], spanGaps: true, points: { show: true, size: 7, fill: COLORS.val }, value },
  ];
}

function axes(kind) {
  const grid = { stroke: '#e6e9ef', width: 1 };
  const ticks = { stroke: '#d0d5dd', width: 1 };
  return [
    { label: 'epoch', stroke: '#4b5563', grid, ticks, font: '12px system-ui, sans-serif', labelFont: '12px system-ui, sans-serif' },
    {
      stroke: '#4b5563', grid, ticks, size: 52, font: '12px system-ui, sans-serif',
      values: kind === 'accuracy' ? (u, vals) => vals.map((v) => `${Math.round(v * 1000) / 10}%`) : undefined,
    },
  ];
}

// Accuracy lives in [0, 1]: never show 120 %, but zoom in on the top once the model is good.
function accuracyRange(u, min) {
  const lo = Number.isFinite(min) ? Math.max(0, Math.floor((min - 0.02) * 20) / 20) : 0;
  return [Math.min(lo, 0.9), 1];
}

function createChart(figure, kind) {
  const data = [[], [], [], []];
  const ema = { value: 0, weight: 0 };
  let points = 0;        // batch points (data-points: the tests and the empty-chart hint read it)
  let epochPoints = 0;   // epoch points (data-epochs)
  let frame = 0;
  let xMax = 1; // the whole run from the start, so the line grows towards the last epoch
  const width = () => Math.max(240, figure.clientWidth);
  const plot = new uPlot({
    width: width(), height: 220,
    scales: { x: { time: false, range: () => [0, xMax] }, y: kind === 'accuracy' ? { range: accuracyRange } : {} },
    series: seriesFor(kind), axes: axes(kind),
    cursor: { drag: { x: false, y: false } },
    legend: { live: false }, // labels only: a row of changing numbers under a live chart is noise
  }, data, figure);
  new ResizeObserver(() => plot.setSize({ width: width(), height: 220 })).observe(figure);
  figure.dataset.points = '0';

  function draw() {
    frame = 0;
    plot.setData(data);
    figure.dataset.points = String(points);
    figure.dataset.epochs = String(epochPoints);
  }
  const redraw = () => { if (!frame) frame = requestAnimationFrame(draw); };

  function push(x, batch, train, val) {
    data[0].push(x); data[1].push(batch); data[2].push(train); data[3].push(val);
    redraw();
  }

  return {
    addBatch(x, value) {
      if (!Number.isFinite(value)) return;
      ema.value = SMOOTHING * ema.value + (1 - SMOOTHING) * value;
      ema.weight = SMOOTHING * ema.weight + (1 - SMOOTHING);
      points++;
      push(x, ema.value / ema.weight, null, null);
    },
    addEpoch(x, train, val) {
      epochPoints++;
      push(x, null, Number.isFinite(train) ? train : null, Number.isFinite(val) ? val : null);
    },
    reset(epochs = 1) {
      xMax = epochs * 1.03; // a little room so the last epoch's points are not cut in half
      for (const a of data) a.length = 0;
      Object.assign(ema, { value: 0, weight: 0 });
      points = 0;
      epochPoints = 0;
      draw();
    },
    // everything drawn so far, for a checkpoint; restore() draws it again after a reload
    snapshot: () => ({ data: data.map((a) => a.slice()), ema: { ...ema }, points, epochPoints, xMax }),
    restore(saved) {
      data.forEach((a, i) => { a.length = 0; a.push(...(saved.data[i] ?? [])); });
      Object.assign(ema, saved.ema);
      ({ points, epochPoints, xMax } = saved);
      draw();
    },
  };
}

export function createCharts(lossFigure, accuracyFigure) {
  const loss = createChart(lossFigure, 'loss');
  const accuracy = createChart(accuracyFigure, 'accuracy');
  return {
    // x is in epochs: epoch 0 batch 300 of 1875 is x = 0.16
    addBatch(x, lossValue, accuracyValue) {
      loss.addBatch(x, lossValue);
      accuracy.addBatch(x, accuracyValue);
    },
    addEpoch(x, logs) {
      loss.addEpoch(x, logs.loss, logs.val_loss);
      accuracy.addEpoch(x, logs.accuracy, logs.val_accuracy);
    },
    reset(epochs) { loss.reset(epochs); accuracy.reset(epochs); },
    snapshot: () => ({ loss: loss.snapshot(), accuracy: accuracy.snapshot() }),
    restore(saved) { loss.restore(saved.loss); accuracy.restore(saved.accuracy); },
  };
}
