// The page's training settings, checked before anything starts, with messages a learner can act on.
function check(cond, what) {
  if (!cond) throw new Error(`invalid training setting: ${what}`);
}

export const SCHEDULES = ['constant', 'onecycle', 'cosine'];

export function checkSettings({ optimizer, optimizers, learningRate, schedule = 'constant', earlyStopping = false, epochs, batchSize,
  validation, validationSplit, seed, trainLimit }) {
  check(optimizers.includes(optimizer), `optimizer must be one of ${optimizers.join(', ')}`);
  check(Number.isFinite(learningRate) && learningRate > 0, 'learning rate must be a positive number');
  check(SCHEDULES.includes(schedule), `the schedule must be one of ${SCHEDULES.join(', ')}`);
  check(Number.isInteger(epochs) && epochs >= 1 && epochs <= 1000, 'epochs must be a whole number from 1 to 1000');
  check(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 4096, 'batch size must be a whole number from 1 to 4096');
  check(validation === 'test' || validation === 'split', "validation must be 'test' or 'split'");
  if (validation === 'split') {
    check(Number.isFinite(validationSplit) && validationSplit > 0 && validationSplit < 1,
      'validation split must be between 0 and 1 (e.g. 0.1)');
  }
  check(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32, 'seed must be a whole number ≥ 0');
  check(trainLimit == null || (Number.isInteger(trainLimit) && trainLimit >= 1),
    'training examples must be a whole number ≥ 1');
  return { optimizer, learningRate, schedule, earlyStopping: Boolean(earlyStopping), epochs, batchSize, validation,
    validationSplit: validation === 'split' ? validationSplit : 0, seed, trainLimit };
}

// Keras' optimizer config for these settings. `recipe`: a preset's optimizer config, whose other
// fields (Adam's betas, say) are kept while the optimizer is the recipe's; `steps`: the fit's length
// in batches, which a cosine decay spans (a one-cycle finds it itself).
export function optimizerConfig({ optimizer, learningRate, schedule }, { steps, recipe } = {}) {
  const base = recipe && recipe.class_name.toLowerCase() === optimizer ? { ...recipe.config } : {};
  const className = { adam: 'Adam', adamw: 'AdamW', sgd: 'SGD', rmsprop: 'RMSprop' }[optimizer] ?? optimizer;
  const rate = schedule === 'onecycle' ? { class_name: 'OneCycle', config: { max_learning_rate: learningRate } }
    : schedule === 'cosine' ? { class_name: 'CosineDecay', config: { initial_learning_rate: learningRate, decay_steps: Math.max(1, steps ?? 1) } }
      : learningRate;
  return { class_name: className, config: { ...base, learning_rate: rate } };
}

// The settings fields a preset's recipe sets: {optimizer, learningRate, schedule, epochs, batchSize}
export function recipeSettings(recipe) {
  const lr = recipe.optimizer.config.learning_rate;
  const scheduled = typeof lr === 'object' && lr !== null;
  const schedule = !scheduled ? 'constant' : lr.class_name === 'OneCycle' ? 'onecycle' : lr.class_name === 'CosineDecay' ? 'cosine' : 'constant';
  const rate = scheduled ? (lr.config.max_learning_rate ?? lr.config.initial_learning_rate ?? 0.001) : lr;
  return { optimizer: recipe.optimizer.class_name.toLowerCase(), learningRate: Number(rate.toPrecision(6)), schedule,
    epochs: recipe.epochs, batchSize: recipe.batchSize };
}

// The loss a preset's recipe asks for beyond the one the output implies: its label smoothing, kept
// while the last layer still gives what the recipe's loss reads (logits, or softmax probabilities).
// null: compile with the implied loss.
export function recipeLoss(recipe, topology) {
  if (!(recipe?.labelSmoothing > 0) || !recipe.loss.endsWith('categorical_crossentropy')) return null;
  const last = topology?.config?.layers?.at(-1);
  const activation = last?.class_name === 'Dense' ? (last.config?.activation ?? 'linear') : null;
  if (activation !== (recipe.fromLogits ? 'linear' : 'softmax')) return null;
  return { name: recipe.loss, fromLogits: recipe.fromLogits, labelSmoothing: recipe.labelSmoothing };
}
