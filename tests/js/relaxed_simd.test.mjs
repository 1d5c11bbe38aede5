// The relaxed-SIMD build (neurite-node-relaxed.js, the kernels' multiply-adds as f32x4.relaxed_madd)
// against the SIMD128 one, in child Nodes with and without --experimental-wasm-relaxed-simd (Node 20
// has relaxed SIMD behind that flag; Chromium since 114 by default): the loader's probe says what the
// engine can run, the relaxed module really needs relaxed SIMD, and it trains as the SIMD128 build
// does up to rounding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { root } from './helpers/mnist.mjs';

const wasm = (name) => path.join(root, 'build/wasm', name);
const plain = wasm('neurite-node.js'), relaxed = wasm('neurite-node-relaxed.js');
for (const f of [plain, relaxed]) assert.ok(fs.existsSync(f), `${f} is missing: build it first (bash scripts/build-wasm.sh)`);

const FLAG = '--experimental-wasm-relaxed-simd';
const [v8Major, v8Minor] = process.versions.v8.split('.').map(Number);
// V8 11.4 (Chrome 114) shipped relaxed SIMD: from there on the flag is on by default
const relaxedByDefault = v8Major > 11 || (v8Major === 11 && v8Minor >= 4);

function trainBriefly(modulePath, nodeFlags) {
  const run = spawnSync(process.execPath, [...nodeFlags, path.join(root, 'tests/js/helpers/train-briefly.mjs'), modulePath],
    { encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr, result: run.status === 0 ? JSON.parse(run.stdout) : null };
}

const withFlag = { plain: trainBriefly(plain, [FLAG]), relaxed: trainBriefly(relaxed, [FLAG]) };

test('the loader validates relaxed SIMD exactly where the engine has it', () => {
  assert.equal(withFlag.plain.status, 0, withFlag.plain.stderr);
  assert.equal(withFlag.plain.result.relaxedSupported, true);
  const without = trainBriefly(plain, []);
  assert.equal(without.status, 0, without.stderr);
  assert.equal(without.result.relaxedSupported, relaxedByDefault);
});

test('the relaxed module needs relaxed SIMD: an engine without it cannot compile it', { skip: relaxedByDefault && 'this Node has relaxed SIMD by default' }, () => {
  const run = trainBriefly(relaxed, []);
  assert.notEqual(run.status, 0, 'the relaxed-SIMD module compiled without relaxed SIMD: it holds no relaxed instruction');
  assert.match(run.stderr, /CompileError|invalid simd opcode|relaxed/i);
});

test('the relaxed build reports FMA and trains as the SIMD128 build does, up to rounding', (t) => {
  for (const run of Object.values(withFlag)) assert.equal(run.status, 0, run.stderr);
  const a = withFlag.plain.result, b = withFlag.relaxed.result;
  assert.deepEqual([a.build.simd, a.build.fma], ['wasm', false]);
  assert.deepEqual([b.build.simd, b.build.fma], ['wasm', true]);
  // A fused multiply-add rounds once where a multiply and an add round twice: each dot product's
  // last bits move (more where the CPU fuses: relaxed_madd is a plain multiply-add on a CPU
  // without FMA), and 20 Adam steps carry that along, but no further than rounding noise.
  assert.equal(b.losses.length, 20);
  const lossGap = Math.max(...a.losses.map((x, i) => Math.abs(x - b.losses[i]) / x));
  const outputGap = Math.max(...a.outputs.map((x, i) => Math.abs(x - b.outputs[i])));
  t.diagnostic(`largest gaps: running loss ${lossGap.toExponential(2)} (relative), outputs ${outputGap.toExponential(2)}`);
  assert.ok(a.losses[19] < a.losses[0], `the loss falls: ${a.losses[0]} -> ${a.losses[19]}`);
  assert.ok(lossGap < 1e-6, `running losses differ by up to ${lossGap} (relative)`);
  assert.ok(outputGap < 1e-4, `outputs differ by up to ${outputGap}`);
});
