import '../nn-trainer.js';
import { pct, showSource } from './tutorial.js';

const part = (name) => document.querySelector(`[data-ui="${name}"]`);
showSource(part('source'), import.meta.url);

// <show>
// <nn-trainer dataset="fashion-mnist" layers="flatten, dense 128 relu, dense 10 softmax"
//             epochs="5" panels="controls chart network confusion"></nn-trainer>
const trainer = document.querySelector('nn-trainer');
trainer.addEventListener('trainend', async ({ detail }) => {
  const [testLoss, testAccuracy] = await trainer.model.evaluate(...await testSet());
  report(testLoss, testAccuracy, detail.history);
});
// </show>

async function testSet() {
  const nn = await import('../neurite.js');
  const { xTest, yTest } = await nn.datasets.fashionMnist.load({ engine: trainer.model.engine });
  return [xTest.div(255), yTest];
}

function report(loss, accuracy) {
  const out = part('result');
  out.replaceChildren();
  const p = document.createElement('p');
  p.className = accuracy >= 0.85 ? 'verdict' : 'verdict short';
  p.dataset.ui = 'verdict';
  p.textContent = `Test accuracy ${pct(accuracy, 2)} (loss ${loss.toFixed(4)}) after 5 epochs. The TensorFlow tutorial reports about 88 %: `
    + 'clothes are harder than digits (a shirt and a T-shirt look alike at 28×28), and this network has no convolutions.';
  out.append(p);
  out.dataset.done = 'true';
}
