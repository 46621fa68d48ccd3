// Short versions of the tasks learn in seconds: tiny networks, short sequences and a few hundred
// steps already beat each task's trivial baseline by a wide margin, and on the tagging task only
// the bidirectional network can (the unidirectional one stays at chance).

import test from 'node:test';
import assert from 'node:assert/strict';
import { runTask } from '../../src/tasks/task_train.js';
import { ADDING } from '../../src/tasks/adding.js';
import { TAGGING } from '../../src/tasks/tagging.js';
import { PARITY } from '../../src/tasks/parity.js';
import { COUNTING } from '../../src/tasks/counting.js';
import { CLASSIFICATION } from '../../src/tasks/classification.js';
import { REBER } from '../../src/tasks/reber.js';
import type { SequenceTask, TaskSettings } from '../../src/tasks/task_spec.js';
import type { TaskCell } from '../../src/tasks/task_model.js';

const tiny = (steps: number): Partial<TaskSettings> => ({ steps, time: 0, lr: 1e-2, hiddenSize: 16, batchSize: 32, testSize: 200, evalEvery: 0 });

async function run(task: SequenceTask, cell: TaskCell, T: number, steps: number, bidirectional?: boolean): Promise<number> {
  return (await runTask(task, { cell, length: T, seed: 1, settings: tiny(steps), bidirectional })).value;
}

test('adding, T = 10: an LSTM goes far under the baseline MSE 0.167 in 300 steps', async () => {
  const mse = await run(ADDING, 'lstm', 10, 300);
  assert.ok(mse < 0.05, `mse ${mse}`);
});

test('tagging with the future, T = 8: bidirectional learns, unidirectional stays at chance', async () => {
  const bi = await run(TAGGING, 'lstm', 8, 200, true);
  const uni = await run(TAGGING, 'lstm', 8, 200, false);
  assert.ok(bi > 0.4, `bidirectional accuracy ${bi}`);
  assert.ok(uni < 0.2, `unidirectional accuracy ${uni}`);
});

test('parity of zeros, T = 10: a GRU keeps the running parity', async () => {
  const acc = await run(PARITY, 'gru', 10, 200);
  assert.ok(acc > 0.9, `accuracy ${acc}`);
});

test('counting ones, T = 6: an LSTM counts (baseline 0.31)', async () => {
  const acc = await run(COUNTING, 'lstm', 6, 300);
  assert.ok(acc > 0.8, `accuracy ${acc}`);
});

test('temporal order, T = 10: a many-to-one LSTM classifies (baseline 0.25)', async () => {
  const acc = await run(CLASSIFICATION, 'lstm', 10, 300);
  assert.ok(acc > 0.8, `accuracy ${acc}`);
});

test('embedded Reber: an LSTM with the task\'s settings solves most strings after 400 steps', async () => {
  const solved = (await runTask(REBER, { cell: 'lstm', length: 0, seed: 0, settings: { steps: 400, time: 0, testSize: 200, evalEvery: 0 } })).value;
  assert.ok(solved > 0.8, `solved ${solved}`);
});
