import '../nn-trainer.js';
import { pct, runButton, showSource, table } from './tutorial.js';

const part = (name) => document.querySelector(`[data-ui="${name}"]`);
showSource(part('source'), import.meta.url);

runButton(part('run'), part('status'), async (report) => {
  report('Training both, 100 epochs each…');
  // <show>
  // <nn-trainer id="random" dataset="random-binary" layers="dense 10 relu, dense 1 sigmoid"
  //             epochs="100" batch-size="10"></nn-trainer>   and the same with dataset="moons"
  const [random, moons] = ['random', 'moons'].map((id) => document.getElementById(id));
  const [r, m] = await Promise.all([random.train(), moons.train()]);
  const last = (h, key) => h.history[key][h.history[key].length - 1];
  // </show>
  table(part('result'), ['data', 'training accuracy', 'validation accuracy'], [
    ['random labels', pct(last(r, 'accuracy')), pct(last(r, 'val_accuracy'))],
    ['two moons', pct(last(m, 'accuracy')), pct(last(m, 'val_accuracy'))],
  ]);
  const p = document.createElement('p');
  p.className = 'verdict';
  p.dataset.ui = 'verdict';
  p.textContent = `On random labels the network reaches ${pct(last(r, 'val_accuracy'))} on points it has not seen: a coin toss, as it must be `
    + `(its training accuracy, ${pct(last(r, 'accuracy'))}, is what it memorised). On the moons it reaches ${pct(last(m, 'val_accuracy'))}, `
    + 'and its boundary bends between them.';
  part('result').append(p);
  report('Done.');
}, part('result'));
