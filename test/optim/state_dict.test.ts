// Optimizer state dicts: a run that is saved after 3 steps and resumed in a fresh optimizer must
// equal an uninterrupted 5-step run bit for bit, for every reference case; bad checkpoints must be
// refused with errors that name the tensor, shape or field, leaving the optimizer untouched.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, tensor, zeros } from '../../src/tensor/tensor.js';
import { Adam, AdamW, SGD, type OptimizerStateDict } from '../../src/optim/index.js';
import { makeOptimizer, makeParams, reference, runSteps } from './helpers.js';

/** What a checkpoint round trip does: meta through JSON, tensors copied (as a file would). */
function throughCheckpoint(d: OptimizerStateDict): OptimizerStateDict {
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(d.tensors)) tensors[k] = new Tensor(t.data.slice(), t.shape);
  return { tensors, meta: JSON.parse(JSON.stringify(d.meta)) };
}

for (const c of reference.optimizers) {
  test(`${c.optimizer} resumes exactly from a state dict: ${c.name}`, () => {
    const straight = makeParams(c.dtype);
    runSteps(c, makeOptimizer(c, straight), straight, 0, 5);

    const first = makeParams(c.dtype);
    const opt1 = makeOptimizer(c, first);
    runSteps(c, opt1, first, 0, 3);
    const saved = throughCheckpoint(opt1.stateDict());

    // A fresh run: parameters restored from the "checkpoint", optimizer built with default
    // hyper-parameters, which the state dict must replace.
    const second = makeParams(c.dtype);
    second.forEach((p, i) => p.data.set(first[i].data));
    const opt2 = makeOptimizer({ ...c, options: {} }, second);
    opt2.loadStateDict(saved);
    assert.deepEqual(opt2.paramGroups.map(({ params: _, ...h }) => h), opt1.paramGroups.map(({ params: _, ...h }) => h));
    runSteps(c, opt2, second, 3, 2);
    second.forEach((p, i) => assert.deepEqual(Array.from(p.data), Array.from(straight[i].data), `param ${i}`));
  });
}

test('stateDict is a snapshot: later steps do not change it, and its names follow torch', () => {
  const params = makeParams();
  const opt = new Adam(params, { lr: 0.01, amsgrad: true });
  runSteps({}, opt, params, 0, 2);
  const d = opt.stateDict();
  assert.deepEqual(Object.keys(d.tensors).sort(), [
    'state.0.exp_avg', 'state.0.exp_avg_sq', 'state.0.max_exp_avg_sq',
    'state.1.exp_avg', 'state.1.exp_avg_sq', 'state.1.max_exp_avg_sq',
  ]);
  assert.deepEqual(d.meta.state, { 0: { step: 2 }, 1: { step: 2 } }, 'p2 never had a grad, so it has no state');
  assert.deepEqual(d.meta.paramGroups, [{ lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: true, maximize: false, params: [0, 1, 2] }]);
  assert.deepEqual(d.tensors['state.0.exp_avg'].shape, [2, 3]);
  const before = Array.from(d.tensors['state.0.exp_avg'].data);
  runSteps({}, opt, params, 2, 1);
  assert.deepEqual(Array.from(d.tensors['state.0.exp_avg'].data), before);
});

/** Adam over four parameters, the last [256, 64], after one step. */
function adamWithShapes(last: number[]): { opt: Adam; params: Tensor[] } {
  const params = [zeros([3]), zeros([2, 2]), zeros([1]), zeros(last)].map((p) => p.requiresGrad_());
  const opt = new Adam(params);
  for (const p of params) p.grad = tensor(new Float32Array(p.size).fill(0.5), p.shape);
  opt.step();
  return { opt, params };
}

function expectLoadError(load: () => void, message: string | RegExp): void {
  assert.throws(load, (e: Error) => {
    if (typeof message === 'string' ? !e.message.includes(message) : !message.test(e.message)) {
      assert.fail(`unexpected message: ${e.message}`);
    }
    return true;
  });
}

test('loading checks every state tensor shape and names it', () => {
  const saved = adamWithShapes([256, 64]).opt.stateDict();
  const { opt } = adamWithShapes([512, 64]);
  const before = opt.stateDict();
  expectLoadError(() => opt.loadStateDict(saved), 'Adam.loadStateDict: expected state tensor state.3.exp_avg of shape [512, 64], got [256, 64]');
  assert.deepEqual(opt.stateDict(), before, 'a refused state dict changes nothing');
});

