// Finite-difference checks (float64) of the element-wise ops, with broadcasting on either side and
// constants on either side; every input's gradient must come back with the input's shape.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { tensor } from '../../../src/tensor/tensor.js';
import { check, rand64 } from '../../helpers/tensors.js';

const shapePairs: [number[], number[]][] = [
  [[3, 1, 5], [4, 1]], [[2, 3], [2, 3]], [[2, 3], []], [[], [2, 3]], [[4], [3, 1]], [[2, 1, 3], [1, 4, 1]],
];

for (const name of ['add', 'sub', 'mul', 'div', 'maximum'] as const) {
  test(`gradcheck ${name} with broadcasting`, () => {
    let seed = 1;
    for (const [sa, sb] of shapePairs) {
      const a = rand64(sa, seed++);
      // keep divisors away from 0 and maximum away from ties
      const b = name === 'div' ? rand64(sb, seed++, { lo: 0.5, hi: 2 }) : rand64(sb, seed++);
      check((x, y) => ops[name](x, y), [a, b]);
    }
  });
}

test('gradcheck add/sub/mul/div with a number on either side', () => {
  const x = rand64([2, 3], 7, { lo: 0.5, hi: 2 });
  check((t) => ops.add(t, 2.5), [x]);
  check((t) => ops.add(2.5, t), [x]);
  check((t) => ops.sub(t, 2.5), [x]);
  check((t) => ops.sub(2.5, t), [x]);
  check((t) => ops.mul(t, -1.5), [x]);
  check((t) => ops.mul(-1.5, t), [x]);
  check((t) => ops.div(t, 3), [x]);
  check((t) => ops.div(3, t), [x]);
});

test('number-first forms compute the right values (2.5 − x, 3 / x)', () => {
  const x = tensor([1, 2, 4], undefined, { dtype: 'float64' });
  assert.deepEqual(ops.sub(2.5, x).toArray(), [1.5, 0.5, -1.5]);
  assert.deepEqual(ops.div(3, x).toArray(), [3, 1.5, 0.75]);
});

test('only one side requiring grad', () => {
  const a = rand64([3, 4], 11), b = rand64([4], 12, { grad: false, lo: 0.5, hi: 2 });
  for (const name of ['add', 'sub', 'mul', 'div'] as const) {
    check((x) => ops[name](x, b), [a]);
    check((x) => ops[name](b, x), [a]);
    assert.equal(b.grad, null);
  }
});

test('gradcheck pow with a constant exponent', () => {
  const x = rand64([2, 3], 21, { lo: 0.3, hi: 2 });
  for (const p of [2, 3, 0.5, -1.5, 1]) check((t) => ops.pow(t, p), [x]);
  // integer exponents also work on negative bases
  const y = rand64([5], 22);
  for (const p of [2, 3]) check((t) => ops.pow(t, p), [y]);
});

test('gradcheck pow with a tensor exponent (both inputs, broadcast)', () => {
  const x = rand64([2, 3], 31, { lo: 0.3, hi: 2 });
  const p = rand64([3], 32, { lo: -1, hi: 2 });
  check((a, b) => ops.pow(a, b), [x, p]);
  const q = rand64([2, 1], 33, { lo: 0.5, hi: 1.5 });
  check((a, b) => ops.pow(a, b), [x, q]);
  const s = rand64([], 34, { lo: 1, hi: 2 });
  check((a, b) => ops.pow(a, b), [x, s]);
});

test('maximum sends the gradient to the larger side (to the first on ties)', () => {
  const a = tensor([1, 5, 2], undefined, { dtype: 'float64', requiresGrad: true });
  const b = tensor([3, 0, 2], undefined, { dtype: 'float64', requiresGrad: true });
  ops.sum(ops.maximum(a, b)).backward();
  assert.deepEqual(a.grad?.toArray(), [0, 1, 1]);
  assert.deepEqual(b.grad?.toArray(), [1, 0, 0]);
});

const unaryDomains: Record<string, { lo: number; hi: number }> = {
  neg: { lo: -2, hi: 2 }, exp: { lo: -2, hi: 2 }, log: { lo: 0.2, hi: 3 }, tanh: { lo: -2, hi: 2 },
  sigmoid: { lo: -4, hi: 4 }, relu: { lo: -2, hi: 2 }, sqrt: { lo: 0.2, hi: 3 }, abs: { lo: -2, hi: 2 },
  square: { lo: -2, hi: 2 },
};

for (const name of Object.keys(unaryDomains) as (keyof typeof unaryDomains & 'neg')[]) {
  test(`gradcheck ${name}`, () => {
    const x = rand64([3, 4], 40, unaryDomains[name]);
    // relu and abs have a kink at 0: make sure no entry sits within eps of it
    for (let i = 0; i < x.size; i++) if (Math.abs(x.data[i]) < 1e-3) x.data[i] = 0.5;
    check((t) => (ops as unknown as Record<string, (t: typeof x) => typeof x>)[name](t), [x]);
  });
}

test('unary derivatives by hand at chosen points', () => {
  const at = (f: (t: ReturnType<typeof tensor>) => ReturnType<typeof tensor>, v: number): number => {
    const x = tensor([v], undefined, { dtype: 'float64', requiresGrad: true });
    ops.sum(f(x)).backward();
    return x.grad!.item();
  };
  assert.equal(at(ops.sigmoid, 0), 0.25);
  assert.equal(at(ops.tanh, 0), 1);
  assert.equal(at(ops.relu, -1), 0);
  assert.equal(at(ops.relu, 2), 1);
  assert.equal(at(ops.abs, -3), -1);
  assert.equal(at(ops.sqrt, 4), 0.25);
  assert.equal(at(ops.log, 4), 0.25);
  assert.equal(at(ops.square, 3), 6);
  assert.equal(at(ops.exp, 0), 1);
  assert.equal(at(ops.neg, 7), -1);
});

test('pow gradients at x = 0 and p = 0 are finite, as in PyTorch', () => {
  // d/dx x^0 = 0 everywhere, including x = 0 (not 0·0^(−1) = NaN)
  const x = tensor([0, 2], undefined, { dtype: 'float64', requiresGrad: true });
  ops.sum(ops.pow(x, 0)).backward();
  assert.deepEqual(x.grad!.toArray(), [0, 0]);
  // tensor exponent: d/dp 0^p = 0 for p ≥ 0 (x^p log x → 0); d/dx x^p at p = 0 is 0
  const b = tensor([0, 0, 3], undefined, { dtype: 'float64', requiresGrad: true });
  const p = tensor([2, 0, 0], undefined, { dtype: 'float64', requiresGrad: true });
  ops.sum(ops.pow(b, p)).backward();
  assert.deepEqual(p.grad!.toArray(), [0, 0, Math.log(3)]);
  assert.deepEqual(b.grad!.toArray(), [0, 0, 0]);
});
