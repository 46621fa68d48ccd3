// The NTM tasks: the copy and associative-recall sequences laid out as the paper describes, bit
// errors counted by hand for a read-out that says 1 everywhere, a short NTM run end to end with the
// weightings its report draws, and the two `unfold tasks` commands' result lines.

import test from 'node:test';
import assert from 'node:assert/strict';
import { BitSequenceModel, NTM_COPY, NTM_RECALL, bitErrors, runBitTask } from '../../src/tasks/ntm_tasks.js';
import { runCommand } from '../helpers/command.js';
import { Rng } from '../../src/tensor/random.js';

test('ntm-copy: L vectors, the delimiter, then L blank steps whose targets are the vectors', () => {
  const b = NTM_COPY.generate(new Rng(1), 2, 3);
  assert.deepEqual([...b.x.shape], [7, 2, 9]);
  assert.deepEqual([...b.y.shape], [3, 2, 8]);
  assert.equal(b.outStart, 4);
  const x = b.x.toArray(), y = b.y.toArray();
  for (let t = 0; t < 7; t++) {
    for (let r = 0; r < 2; r++) {
      const row = x.slice((t * 2 + r) * 9, (t * 2 + r + 1) * 9);
      if (t < 3) { assert.deepEqual(row.slice(0, 8), y.slice((t * 2 + r) * 8, (t * 2 + r + 1) * 8)); assert.equal(row[8], 0); }
      else if (t === 3) assert.deepEqual(row, [0, 0, 0, 0, 0, 0, 0, 0, 1]);
      else assert.ok(row.every((v) => v === 0));
    }
  }
  assert.throws(() => NTM_COPY.generate(new Rng(1), 1, 0), /ntm-copy: expected a length that is an integer >= 1, got 0/);
});

test('ntm-recall: items after delimiters, the query between query delimiters, the target the next item', () => {
  const n = 4, b = NTM_RECALL.generate(new Rng(2), 1, n), I = 8;
  assert.deepEqual([...b.x.shape], [4 * n + 8, 1, I]);
  const x = b.x.toArray(), step = (t: number) => x.slice(t * I, (t + 1) * I);
  const item = (i: number) => [1, 2, 3].map((j) => step(4 * i + j).slice(0, 6));
  for (let i = 0; i < n; i++) assert.deepEqual(step(4 * i), [0, 0, 0, 0, 0, 0, 1, 0]);
  assert.deepEqual(step(4 * n), [0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(step(4 * n + 4), [0, 0, 0, 0, 0, 0, 0, 1]);
  const query = [1, 2, 3].map((j) => step(4 * n + j).slice(0, 6));
  const q = [0, 1, 2].find((i) => JSON.stringify(item(i)) === JSON.stringify(query));
  assert.ok(q !== undefined, 'the query is one of the first n − 1 items');
  assert.deepEqual(b.y.toArray(), item(q + 1).flat());
  assert.equal(b.outStart, 4 * n + 5);
  for (let t = b.outStart; t < 4 * n + 8; t++) assert.ok(step(t).every((v) => v === 0));
});

test('bit errors per sequence: a read-out that says 1 everywhere is wrong exactly on the 0 bits', () => {
  const m = new BitSequenceModel({ model: 'lstm', inputSize: 9, outputSize: 8, hiddenSize: 4 });
  m.head.weight.data.fill(0);
  m.head.bias!.data.fill(1);
  const batch = NTM_COPY.generate(new Rng(3), 5, 4);
  const zeros = batch.y.toArray().filter((v) => v === 0).length;
  assert.equal(bitErrors(NTM_COPY, m, batch), zeros / 5);
});

test('runBitTask: a short NTM run reports errors per test length against a coin flip; the weightings are distributions', async () => {
  const res = await runBitTask(NTM_COPY, { model: 'ntm', trainLengths: [1, 3], testLengths: [2, 5], steps: 4, hiddenSize: 8, memorySize: 12, memoryWidth: 4, testSize: 6, batchSize: 3 });
  assert.equal(res.steps, 4);
  assert.deepEqual(res.errors.map((e) => [e.length, e.baseline]), [[2, 8], [5, 20]]);
  for (const e of res.errors) assert.ok(e.value >= 0 && e.value <= 8 * e.length);
  const w = res.model.weightings(NTM_COPY.generate(new Rng(4), 1, 3).x)!;
  assert.equal(w.read.length, 7);
  for (const row of [...w.read, ...w.write]) {
    assert.equal(row.length, 12);
    assert.ok(Math.abs(row.reduce((a, v) => a + v, 0) - 1) < 1e-4);
  }
  assert.equal(new BitSequenceModel({ model: 'lstm', inputSize: 9, outputSize: 8, hiddenSize: 4 }).weightings(NTM_COPY.generate(new Rng(4), 1, 3).x), null);
});

test('unfold tasks ntm-copy / ntm-recall --json: one result line per test length', () => {
  const c = runCommand('tasks/ntm', 'ntmCopyTask', '--model', 'lstm', '--steps', '2', '--hidden', '4', '--train-lengths', '1-2', '--test-lengths', '2,4', '--test', '3', '--json');
  assert.equal(c.status, 0, c.stderr);
  const copy = c.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(copy.map((r) => [r.task, r.cell, r.length, r.metric, r.baseline, r.steps]), [['ntm-copy', 'lstm', 2, 'bit_errors', 8, 2], ['ntm-copy', 'lstm', 4, 'bit_errors', 16, 2]]);
  const r = runCommand('tasks/ntm', 'ntmRecallTask', '--steps', '1', '--hidden', '4', '--memory', '8', '--width', '3', '--test-lengths', '3', '--test', '2', '--json');
  assert.equal(r.status, 0, r.stderr);
  const recall = r.stdout.trim().split('\n');
  assert.equal(recall.length, 1);
  assert.match(recall[0], /^\{"task":"ntm-recall","cell":"ntm","length":3,"metric":"bit_errors","value":[\d.]+,"baseline":9,"steps":1,/);
  const bad = runCommand('tasks/ntm', 'ntmCopyTask', '--train-lengths', '5-2');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /expected lengths a-b with 1 <= a <= b, got '5-2'/);
});
