// nn.train.* (TF.js' optimizer factories) and nn.losses.*: each gives the Keras config the core's
// compile takes. Defaults are Keras' (the core fills in what is left out).
import { LOSSES, LOSS_ALIASES, OPTIMIZERS, OPTIMIZER_OPTIONS, SCHEDULES, snakeCase } from './names.js';

const isSchedule = (v) => typeof v === 'object' && v !== null && Object.values(SCHEDULES).includes(v.class_name);

function optimizerFactory(name, { className, args }) {
  return (...values) => {
    const config = {};
    const last = values[values.length - 1];
    if (values.length > args.length || (values.length > 1 && typeof last === 'object' && last !== null && !isSchedule(last))) {
      for (const [key, v] of Object.entries(values.pop() ?? {})) {
        if (!OPTIMIZER_OPTIONS.includes(key))
          throw new Error(`train.${name}: unknown option '${key}' (known: ${OPTIMIZER_OPTIONS.join(', ')})`);
        if (v !== undefined) config[snakeCase(key)] = v;
      }
    }
    args.forEach((key, i) => {
      const v = values[i];
      if (v === undefined) return;
      if (key === 'learning_rate' && isSchedule(v)) { config[key] = v; return; }
      if (key === 'learning_rate' && !(typeof v === 'number' && v > 0 && Number.isFinite(v)))
        throw new RangeError(`train.${name}: the learning rate must be positive or an nn.schedules.* schedule, got ${v}`);
      if (key === 'nesterov' ? typeof v !== 'boolean' : !(typeof v === 'number' && Number.isFinite(v) && v >= 0))
        throw new RangeError(`train.${name}: ${key} must be ${key === 'nesterov' ? 'true or false' : 'a number ≥ 0'}, got ${v}`);
      config[key] = v;
    });
    return { class_name: className, config };
  };
}

export const train = Object.freeze(Object.fromEntries(
  Object.entries(OPTIMIZERS).map(([name, spec]) => [name, optimizerFactory(name, spec)])));

// 'adam', an nn.train.* result, or Keras' {class_name, config}
export function optimizerConfig(optimizer) {
  if (typeof optimizer === 'string') {
    const spec = OPTIMIZERS[optimizer.toLowerCase()];
    if (!spec || optimizer.toLowerCase() === 'momentum')
      throw new Error(`compile: unknown optimizer '${optimizer}' (known: ${Object.keys(OPTIMIZERS).filter((n) => n !== 'momentum').join(', ')})`);
    return { class_name: spec.className, config: {} };
  }
  if (optimizer?.class_name) return optimizer;
  throw new TypeError('compile: optimizer must be a name (\'adam\') or made by nn.train (nn.train.adam(0.001))');
}

// nn.schedules.*: Keras' learning-rate schedules, in TF.js' camelCase (initialLearningRate,
// decaySteps, ...); give one as an optimizer's learning rate: nn.train.adam(nn.schedules.cosineDecay({...})).
export const schedules = Object.freeze(Object.fromEntries(Object.entries(SCHEDULES).map(([name, className]) =>
  [name, (args = {}) => ({
    class_name: className,
    config: Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined).map(([k, v]) => [snakeCase(k), v])),
  })])));

export const losses = Object.freeze(Object.fromEntries(Object.entries(LOSSES).map(([name, keras]) =>
  [name, ({ fromLogits = false, labelSmoothing = 0 } = {}) => ({ name: keras, fromLogits: Boolean(fromLogits), labelSmoothing })])));

// 'sparseCategoricalCrossentropy', 'sparse_categorical_crossentropy', 'mse' or an nn.losses.* result
export function lossConfig(loss) {
  if (loss === undefined || loss === null) return null;  // the loss the model's output implies
  if (typeof loss === 'object' && loss.name) return loss;
  if (typeof loss !== 'string') throw new TypeError('compile: loss must be a name or made by nn.losses');
  const keras = LOSSES[loss] ?? LOSS_ALIASES[loss] ?? (Object.values(LOSSES).includes(snakeCase(loss)) ? snakeCase(loss) : null);
  if (!keras) throw new Error(`compile: unknown loss '${loss}' (known: ${Object.keys(LOSSES).join(', ')}, or their snake_case names)`);
  return { name: keras, fromLogits: false };
}
