// The page-wide bits: the engine badge, the alert region, the notice line, the drawing hint, and
// data attributes on the trainer's root that say the state (for CSS and for tests).
import { part, setText } from './dom.js';

function engineText(engine) {
  if (engine.status === 'starting') return 'Starting the engine…';
  if (engine.status === 'failed') return 'Engine stopped';
  const cores = engine.cores ? ` · ${engine.cores} cores` : '';
  const simd = engine.fma ? 'WebAssembly SIMD + FMA' : 'WebAssembly SIMD';
  return engine.threaded ? `${simd} · multi-threaded${cores}` : `${simd} · single-threaded`;
}

function drawHint(state) {
  if (!state.hasModel) return 'Train or load a model, then draw a digit from 0 to 9.';
  if (state.data?.source === 'fashion-mnist') return 'This model learnt clothes, not digits: draw a trouser or a bag and see what it says!';
  return 'Draw a digit from 0 to 9 with the mouse, a finger or a pen. The guess updates as you draw.';
}

export function createBanner(root, { onDismiss }) {
  const engine = part(root, 'engine');
  const alert = part(root, 'alert');
  const alertText = part(root, 'alert-text');
  const hint = part(root, 'draw-hint');
  part(root, 'alert-close').addEventListener('click', onDismiss);
  return {
    render(state) {
      const body = root.dataset;
      body.state = state.phase;
      body.engine = state.engine.status;
      body.threaded = String(state.engine.threaded ?? '');
      body.fma = String(state.engine.fma ?? '');
      body.model = String(state.hasModel);
      setText(engine, engineText(state.engine));
      engine.title = state.engine.note ?? '';
      engine.classList.toggle('threaded', Boolean(state.engine.threaded));
      const text = state.alert?.text ?? '';
      alert.hidden = !text;
      setText(alertText, text);
      setText(hint, state.notice ? `${state.notice.text} ${drawHint(state)}` : drawHint(state));
    },
  };
}
