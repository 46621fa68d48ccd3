// The task optimizer's parameter groups: the orthogonal cell's A (log_weight_hh) moves at its own
// learning rate. Checked on the first update, whose size is known by hand: Adam's first step moves
// every parameter with a non-zero gradient by lr · g / (|g| + ε) ≈ lr · sign(g); RMSprop's (α = 0.99)
// by lr · g / (√0.01 · |g| + ε) ≈ 10 · lr · sign(g).

import test from 'node:test';
import assert from 'node:assert/strict';
import '../../src/autograd/methods.js';
import { Rng } from '../../src/tensor/random.js';
import { TaskModel, type TaskCell } from '../../src/tasks/task_model.js';
import { taskOptimizer, orthogonalParameters } from '../../src/tasks/task_optimizer.js';
import { inputTensor, runTask, taskLoss } from '../../src/tasks/task_train.js';
import { COPY_MEMORY } from '../../src/tasks/copy_memory.js';
import type { TaskSettings } from '../../src/tasks/task_spec.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { cellLabel, settingsFromFlags, type SequenceTaskFlags } from '../../src/cli/tasks/suite_command.js';

function model(cell: TaskCell, bidirectional = false): TaskModel {
  return new TaskModel({ cell, inputSize: 10, hiddenSize: 6, outputSize: 9, readout: 'all', bidirectional }, 0);
}

/** One update of `m` on a copy batch (T = 4); returns each named parameter's change, with its gradient. */
function oneStep(m: TaskModel, s: Partial<TaskSettings>): Map<string, { delta: number[]; grad: number[] }> {
  const opt = taskOptimizer(m, { ...COPY_MEMORY.settings('orth', 4), ...s });
  const batch = COPY_MEMORY.generate(new Rng(5), 3, 4);
  const before = new Map(m.namedParameters().map(([n, p]) => [n, Array.from(p.data as Float32Array)]));
  taskLoss(COPY_MEMORY, m.forward(inputTensor(COPY_MEMORY, batch)), batch).backward();
  opt.step();
  return new Map(m.namedParameters().map(([n, p]: [string, Tensor]) => [n, {
    delta: Array.from(p.data as Float32Array, (v, i) => v - before.get(n)![i]),
    grad: Array.from(p.grad!.data as Float32Array),
  }]));
}

/** Asserts every entry with a clear gradient moved by `size` against it, and the others not at all. */
function assertMoved(name: string, d: { delta: number[]; grad: number[] }, size: number): void {
  let moved = 0;
  d.grad.forEach((g, i) => {
    if (g === 0) return assert.equal(d.delta[i], 0, `${name}[${i}] has no gradient and moved`);
    if (Math.abs(g) < 1e-5) return; // ε is no longer negligible against |g|
    assert.ok(Math.abs(d.delta[i] + size * Math.sign(g)) < 1e-3 * size + 2e-7, `${name}[${i}]: moved ${d.delta[i]}, expected ${-size * Math.sign(g)}`);
    moved++;
  });
  assert.ok(moved > 0, `${name}: no entry had a clear gradient`);
}

test('Adam: log_weight_hh at lrOrth, every other parameter at lr, as the first update shows', () => {
  const steps = oneStep(model('orth'), { optimizer: 'adam', lr: 1e-2, lrOrth: 1e-3 });
  for (const [name, d] of steps) assertMoved(name, d, name.endsWith('log_weight_hh') ? 1e-3 : 1e-2);
  assert.ok([...steps.keys()].some((n) => n.endsWith('log_weight_hh')));
});

test('RMSprop: the same groups, each first update 10 · its lr', () => {
  for (const [name, d] of oneStep(model('orth'), { optimizer: 'rmsprop', lr: 2e-4, lrOrth: 2e-5 })) {
    assertMoved(name, d, name.endsWith('log_weight_hh') ? 2e-4 : 2e-3);
  }
});

test('groups: both directions\' A in the second group; one group without lrOrth or without an orthogonal cell', () => {
  const bi = model('orth', true);
  const opt = taskOptimizer(bi, { ...COPY_MEMORY.settings('orth', 4), lrOrth: 1e-4 });
  assert.equal(opt.paramGroups.length, 2);
  assert.deepEqual(opt.paramGroups[1].params, orthogonalParameters(bi));
  assert.equal(opt.paramGroups[1].params.length, 2);
  assert.equal(opt.paramGroups[1].lr, 1e-4);
  assert.equal(opt.paramGroups[0].params.length + 2, bi.parameters().length);
  assert.equal(taskOptimizer(bi, { ...COPY_MEMORY.settings('orth', 4), lrOrth: undefined }).paramGroups.length, 1);
  assert.equal(taskOptimizer(model('lstm'), { ...COPY_MEMORY.settings('lstm', 4), lrOrth: 1e-4 }).paramGroups.length, 1);
  assert.throws(() => taskOptimizer(bi, { ...COPY_MEMORY.settings('orth', 4), lrOrth: -1 }), /-1/);
});

test('runTask trains with the groups: A moves by at most lrOrth per Adam step while the rest moves at lr', async () => {
  const settings = { steps: 5, time: 60, testSize: 4, evalEvery: 0, batchSize: 4, hiddenSize: 6, lr: 1e-3 };
  const slow = await runTask(COPY_MEMORY, { cell: 'orth', length: 4, settings: { ...settings, lrOrth: 1e-6 } });
  const same = await runTask(COPY_MEMORY, { cell: 'orth', length: 4, settings: { ...settings, lrOrth: 1e-3 } });
  const fresh = model('orth');
  const change = (a: Tensor, b: Tensor) => Math.max(...Array.from(a.data as Float32Array, (v, i) => Math.abs(v - (b.data as Float32Array)[i])));
  const start = orthogonalParameters(fresh)[0];
  assert.ok(change(orthogonalParameters(slow.model)[0], start) <= 5 * 1e-6 * 1.01, 'A moved faster than lrOrth');
  assert.ok(change(orthogonalParameters(same.model)[0], start) > 1e-3, 'A at lr 1e-3 barely moved');
  assert.ok(change(slow.model.head.weight, fresh.head.weight) > 1e-3, 'the head barely moved');
});

