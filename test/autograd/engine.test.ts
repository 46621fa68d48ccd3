// The backward engine: gradients summed where a tensor is used more than once (including when one
// gradient buffer is handed to several inputs), .grad accumulating across calls, noGrad, detach,
// retainGraph / retainGrad, the errors for a second backward and for a non-scalar root, and a long
// chain that must not overflow the call stack.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Storage } from '../../src/backend/storage.js';
import * as ops from '../../src/autograd/index.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import { check, rand64 } from '../helpers/tensors.js';

const f64 = (v: number[], grad = true): Tensor => tensor(v, undefined, { dtype: 'float64', requiresGrad: grad });

test('a tensor used twice accumulates: d(x·x)/dx = 2x', () => {
  const x = f64([1, -2, 3]);
  ops.sum(ops.mul(x, x)).backward();
  assert.deepEqual(x.grad!.toArray(), [2, -4, 6]);
  const y = f64([0.5, 1.5]);
  ops.sum(ops.add(ops.add(y, y), ops.mul(y, 3))).backward();
  assert.deepEqual(y.grad!.toArray(), [5, 5]);
});

test('.grad accumulates across two backward calls', () => {
  const x = f64([1, 2]);
  ops.sum(ops.mul(x, 3)).backward();
  ops.sum(ops.mul(x, x)).backward();
  assert.deepEqual(x.grad!.toArray(), [3 + 2, 3 + 4]);
});

test('a gradient buffer handed to two inputs is not modified through either (shared-buffer aliasing)', () => {
  // h = a + b hands the same gradient buffer to a and b; h is used twice so that buffer is one the
  // engine summed into; a then receives another contribution before b is processed.
  const a = f64([1, 2, 3]), b = f64([4, 5, 6]);
  const h = ops.add(a, b);
  const L = ops.add(ops.add(ops.sum(b), ops.sum(ops.mul(a, 3))), ops.add(ops.sum(h), ops.sum(h)));
  L.backward();
  assert.deepEqual(a.grad!.toArray(), [5, 5, 5]);
  assert.deepEqual(b.grad!.toArray(), [3, 3, 3]);
  // the same shape of graph through reshape and through finite differences
  const p = rand64([2, 3], 1), q = rand64([2, 3], 2);
  check((x, y) => {
    const s = ops.add(x, y);
    const t = ops.add(ops.tanh(s), ops.mul(s, s));
    return ops.concat([ops.reshape(y, [6]), ops.reshape(ops.mul(x, 2), [6]), ops.reshape(t, [6])], 0);
  }, [p, q]);
});

test('noGrad records nothing; enableGrad inside it does', () => {
  const x = f64([1, 2]);
  const y = ops.noGrad(() => ops.mul(x, x));
  assert.equal(y.requiresGrad, false);
  assert.equal(y.gradFn, null);
  assert.equal(ops.isGradEnabled(), true);
  const z = ops.noGrad(() => ops.enableGrad(() => ops.mul(x, x)));
  assert.equal(z.requiresGrad, true);
  assert.throws(() => y.sum().backward(), /does not require grad/);
  // grad mode is restored even when fn throws
  assert.throws(() => ops.noGrad(() => { throw new Error('boom'); }), /boom/);
  assert.equal(ops.isGradEnabled(), true);
});

test('detach cuts the graph and shares the values', () => {
  const x = f64([1, 2]);
  const d = x.detach();
  assert.equal(d.requiresGrad, false);
  assert.deepEqual(d.toArray(), [1, 2]);
  ops.sum(ops.add(ops.mul(x, d), x)).backward(); // d is a constant: dL/dx = d + 1
  assert.deepEqual(x.grad!.toArray(), [2, 3]);
});

test('backward twice without retainGraph throws a clear error; with it, gradients add', () => {
  const x = f64([1, 2]);
  const y = ops.sum(ops.tanh(ops.mul(x, x)));
  y.backward();
  assert.throws(() => y.backward(), /backward through the graph a second time; pass \{ retainGraph: true \}/);
  const x2 = f64([0.5]);
  const y2 = ops.sum(ops.exp(x2));
  y2.backward({ retainGraph: true });
  y2.backward();
  assert.ok(Math.abs(x2.grad!.item() - 2 * Math.exp(0.5)) < 1e-15);
});

