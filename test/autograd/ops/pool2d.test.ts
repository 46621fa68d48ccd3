// ops.maxPool2d and ops.avgPool2d: values against the definition by loops (kernel, stride,
// padding, rectangular windows), gradients against finite differences, the tie rule of max
// pooling (the first maximum in row-major window order gets the gradient), and errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { tensor } from '../../../src/tensor/tensor.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';
import { referencePool2d } from '../../helpers/reference_conv.js';

interface Case { name: string; x: number[]; k: [number, number]; s: [number, number]; p: [number, number] }

const cases: Case[] = [
  { name: '2×2 stride 2 (tiling)', x: [2, 3, 6, 6], k: [2, 2], s: [2, 2], p: [0, 0] },
  { name: '3×3 stride 2 padding 1, odd size', x: [2, 2, 7, 5], k: [3, 3], s: [2, 2], p: [1, 1] },
  { name: 'overlapping 3×3 stride 1', x: [1, 2, 5, 5], k: [3, 3], s: [1, 1], p: [0, 0] },
  { name: 'rectangular window, uneven stride and padding', x: [1, 3, 6, 7], k: [2, 3], s: [1, 2], p: [1, 1] },
  { name: 'window not dividing the size (remainder dropped)', x: [2, 1, 7, 7], k: [2, 2], s: [2, 2], p: [0, 0] },
];

for (const c of cases) {
  test(`maxPool2d equals the definition: ${c.name}`, () => {
    const x = rand64(c.x, 1, { grad: false });
    const y = ops.maxPool2d(x, c.k, { stride: c.s, padding: c.p });
    const ref = referencePool2d(x.data, c.x, 'max', c.k, c.s, c.p);
    assert.deepEqual([...y.shape], ref.shape);
    assertClose(y.data, ref.data, 0, 0, c.name);
  });

  test(`avgPool2d equals the definition (both divisors): ${c.name}`, () => {
    const x = rand64(c.x, 2, { grad: false });
    for (const countIncludePad of [true, false]) {
      const y = ops.avgPool2d(x, c.k, { stride: c.s, padding: c.p, countIncludePad });
      const ref = referencePool2d(x.data, c.x, 'avg', c.k, c.s, c.p, countIncludePad);
      assert.deepEqual([...y.shape], ref.shape);
      assertClose(y.data, ref.data, 1e-14, 0, `${c.name} countIncludePad=${countIncludePad}`);
    }
  });

  test(`gradcheck maxPool2d and avgPool2d: ${c.name}`, () => {
    // random continuous inputs have no ties, so max is differentiable at them
    check((t) => ops.maxPool2d(t, c.k, { stride: c.s, padding: c.p }), [rand64(c.x, 3)]);
    check((t) => ops.avgPool2d(t, c.k, { stride: c.s, padding: c.p }), [rand64(c.x, 4)]);
    check((t) => ops.avgPool2d(t, c.k, { stride: c.s, padding: c.p, countIncludePad: false }), [rand64(c.x, 5)]);
  });
}

test('maxPool2d by hand, and the gradient of a tie goes to the first maximum', () => {
  // 4×4 image, 2×2 windows: maxima 6, 8, 14, 16 at the bottom-right of each window
  const x = tensor(Array.from({ length: 16 }, (_, i) => i + 1), [1, 1, 4, 4], { requiresGrad: true });
  const y = ops.maxPool2d(x, 2);
  assert.deepEqual(y.toArray(), [6, 8, 14, 16]);
  y.backward({ grad: tensor([1, 2, 3, 4], [1, 1, 2, 2]) });
  assert.deepEqual(x.grad!.toArray(), [0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4]);

  // all equal: each window's top-left pixel takes the whole gradient
  const z = tensor(new Array(16).fill(7), [1, 1, 4, 4], { requiresGrad: true });
  ops.maxPool2d(z, 2).backward({ grad: tensor([1, 2, 3, 4], [1, 1, 2, 2]) });
  assert.deepEqual(z.grad!.toArray(), [1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0]);

  // overlapping windows (3×3 stride 1 over a constant 4×4): every window's first pixel wins,
  // and the pixel shared as "first" by no other window gets only its own
  const u = tensor(new Array(16).fill(1), [1, 1, 4, 4], { requiresGrad: true });
  ops.maxPool2d(u, 3, { stride: 1 }).sum().backward();
  assert.deepEqual(u.grad!.toArray(), [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
});

test('maxPool2d with padding never picks the padding, even for all-negative inputs', () => {
  const x = tensor([-5, -4, -3, -2], [1, 1, 2, 2]);
  const y = ops.maxPool2d(x, 2, { stride: 1, padding: 1 });
  // windows start at −1..1 in each axis; each holds the real pixels it overlaps
  assert.deepEqual(y.toArray(), [-5, -4, -4, -3, -2, -2, -3, -2, -2]);
});

test('maxPool2d propagates NaN, like PyTorch', () => {
  const y = ops.maxPool2d(tensor([1, NaN, 3, 4, 5, 6, 7, 8], [1, 1, 2, 4]), 2);
  assert.ok(Number.isNaN(y.data[0]));
  assert.equal(y.data[1], 8);
});

test('avgPool2d by hand with padding: countIncludePad divides by 4, otherwise by the real pixels', () => {
  const x = tensor([1, 2, 3, 4], [1, 1, 2, 2]);
  assert.deepEqual(ops.avgPool2d(x, 2, { stride: 2, padding: 1 }).toArray(), [1 / 4, 2 / 4, 3 / 4, 4 / 4]);
  assert.deepEqual(ops.avgPool2d(x, 2, { stride: 2, padding: 1, countIncludePad: false }).toArray(), [1, 2, 3, 4]);
  assert.deepEqual(ops.avgPool2d(x, 2).toArray(), [2.5]);
});

test('pooling errors name what was expected and what came', () => {
  const x = rand64([1, 2, 4, 4], 1, { grad: false });
  for (const [name, f] of [['maxPool2d', ops.maxPool2d], ['avgPool2d', ops.avgPool2d]] as const) {
    assert.throws(() => f(rand64([2, 4, 4], 1), 2), new RegExp(`${name}: expected input of shape \\[N, C, H, W\\], got \\[2, 4, 4\\]`));
    assert.throws(() => f(x, 0), /expected kernelSize to be an integer >= 1, got 0/);
    assert.throws(() => f(x, 2, { padding: 2 }), /expected padding at most half the kernel 2×2, got 2×2/);
    assert.throws(() => f(x, 5), /input \[1, 2, 4, 4\] padded to 4×4 is smaller than the kernel 5×5/);
    assert.throws(() => f(x, 2, { stride: [1, 0] }), /expected stride to be an integer >= 1, got \[1,0\]/);
  }
});
