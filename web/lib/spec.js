// nn.layersFromSpec: a stack of layers written as a short line, as the <nn-trainer> widget's
// `layers` attribute takes it: "flatten, dense 128 relu, dropout 0.2, dense 10" or
// "conv2d 64 3 relu, maxpooling2d 2, flatten, dense 10 softmax". The first layer gets the input
// shape (with a channel axis, [h, w, 1], when it is a Conv2D or a pooling layer on images).
import { layers } from './layers.js';

function whole(item, name, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`layers: in '${item}', ${name} must be a whole number ≥ 1, got '${text}'`);
  return n;
}

function fraction(item, name, text) {
  const x = Number(text);
  if (!(x >= 0 && x < 1)) throw new Error(`layers: in '${item}', ${name} must be a number from 0 to 1, got '${text}'`);
  return x;
}

const pooling = (make) => (item, [pool = '2']) => make({ poolSize: whole(item, 'the pool size', pool) });

const FORMS = {
  flatten: () => layers.flatten(),
  dense: (item, [units, activation]) => layers.dense({ units: whole(item, 'units', units), activation }),
  dropout: (item, [rate]) => layers.dropout({ rate: fraction(item, 'the rate', rate) }),
  conv2d: (item, [filters, kernel = '3', activation]) =>
    layers.conv2d({ filters: whole(item, 'filters', filters), kernelSize: whole(item, 'the kernel size', kernel), activation }),
  maxpooling2d: pooling(layers.maxPooling2d),
  averagepooling2d: pooling(layers.averagePooling2d),
  activation: (item, [name]) => layers.activation({ activation: name }),
  batchnormalization: () => layers.batchNormalization(),
};
const ALIASES = { maxpool: 'maxpooling2d', maxpooling: 'maxpooling2d', avgpool: 'averagepooling2d', averagepooling: 'averagepooling2d',
  conv: 'conv2d', batchnorm: 'batchnormalization' };
const TAKES_CHANNELS = new Set(['conv2d', 'maxpooling2d', 'averagepooling2d']);

export function layersFromSpec(text, inputShape) {
  const items = String(text).split(',').map((s) => s.trim()).filter(Boolean);
  if (!items.length) throw new Error('layers: give at least one layer, e.g. "flatten, dense 10"');
  return items.map((item, i) => {
    const [word, ...args] = item.split(/\s+/);
    const kind = ALIASES[word.toLowerCase()] ?? word.toLowerCase();
    const form = FORMS[kind];
    if (!form) throw new Error(`layers: unknown layer '${word}' in '${item}' (known: ${Object.keys(FORMS).join(', ')})`);
    const layer = form(item, args);
    if (i > 0 || !inputShape) return layer;
    const shape = TAKES_CHANNELS.has(kind) && inputShape.length === 2 ? [...inputShape, 1] : inputShape;
    return new layer.constructor(layer.getClassName(), { ...layer.getConfig(), batch_input_shape: [null, ...shape] });
  });
}
