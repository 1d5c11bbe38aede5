// dist/neurite.d.ts: tsc checks the README's calls (tests/types/example.ts) against it, and every
// export of the library is declared (a new export without a declaration fails here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { root } from './helpers/mnist.mjs';

test('types.the_example_type_checks_against_neurite_d_ts', () => {
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tests/types/tsconfig.json')], { encoding: 'utf8' });
  assert.equal(run.status, 0, `tsc found problems:\n${run.stdout}${run.stderr}`);
});

test('types.every_export_is_declared', async () => {
  const nn = await import(path.join(root, 'dist/neurite.js'));
  const declarations = fs.readFileSync(path.join(root, 'dist/neurite.d.ts'), 'utf8');
  const declared = new Set([...declarations.matchAll(/^export (?:const|function|class|let) (\w+)/gm)].map((m) => m[1]));
  const missing = Object.keys(nn).filter((name) => !declared.has(name));
  assert.deepEqual(missing, [], 'exports of dist/neurite.js without a declaration in neurite.d.ts');
  const extra = [...declared].filter((name) => !(name in nn));
  assert.deepEqual(extra, [], 'declarations in neurite.d.ts of names the library does not export');
});
