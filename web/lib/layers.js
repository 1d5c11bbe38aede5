// nn.layers.*: TF.js' layer factories. A layer here is its Keras config (what model.json holds);
// the C++ core builds it, checks it and owns its weights. Arguments are TF.js' camelCase names,
// written as Keras' snake_case keys: inputShape → batch_input_shape [null, ...], kernelSize →
// kernel_size, and so on; the core says which values it cannot take.
import { LAYER_CLASSES, snakeCase } from './names.js';

export class Layer {
  #className;
  #config;
  constructor(className, config) {
    this.#className = className;
    this.#config = config;
    this.name = config.name;
    this.outputShape = null;  // known once the model is built (after compile, fit or summary)
    this.params = null;
  }
  getClassName() { return this.#className; }
  getConfig() { return structuredClone(this.#config); }
  countParams() { return this.params; }
  // Keras' {class_name, config}
  toJSON() { return { class_name: this.#className, config: this.getConfig() }; }
}

function kerasConfig(args) {
  const config = {};
  for (const [key, value] of Object.entries(args ?? {})) {
    if (value === undefined) continue;
    if (key === 'inputShape') config.batch_input_shape = [null, ...value];
    else if (key === 'batchInputShape') config.batch_input_shape = value;
    else config[snakeCase(key)] = value;
  }
  return config;
}

function factory(className) {
  return (args = {}) => {
    if (args === null || typeof args !== 'object' || Array.isArray(args))
      throw new TypeError(`${className}: give the arguments as an object, e.g. { units: 10 }`);
    return new Layer(className, kerasConfig(args));
  };
}

const factories = Object.fromEntries(Object.entries(LAYER_CLASSES).map(([name, className]) => [name, factory(className)]));
export const layers = Object.freeze(factories);

// A layer from Keras' {class_name, config} (a model.json's layer list)
export const layerFromConfig = ({ class_name: className, config }) => new Layer(className, config ?? {});
