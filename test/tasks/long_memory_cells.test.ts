// The long-memory cells inside the task suite's training (runTask: fit, Adam, clipping), in seconds:
// the IRNN leaves the adding problem's baseline at T = 20 in 400 steps where the tanh RNN has not
// yet moved, each new cell runs a task end to end in both directions, and the information-flow
// regulariser trains the tanh RNN through runTask. (The new TaskModels' config and checkpoint round
// trips are model_zoo.ts cases.)

import test from 'node:test';
import assert from 'node:assert/strict';
import '../../src/autograd/methods.js';
import { runTask } from '../../src/tasks/task_train.js';
import { ADDING } from '../../src/tasks/adding.js';
import { COPY_MEMORY } from '../../src/tasks/copy_memory.js';
import { Rng } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';

const quick = { testSize: 200, evalEvery: 0, time: 60 };

test('adding T = 20: the IRNN goes far below the baseline in 400 steps; the tanh RNN is still near it', async () => {
  const irnn = await runTask(ADDING, { cell: 'irnn', length: 20, settings: { ...quick, steps: 400 } });
  const tanh = await runTask(ADDING, { cell: 'rnn', length: 20, settings: { ...quick, steps: 400 } });
  assert.ok(irnn.value < 0.3 * irnn.baseline!, `IRNN mse ${irnn.value} (baseline ${irnn.baseline})`);
  assert.ok(tanh.value > 0.6 * tanh.baseline!, `tanh RNN mse ${tanh.value}`);
});

test('every new cell runs a task end to end (orth and clockwork on copy, both directions)', async () => {
  for (const cell of ['orth', 'clockwork', 'irnn'] as const) {
    for (const bidirectional of [false, true]) {
      const r = await runTask(COPY_MEMORY, { cell, length: 3, bidirectional, settings: { ...quick, steps: 3, testSize: 8, batchSize: 4, hiddenSize: 8 } });
      assert.equal(r.steps, 3);
      assert.ok(Number.isFinite(r.value), `${cell}: ${r.value}`);
      assert.equal(r.model.config.cell, cell);
    }
  }
});

test('informationFlow: runTask trains the tanh RNN on L + λΩ; other models are refused by name', async () => {
  const base = { ...quick, steps: 30 };
  const plain = await runTask(ADDING, { cell: 'rnn', length: 20, settings: base });
  const flow = await runTask(ADDING, { cell: 'rnn', length: 20, settings: { ...base, informationFlow: 2 } });
  assert.equal(flow.steps, 30);
  assert.ok(Number.isFinite(flow.value));
  assert.notEqual(flow.value, plain.value, 'the penalty changed the training');
  // forwardWithStates gives forward's outputs, and the states Ω reads
  const x = ADDING.generate(new Rng(3), 4, 20);
  const input = new Tensor(x.inputs, [20, 4, 2]);
  const r = flow.model.forwardWithStates(input);
  assert.deepEqual(r.y.toArray(), flow.model.forward(input).toArray());
  assert.deepEqual([...r.output.shape], [20, 4, 32]);
  await assert.rejects(runTask(ADDING, { cell: 'lstm', length: 20, settings: { ...base, informationFlow: 1 } }),
    /expected a one-direction rnn or irnn model for the information-flow regulariser, got lstm/);
  await assert.rejects(runTask(ADDING, { cell: 'rnn', length: 20, settings: { ...base, informationFlow: -1 } }), /expected an information-flow weight >= 0, got -1/);
});
