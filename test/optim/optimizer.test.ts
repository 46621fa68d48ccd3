// The Optimizer contract beyond the torch trajectories: hand-computed single steps, parameter
// groups and defaults, lr get/set, zeroGrad, skipping parameters without gradients, buffers made
// once and reused, float32 and float64, closures, and the errors for bad arguments.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, tensor } from '../../src/tensor/tensor.js';
import { Adagrad, Adam, AdamW, RMSprop, SGD } from '../../src/optim/index.js';
import { makeParams, runSteps } from './helpers.js';

const p64 = (v: number[]): Tensor => tensor(v, undefined, { dtype: 'float64', requiresGrad: true });
const g64 = (v: number[]): Tensor => tensor(v, undefined, { dtype: 'float64' });

test('one step of each optimizer equals its equation worked by hand', () => {
  const cases: [string, (p: Tensor) => { step(): unknown }, (x: number, g: number) => number][] = [
    ['SGD', (p) => new SGD([p], { lr: 0.1, weightDecay: 0.5 }), (x, g) => x - 0.1 * (g + 0.5 * x)],
    ['SGD momentum (first step copies g)', (p) => new SGD([p], { lr: 0.1, momentum: 0.9, dampening: 0.5 }), (x, g) => x - 0.1 * g],
    ['SGD nesterov', (p) => new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true }), (x, g) => x - 0.1 * (g + 0.9 * g)],
    // m̂ = g, v̂ = g², so the first Adam step is lr · g / (|g| + ε).
    ['Adam', (p) => new Adam([p], { lr: 0.01, eps: 1e-3 }), (x, g) => x - 0.01 * g / (Math.abs(g) + 1e-3)],
    ['AdamW', (p) => new AdamW([p], { lr: 0.01, eps: 1e-3, weightDecay: 0.1 }), (x, g) => x * (1 - 0.001) - 0.01 * g / (Math.abs(g) + 1e-3)],
    ['RMSprop', (p) => new RMSprop([p], { lr: 0.01, alpha: 0.9 }), (x, g) => x - 0.01 * g / (Math.sqrt(0.1 * g * g) + 1e-8)],
    ['RMSprop centered', (p) => new RMSprop([p], { lr: 0.01, alpha: 0.9, centered: true }),
      (x, g) => x - 0.01 * g / (Math.sqrt(0.1 * g * g - 0.01 * g * g) + 1e-8)],
    ['Adagrad', (p) => new Adagrad([p], { lr: 0.1, initialAccumulatorValue: 1 }), (x, g) => x - 0.1 * g / (Math.sqrt(1 + g * g) + 1e-10)],
  ];
  const x0 = [0.5, -1.25, 2], g = [0.3, -2, 0];
  for (const [name, make, expected] of cases) {
    const p = p64(x0);
    const opt = make(p);
    p.grad = g64(g);
    opt.step();
    x0.forEach((x, i) => assert.ok(Math.abs(p.data[i] - expected(x, g[i])) <= 1e-15 * Math.max(1, Math.abs(x)),
      `${name}[${i}]: ${p.data[i]} vs ${expected(x, g[i])}`));
  }
});

test('AdamW with a zero gradient only decays the weights: θ ← θ (1 − γλ)', () => {
  const p = p64([1, -2]);
  const opt = new AdamW([p], { lr: 0.1 });
  assert.equal(opt.paramGroups[0].weightDecay, 1e-2, 'default weight decay as torch');
  for (let t = 0; t < 3; t++) { p.grad = g64([0, 0]); opt.step(); }
  assert.deepEqual(Array.from(p.data), [1, -2].map((x) => x * (1 - 0.001) * (1 - 0.001) * (1 - 0.001)));
});

test('parameter groups take their own hyper-parameters and the defaults for the rest', () => {
  const [a, b, c] = makeParams();
  const opt = new Adam([{ params: [a], lr: 0.5, betas: [0.8, 0.9] }, { params: [b, c] }], { lr: 0.01, eps: 1e-6 });
  assert.deepEqual(opt.paramGroups.map((g) => [g.lr, g.betas, g.eps, g.params.length]), [[0.5, [0.8, 0.9], 1e-6, 1], [0.01, [0.9, 0.999], 1e-6, 2]]);
  assert.equal(opt.lr, 0.5);
  opt.lr = 0.2;
  assert.deepEqual(opt.paramGroups.map((g) => g.lr), [0.2, 0.2]);
  assert.deepEqual(opt.params, [a, b, c]);
  assert.throws(() => { opt.lr = -1; }, /invalid learning rate -1/);
});