test('loading names missing, unexpected and misplaced state', () => {
  const { opt } = adamWithShapes([4]);
  const good = opt.stateDict();
  const edit = (f: (d: OptimizerStateDict) => void): OptimizerStateDict => { const d = throughCheckpoint(good); f(d); return d; };

  expectLoadError(() => opt.loadStateDict(edit((d) => { delete d.tensors['state.1.exp_avg_sq']; })), 'missing state tensor state.1.exp_avg_sq');
  expectLoadError(() => opt.loadStateDict(edit((d) => { d.tensors['state.1.momentum_buffer'] = zeros([2, 2]); })), 'unexpected state tensor state.1.momentum_buffer');
  expectLoadError(() => opt.loadStateDict(edit((d) => { d.tensors['exp_avg'] = zeros([3]); })), 'unexpected state tensor exp_avg');
  expectLoadError(() => opt.loadStateDict(edit((d) => { d.meta.state['7'] = { step: 1 }; })), 'meta.state has an entry for parameter 7, but the optimizer has 4 parameters');
  expectLoadError(() => opt.loadStateDict(edit((d) => { d.meta.state['0'] = { step: -1 }; })), 'expected meta.state.0.step to be a non-negative integer, got -1');
  // amsgrad needs the running maximum too.
  expectLoadError(() => opt.loadStateDict(edit((d) => { d.meta.paramGroups[0].amsgrad = true; })), 'missing state tensor state.0.max_exp_avg_sq');
});

test('loading checks the optimizer kind, the groups and the hyper-parameters', () => {
  const { opt } = adamWithShapes([4]);
  const good = opt.stateDict();
  const edit = (f: (d: OptimizerStateDict) => void): OptimizerStateDict => { const d = throughCheckpoint(good); f(d); return d; };

  const sgd = new SGD(opt.params);
  expectLoadError(() => sgd.loadStateDict(good), 'SGD.loadStateDict: expected optimizer state for SGD, got "Adam"');
  expectLoadError(() => new AdamW(opt.params).loadStateDict(good), 'expected optimizer state for AdamW, got "Adam"');
  expectLoadError(() => opt.loadStateDict(edit((d) => { d.meta.paramGroups.push({ ...d.meta.paramGroups[0], params: [] }); })),
    'the state dict has 2 parameter groups, the optimizer has 1');
  expectLoadError(() => opt.loadStateDict(edit((d) => { d.meta.paramGroups[0].params = [0, 1, 2]; })),
    'parameter group 0 has 3 parameters in the state dict, 4 in the optimizer');
  expectLoadError(() => opt.loadStateDict(edit((d) => { d.meta.paramGroups[0].betas = [0.9]; })),
    "parameter group 0: expected hyper-parameter 'betas' to be an array of 2 numbers, got [0.9]");
  expectLoadError(() => opt.loadStateDict(edit((d) => { d.meta.paramGroups[0].momentum = 0.9; })), "parameter group 0: unknown hyper-parameter 'momentum'");
  expectLoadError(() => opt.loadStateDict(edit((d) => { d.meta.paramGroups[0].lr = -1; })), 'Adam: invalid learning rate -1 (expected lr >= 0)');
  expectLoadError(() => opt.loadStateDict({ tensors: {}, meta: null }), 'expected meta to be an object, got null');
  expectLoadError(() => opt.loadStateDict({ tensors: {}, meta: { optimizer: 'Adam' } }), 'expected meta.paramGroups to be an array');
});

test('a loaded float32 state converts into float64 parameters', () => {
  const p32 = [tensor([1, 2, 3], undefined, { requiresGrad: true })];
  const opt32 = new SGD(p32, { lr: 0.1, momentum: 0.9 });
  p32[0].grad = tensor([0.5, -1, 2]);
  opt32.step();
  const p64 = [tensor([1, 2, 3], undefined, { dtype: 'float64', requiresGrad: true })];
  const opt64 = new SGD(p64, { lr: 0.1, momentum: 0.9 });
  opt64.loadStateDict(opt32.stateDict());
  const buf = opt64.stateOf(p64[0])!.buffers.momentum_buffer.read();
  assert.ok(buf instanceof Float64Array);
  assert.deepEqual(Array.from(buf), [0.5, -1, 2]);
});