test('backward on a non-scalar needs an explicit gradient of the same shape', () => {
  const x = f64([1, 2, 3]);
  const y = ops.mul(x, 2);
  assert.throws(() => y.backward(), /gradient can be implied only for one-element outputs, got shape \[3\]/);
  assert.throws(() => y.backward({ grad: f64([1, 1], false) }), /expected a gradient of shape \[3\], got \[2\]/);
  y.backward({ grad: f64([1, 10, 100], false) });
  assert.deepEqual(x.grad!.toArray(), [2, 20, 200]);
});

test('retainGrad keeps a non-leaf gradient; other non-leaves keep none', () => {
  const x = f64([1, 2]);
  const h = ops.mul(x, 3).retainGrad();
  const k = ops.mul(h, h);
  ops.sum(k).backward();
  assert.deepEqual(h.grad!.toArray(), [6, 12]); // 2h
  assert.equal(k.grad, null);
  assert.deepEqual(x.grad!.toArray(), [18, 36]);
});

test('a leaf root gets gradient 1; tensors that do not require grad get none', () => {
  const x = f64([5]);
  x.backward();
  assert.deepEqual(x.grad!.toArray(), [1]);
  const c = f64([2], false);
  ops.sum(ops.mul(x, c)).backward();
  assert.equal(c.grad, null);
});

test('a 2000-step chain backpropagates without overflowing the stack', () => {
  const x = f64([0.3]);
  let h = x;
  for (let i = 0; i < 2000; i++) h = ops.mul(ops.add(h, 0.001), 0.999);
  ops.sum(h).backward();
  assert.ok(Math.abs(x.grad!.item() - Math.pow(0.999, 2000)) < 1e-12);
  // and a recurrent-style chain with slices of one long input
  const xs = rand64([2000, 2], 3);
  let s = f64([0, 0]);
  for (let t = 0; t < 2000; t++) s = ops.tanh(ops.add(ops.mul(s, 0.5), ops.select(xs, 0, t)));
  ops.sum(s).backward();
  assert.deepEqual([...xs.grad!.shape], [2000, 2]);
  assert.equal(xs.grad!.data[0], 0 * xs.grad!.data[0]); // finite (underflows to 0 that far back)
  assert.ok(Number.isFinite(xs.grad!.data[3999]) && xs.grad!.data[3999] > 0);
});

test('gradcheck itself fails on a wrong derivative (so the checks above can fail)', async () => {
  const { record } = await import('../../src/autograd/record.js');
  const x = rand64([3], 4);
  // y = x² with a derivative of x instead of 2x
  const wrong = (t: Tensor): Tensor => record('bad', Storage.wrap(Float64Array.from(t.data, (v) => v * v)), t.shape, [t], (g) => [Storage.wrap(Float64Array.from(g.read(), (gi, i) => gi * t.data[i]))]);
  assert.throws(() => ops.gradcheck(wrong, [x]), /gradcheck failed: input 0 element/);
  const res = ops.gradcheck(wrong, [x], { raise: false });
  assert.equal(res.ok, false);
  assert.ok(res.maxAbsError > 0.01);
  assert.throws(() => ops.gradcheck((t) => t.mul(2), [tensor([1], undefined, { requiresGrad: true })]), /expected float64 inputs/);
});

test('backward with an explicit gradient checks its shape and dtype, not just its size', () => {
  const mk = tensor;
  const x = mk([[1, 2], [3, 4]], undefined, { requiresGrad: true });
  const y = ops.mul(x, 2);
  assert.throws(() => ops.backward(y, { grad: mk([1, 1, 1, 1]) }), /expected a gradient of shape \[2, 2\], got \[4\]/);
  assert.throws(() => ops.backward(y, { grad: mk([[1, 1], [1, 1]], undefined, { dtype: 'float64' }) }), /of float64 for float32/);
  ops.backward(y, { grad: mk([[1, 0], [0, 1]]) });
  assert.deepEqual(x.grad!.toArray(), [2, 0, 0, 2]);
});