test('copy: the orth cell trains A at a tenth of its lr by default; other cells keep one group; --lr-orth overrides', () => {
  const orth = COPY_MEMORY.settings('orth', 1000);
  assert.equal(orth.lr, 1e-3);
  assert.equal(orth.lrOrth, 1e-4);
  for (const cell of ['rnn', 'lstm', 'gru', 'irnn', 'clockwork'] as const) {
    assert.equal(COPY_MEMORY.settings(cell, 1000).lrOrth, undefined, cell);
    assert.equal(COPY_MEMORY.settings(cell, 1000).optimizer, undefined, cell);
  }
  assert.deepEqual(settingsFromFlags({ cell: 'orth', lrOrth: 3e-5 } as SequenceTaskFlags), { lrOrth: 3e-5 });
});

test('SGD: the first update moves every parameter by exactly lr · g (with momentum too: the buffer starts at g)', () => {
  for (const momentum of [undefined, 0.9]) {
    for (const [name, d] of oneStep(model('orth'), { optimizer: 'sgd', lr: 0.05, momentum, lrOrth: 0.01 })) {
      const lr = name.endsWith('log_weight_hh') ? 0.01 : 0.05;
      d.grad.forEach((g, i) => assert.ok(Math.abs(d.delta[i] + lr * g) <= 1e-6 * Math.max(1, Math.abs(lr * g)) + 1e-7,
        `${name}[${i}] (momentum ${momentum}): moved ${d.delta[i]}, expected ${-lr * g}`));
    }
  }
});

test('SGD with momentum: the second update is lr · (μ g₁ + g₂) (heavy ball, as torch.optim.SGD)', () => {
  const m = model('rnn');
  const opt = taskOptimizer(m, { ...COPY_MEMORY.settings('rnn', 4), optimizer: 'sgd', lr: 0.1, momentum: 0.5 });
  const w = m.head.weight;
  const grads: number[][] = [];
  let before: number[] = [];
  for (let step = 0; step < 2; step++) {
    const batch = COPY_MEMORY.generate(new Rng(7 + step), 3, 4);
    opt.zeroGrad();
    taskLoss(COPY_MEMORY, m.forward(inputTensor(COPY_MEMORY, batch)), batch).backward();
    grads.push(Array.from(w.grad!.data as Float32Array));
    before = Array.from(w.data as Float32Array);
    opt.step();
  }
  const after = w.data as Float32Array;
  before.forEach((v, i) => {
    const expected = -0.1 * (0.5 * grads[0][i] + grads[1][i]);
    assert.ok(Math.abs(after[i] - v - expected) <= 1e-6, `head.weight[${i}]: moved ${after[i] - v}, expected ${expected}`);
  });
});

test('--optimizer, --momentum and --clip reach the settings; momentum without sgd is refused by name', () => {
  assert.deepEqual(settingsFromFlags({ cell: 'rnn', optimizer: 'sgd', momentum: 0.9, clip: 0.5 } as SequenceTaskFlags),
    { optimizer: 'sgd', momentum: 0.9, clip: 0.5 });
  assert.throws(() => taskOptimizer(model('rnn'), { ...COPY_MEMORY.settings('rnn', 4), momentum: 0.9 }),
    /expected momentum only with the sgd optimizer, got momentum 0.9 with adam/);
  assert.throws(() => taskOptimizer(model('rnn'), { ...COPY_MEMORY.settings('rnn', 4), optimizer: 'lbfgs' as 'sgd' }),
    /expected an optimizer adam, rmsprop, sgd, got lbfgs/);
});

test('--io-init-std reaches the settings and the task model: its read-out bias starts at zero and W_ih at N(0, s²) scale', async () => {
  assert.deepEqual(settingsFromFlags({ cell: 'rnn', ioInitStd: 0.01 } as SequenceTaskFlags), { ioInitStd: 0.01 });
  // the result line keeps such a run apart from the plain one
  assert.equal(cellLabel('rnn', false, { recurrentInit: 'sparse', ioInitStd: 0.01, informationFlow: 0.02, informationFlowHeld: true }), 'rnn@sparse~io0.01+flow-held');
  assert.equal(cellLabel('rnn', true, { informationFlow: 0.02 }), 'bi-rnn+flow');
  assert.equal(cellLabel('gru', false), 'gru');
  const settings = { steps: 1, time: 60, testSize: 4, evalEvery: 0, batchSize: 4, hiddenSize: 8, lr: 1e-9, ioInitStd: 0.01 };
  const r = await runTask(COPY_MEMORY, { cell: 'rnn', length: 4, settings });
  const p = Object.fromEntries(r.model.namedParameters().map(([n, t]) => [n, t.toArray()]));
  assert.equal((r.model as TaskModel).getConfig().ioInitStd, 0.01);
  assert.ok(p['rnn.weight_ih_l0'].every((v) => Math.abs(v) < 0.06), 'W_ih within 6 standard deviations');
  assert.ok(p['head.bias'].every((v) => Math.abs(v) < 1e-6), 'read-out bias ~0 after one step at lr 1e-9');
});
