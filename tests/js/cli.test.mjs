// The command line's optimizer settings (src/cli/optimizer_options.cpp): Keras' optimizer arguments
// and --lr-schedule reach the saved model's trainingConfig, and bad values are one-line errors.
//   bash scripts/build-native.sh && node --test tests/js/cli.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { root } from './helpers/mnist.mjs';

const cli = path.join(root, 'build/native/neurite');
const neurite = (...args) => spawnSync(cli, args, { encoding: 'utf8' });

test('cli.optimizer_arguments_and_a_schedule_are_saved_in_the_training_config', () => {
  assert.ok(fs.existsSync(cli), `${cli} is missing: build it first (bash scripts/build-native.sh)`);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'neurite-cli-')), 'saved');
  const run = neurite('train', '--preset', 'toy-binary', '--epochs', '2', '--optimizer', 'adamw', '--weight-decay', '0.01',
    '--beta-1', '0.8', '--amsgrad', '--clipnorm', '1', '--lr', '0.01',
    '--lr-schedule', 'cosine:decay_steps=500,warmup_steps=20,warmup_target=0.02', '--out', out);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /epoch 2\/2 .*learning_rate/);
  const { class_name: className, config } = JSON.parse(fs.readFileSync(path.join(out, 'model.json'), 'utf8')).trainingConfig.neurite.optimizer;
  assert.equal(className, 'AdamW');
  assert.deepEqual([config.weight_decay, config.beta_1, config.amsgrad, config.clipnorm], [0.01, 0.8, true, 1]);
  assert.equal(config.learning_rate.class_name, 'CosineDecay');
  const s = config.learning_rate.config;
  assert.deepEqual([s.initial_learning_rate, s.decay_steps, s.warmup_steps, s.warmup_target], [0.01, 500, 20, 0.02]);

  // continuing the saved model keeps its schedule; --lr-schedule none drops it
  const again = neurite('train', '--model', path.join(out, 'model.json'), '--epochs', '1', '--lr-schedule', 'none', '--lr', '0.005', '--out', out);
  assert.equal(again.status, 0, again.stderr);
  const lr = JSON.parse(fs.readFileSync(path.join(out, 'model.json'), 'utf8')).trainingConfig.neurite.optimizer.config.learning_rate;
  assert.equal(lr, 0.005);
});

test('cli.bad_optimizer_settings_are_one_line_errors', () => {
  for (const [args, message] of [
    [['--lr-schedule', 'warm'], /--lr-schedule: unknown schedule 'warm' \(known: exponential, piecewise, cosine, onecycle, none\)/],
    [['--lr-schedule', 'cosine:decay_steps'], /--lr-schedule: expected key=value, got 'decay_steps'/],
    [['--lr-schedule', 'piecewise:boundaries=10/20,values=0.1/0.01'], /values/],
    [['--optimizer', 'lbfgs'], /lbfgs/],
  ]) {
    const run = neurite('train', '--preset', 'toy-binary', '--epochs', '1', ...args);
    assert.equal(run.status, 1, `${args.join(' ')}: ${run.stdout}`);
    assert.match(run.stderr, message);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  }
});

test('cli.a_topology_without_weights_trains_under_its_own_training_config', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'neurite-cli-'));
  const saved = path.join(dir, 'saved');
  assert.equal(neurite('train', '--preset', 'toy-binary', '--epochs', '1', '--optimizer', 'rmsprop',
    '--lr-schedule', 'exponential:decay_steps=10,decay_rate=0.5', '--out', saved).status, 0);
  // the file as a person writes one: the topology and the compile settings, no weights
  const { modelTopology, trainingConfig } = JSON.parse(fs.readFileSync(path.join(saved, 'model.json'), 'utf8'));
  const written = path.join(dir, 'model.json');
  fs.writeFileSync(written, JSON.stringify({ modelTopology, trainingConfig }));
  const run = neurite('train', '--model', written, '--epochs', '1');
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /epoch 1\/1 .*learning_rate/, 'the schedule of the trainingConfig is in force');

  trainingConfig.neurite.optimizer = { class_name: 'Lion', config: {} };
  fs.writeFileSync(written, JSON.stringify({ modelTopology, trainingConfig }));
  const bad = neurite('train', '--model', written, '--epochs', '1');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, new RegExp(`${written} trainingConfig: .*Lion`));
});

test('cli.milestones_time_the_first_crossing_and_can_stop_training_there', () => {
  const run = neurite('train', '--preset', 'toy-binary', '--epochs', '20', '--milestones', '0.5', '--milestones-every', '5',
    '--stop-at-milestones');
  assert.equal(run.status, 0, run.stderr);
  const reached = /reached 50 % after [\d.]+ s \(epoch (\d+), batch (\d+)\): accuracy ([\d.]+) on 1000 test images/.exec(run.stdout);
  assert.ok(reached, run.stdout);
  assert.ok(Number(reached[3]) >= 0.5);
  const epochs = run.stdout.match(/^epoch \d+\/20/gm);
  assert.equal(epochs.length, Number(reached[1]), 'training stopped in the epoch that reached it');
  assert.ok(epochs.length < 20);

  for (const [args, message] of [[['--milestones', '0.5,2'], /accuracies in \(0, 1\]/],
    [['--milestones-every', '3'], /need --milestones/]]) {
    const bad = neurite('train', '--preset', 'toy-binary', ...args);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, message);
  }
});
