// The expr-parse task: a short run of the tree decoder learns in seconds (held-out one-operator
// strings parsed right, the loss far below its start); the command ends with the common JSON result
// line, one entry per model; a bad model name is refused naming the choices.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { exprParse } from '../../src/tasks/expr_parse.js';
import { CLI as main } from '../helpers/files.js';

test('expr-parse, short: the tree decoder learns to parse held-out short strings', async () => {
  const [r] = await exprParse({
    models: ['tree'], trainOperators: 2, testOperators: 2, testSize: 30, hiddenSize: 32, embeddingSize: 16, batchSize: 16, steps: 100, lr: 1e-2, seed: 1,
  });
  assert.equal(r.steps, 100);
  assert.ok(r.perLength[0].exact >= 0.8, `exact match on one operator ${r.perLength[0].exact}`);
  assert.ok(r.loss < 0.35 * r.firstLoss, `loss ${r.loss} from ${r.firstLoss}`);
  assert.ok(Number.isNaN(r.long), 'no longer lengths were tested');
});

test('the command ends with the JSON result line; a bad model is refused', () => {
  const r = spawnSync(process.execPath, [main, 'tasks', 'expr-parse', '--steps', '2', '--test', '3', '--train-ops', '1', '--test-ops', '2', '--hidden', '8', '--embedding', '4', '--batch', '4', '--beam', '2', '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 1, r.stdout);
  const j = JSON.parse(lines[0]) as Record<string, unknown>;
  assert.equal(j.task, 'expr-parse');
  assert.equal(j.metric, 'exact_match');
  assert.equal(j.length, 2);
  assert.ok(Number.isFinite(j.value) && Number.isFinite(j.baseline) && j.steps === 2, lines[0]);
  assert.deepEqual(Object.keys(j.models as object), ['tree', 'seq']);
  const bad = spawnSync(process.execPath, [main, 'tasks', 'expr-parse', '--models', 'tree,lstm'], { encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /expected one of tree, seq, got 'lstm'/);
});
