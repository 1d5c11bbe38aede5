// The status line, the per-epoch progress bar and the ETA of the training card.
import { datasets } from '../neurite.js';

const DATASETS = datasets.catalog;
import { Phase, activeMs, eta } from '../state.js';
import { part, duration, grouped, percent, setText } from './dom.js';

function epochText(t) {
  return `epoch ${Math.min(t.epoch + 1, t.epochs)} of ${t.epochs}`;
}

function lastLogs(t) {
  if (!t?.logs) return '';
  const l = t.logs;
  const val = Number.isFinite(l.val_accuracy) ? `, validation ${percent(l.val_accuracy)}` : '';
  return ` Last epoch: accuracy ${percent(l.accuracy)}${val}.`;
}

const FAILED = {
  train: 'Training stopped because of an error (see the message above). Change the settings and press Train.',
  'load-data': 'The data could not be loaded (see the message above).',
  init: 'The training engine could not start (see the message above).',
  crash: 'The training engine was restarted after a crash (see the message above).',
};

function statusText(state) {
  const t = state.training;
  switch (state.phase) {
    case Phase.IDLE:
      if (state.engine.status !== 'ready') return 'Starting the engine…';
      return state.notice ? `${state.notice.text} Press Train to train a new one.` : 'Ready when you are: press Train.';
    case Phase.LOADING:
      return `Loading ${DATASETS[state.loading?.source]?.label ?? 'your files'}…`;
    case Phase.READY:
      return 'Data loaded. Press Train.';
    case Phase.TRAINING:
      if (!t) return 'Building the model…';
      return t.stopping ? 'Stopping…' : `Training: ${epochText(t)}.${lastLogs(t)}`;
    case Phase.PAUSED:
      return `Paused at ${epochText(t)}, batch ${grouped(t.batch)}. Press Resume to go on.`;
    case Phase.DONE: {
      const how = t?.stopped ? `Stopped after ${grouped(t.done)} batches` : `Done: ${t?.epochs} epoch${t?.epochs === 1 ? '' : 's'}`;
      const test = state.evaluation ? ` Test accuracy ${percent(state.evaluation.accuracy)}.` : ' Evaluating on the test set…';
      return `${how} in ${duration(t?.activeMs ?? 0)}.${test}`;
    }
    case Phase.ERROR:
      return FAILED[state.failed] ?? 'Something went wrong (see the message above).';
    default:
      return '';
  }
}

function progressText(t, now) {
  if (!t) return '';
  const seconds = activeMs(t, now) / 1000;
  const rate = seconds > 0.5 ? ` · ${grouped((t.done * t.trainSize) / t.batchesPerEpoch / seconds)} images/s` : '';
  const left = eta(t, now);
  const etaText = left != null && t.done < t.epochs * t.batchesPerEpoch ? ` · about ${duration(left)} left` : '';
  const lr = Number.isFinite(t.learningRate) ? ` · learning rate ${t.learningRate.toPrecision(2)}` : '';
  return `batch ${grouped(t.batch)} / ${grouped(t.batchesPerEpoch)}${rate}${lr}${etaText}`;
}

// "99 % after 14.2 s (epoch 1, batch 201)": wall time from the first batch, the probes' own time counted
// The test images each probe evaluates: 4,000-5,999, half from MNIST's cleaner first 5,000 and half
// from its harder last 5,000, as the whole test set is (the first 2,000 alone flatter the model).
export const MILESTONE_PROBE = Object.freeze({ offset: 4000, samples: 2000 });

export function milestonesText(milestones) {
  if (!milestones?.length) return '';
  return milestones.map((m) => `${Math.round(m.threshold * 100)} % after ${m.seconds.toFixed(1)} s (epoch ${m.epoch + 1}, batch ${grouped(m.batch)})`)
    .join(' · ') + ` — validation accuracy on ${grouped(MILESTONE_PROBE.samples)} test images`;
}

export function createTrainingView(root) {
  const status = part(root, 'status');
  const bar = part(root, 'epoch-progress');
  const text = part(root, 'progress-text');
  const milestones = part(root, 'milestones');
  return {
    render(state, now) {
      setText(status, statusText(state));
      const t = state.training;
      bar.max = t?.batchesPerEpoch || 1;
      bar.value = t ? t.batch : 0;
      bar.dataset.batch = String(t?.done ?? 0);
      bar.dataset.epoch = String(t?.epoch ?? 0);
      setText(text, progressText(t, now));
      setText(milestones, milestonesText(t?.milestones));
    },
  };
}