test('zeroGrad sets grads to null, or fills them with zeros in place', () => {
  const params = makeParams();
  const opt = new SGD(params);
  runSteps({}, opt, params, 0, 1);
  const g = params[0].grad!;
  opt.zeroGrad(false);
  assert.equal(params[0].grad, g);
  assert.deepEqual(Array.from(g.data), [0, 0, 0, 0, 0, 0]);
  assert.equal(params[2].grad, null);
  opt.zeroGrad();
  assert.deepEqual(params.map((p) => p.grad), [null, null, null]);
});

test('parameters without a grad are skipped: unchanged, no state, no step counted', () => {
  const params = makeParams();
  const opt = new Adam(params, { lr: 0.1 });
  runSteps({ skip: [[1, 1]] }, opt, params, 0, 3);
  assert.deepEqual(Array.from(params[2].data), [0.25, -0.75]);
  assert.equal(opt.stateOf(params[2]), null);
  assert.equal(opt.stateOf(params[0])!.step, 3);
  assert.equal(opt.stateOf(params[1])!.step, 2);
});

test('state buffers are created once and updated in place; parameters keep their buffers and dtype', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    const params = makeParams(dtype);
    const datas = params.map((p) => p.data);
    const opts = [new SGD(params, { momentum: 0.9 }), new Adam(params, { amsgrad: true }), new RMSprop(params, { momentum: 0.5, centered: true }), new Adagrad(params)];
    for (const opt of opts) {
      runSteps({}, opt, params, 0, 1);
      const bufs = Object.values(opt.stateOf(params[0])!.buffers);
      assert.ok(bufs.length > 0 && bufs.every((b) => b.dtype === dtype), `${opt.kind} ${dtype} buffers`);
      runSteps({}, opt, params, 1, 3);
      assert.deepEqual(Object.values(opt.stateOf(params[0])!.buffers), bufs, `${opt.kind} reuses its buffers`);
      bufs.forEach((b, i) => assert.equal(Object.values(opt.stateOf(params[0])!.buffers)[i], b));
    }
    params.forEach((p, i) => { assert.equal(p.data, datas[i]); assert.ok(p.isLeaf && p.gradFn === null); });
  }
});

test('step(closure) evaluates the loss first and returns it', () => {
  const params = makeParams();
  const opt = new SGD(params, { lr: 0.01 });
  let calls = 0;
  const loss = opt.step(() => {
    calls++;
    params[0].grad = tensor(new Float64Array(6).fill(1), [2, 3]);
    return 42;
  });
  assert.equal(loss, 42);
  assert.equal(calls, 1);
  assert.ok(Math.abs(params[0].data[0] - (-1.2 - 0.01)) < 1e-15);
});

test('bad arguments get clear errors', () => {
  const [a, b] = makeParams();
  assert.throws(() => new SGD([]), /SGD: got an empty parameter list/);
  assert.throws(() => new SGD([a, a]), /SGD: a parameter appears more than once/);
  assert.throws(() => new Adam([{ params: [a] }, { params: [a] }]), /Adam: a parameter appears more than once/);
  const nonLeaf = tensor([1, 2]);
  nonLeaf.gradFn = { name: 'Mul', inputs: [], backward: () => [] };
  assert.throws(() => new SGD([nonLeaf]), /SGD: can only optimize leaf tensors/);
  assert.throws(() => new SGD([a], { lr: -0.1 }), /SGD: invalid learning rate -0.1 \(expected lr >= 0\)/);
  assert.throws(() => new SGD([a], { nesterov: true }), /Nesterov momentum requires momentum > 0 and dampening = 0/);
  assert.throws(() => new Adam([a], { betas: [0.9, 1] }), /Adam: invalid beta2 1 \(expected 0 <= beta2 < 1\)/);
  assert.throws(() => new AdamW([a], { eps: -1 }), /AdamW: invalid eps -1/);
  assert.throws(() => new RMSprop([a], { alpha: -0.5 }), /RMSprop: invalid alpha -0.5/);
  assert.throws(() => new Adagrad([a], { lrDecay: NaN }), /Adagrad: invalid lrDecay NaN/);
  assert.throws(() => new Adam([{ params: [a], momentum: 0.9 } as never]), /Adam: unknown hyper-parameter 'momentum'/);
  assert.throws(() => new Adam([{ params: [a], betas: [0.9] } as never]), /expected hyper-parameter 'betas' to be an array of 2 numbers, got \[0.9\]/);
  const opt = new SGD([a, b]);
  a.grad = tensor([1, 2]);
  assert.throws(() => opt.step(), /SGD: expected a gradient of shape \[2, 3\], got \[2\]/);
});
