// The page's training settings, checked before anything starts, with messages a learner can act on.
function check(cond, what) {
  if (!cond) throw new Error(`invalid training setting: ${what}`);
}

export function checkSettings({ optimizer, optimizers, learningRate, epochs, batchSize, validation, validationSplit, seed, trainLimit }) {
  check(optimizers.includes(optimizer), `optimizer must be one of ${optimizers.join(', ')}`);
  check(Number.isFinite(learningRate) && learningRate > 0, 'learning rate must be a positive number');
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
  return { optimizer, learningRate, epochs, batchSize, validation, validationSplit: validation === 'split' ? validationSplit : 0, seed, trainLimit };
}
