// nn.crossEntropy over logits [..., C]: equals −log p computed by hand; ignoreIndex and mask drop
// positions, and 'mean' divides by the number kept; 'none' keeps the targets' shape; gradients by
// finite differences; wrong target shapes are named.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossEntropy } from '../../../src/nn/index.js';
import * as ops from '../../../src/autograd/index.js';
import { tensor } from '../../../src/tensor/tensor.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';

// −log softmax(z)[t] for one row, written out
function nll(row: number[], t: number): number {
  const s = row.reduce((a, v) => a + Math.exp(v), 0);
  return -Math.log(Math.exp(row[t]) / s);
}

test('crossEntropy equals −log p computed by hand', () => {
  // row [0, 0, ln 2]: p = [1/4, 1/4, 1/2]
  const z = tensor([[0, 0, Math.log(2)], [Math.log(3), 0, 0]], undefined, { dtype: 'float64' });
  const y = ops.indices([2, 0]);
  // row 2: p = [3/5, 1/5, 1/5]
  assertClose([crossEntropy(z, y).item()], [(Math.log(2) + Math.log(5 / 3)) / 2], 1e-15);
  assertClose([crossEntropy(z, y, { reduction: 'sum' }).item()], [Math.log(2) + Math.log(5 / 3)], 1e-15);
  assertClose(crossEntropy(z, y, { reduction: 'none' }).data, [Math.log(2), Math.log(5 / 3)], 1e-15);
});

test('logits [B, T, C] with targets [B, T]; none keeps [B, T]', () => {
  const z = rand64([2, 3, 4], 1, { lo: -2, hi: 2 });
  const t = ops.indices([0, 3, 1, 2, 2, 0], [2, 3]);
  const none = crossEntropy(z, t, { reduction: 'none' });
  assert.deepEqual([...none.shape], [2, 3]);
  const want = Array.from({ length: 6 }, (_, i) => nll(Array.from(z.data.subarray(i * 4, i * 4 + 4)), t.data[i]));
  assertClose(none.data, want, 1e-14);
  assertClose([crossEntropy(z, t).item()], [want.reduce((a, v) => a + v, 0) / 6], 1e-14);
});

test('ignoreIndex drops positions and the mean divides by the count kept', () => {
  const z = rand64([4, 3], 2, { lo: -2, hi: 2 });
  const rows = [0, 1, 2, 3].map((i) => Array.from(z.data.subarray(i * 3, i * 3 + 3)));
  const l = crossEntropy(z, ops.indices([1, -100, 2, -100])).item();
  assertClose([l], [(nll(rows[0], 1) + nll(rows[2], 2)) / 2], 1e-14);
  const l2 = crossEntropy(z, ops.indices([1, 7, 2, 0]), { ignoreIndex: 7 }).item();
  assertClose([l2], [(nll(rows[0], 1) + nll(rows[2], 2) + nll(rows[3], 0)) / 3], 1e-14);
  const none = crossEntropy(z, ops.indices([1, -100, 2, -100]), { reduction: 'none' });
  assert.equal(none.data[1], 0);
  assert.equal(none.data[3], 0);
});

test('mask drops positions (Tensor or array), combined with ignoreIndex', () => {
  const z = rand64([4, 3], 3, { lo: -2, hi: 2 });
  const rows = [0, 1, 2, 3].map((i) => Array.from(z.data.subarray(i * 3, i * 3 + 3)));
  const t = ops.indices([0, 1, 2, 0]);
  const want = (nll(rows[0], 0) + nll(rows[2], 2)) / 2;
  assertClose([crossEntropy(z, t, { mask: [1, 0, 1, 0] }).item()], [want], 1e-14);
  assertClose([crossEntropy(z, t, { mask: tensor([1, 0, 1, 0]) }).item()], [want], 1e-14);
  assertClose([crossEntropy(z, ops.indices([0, 1, -100, 0]), { mask: [1, 0, 1, 1] }).item()], [(nll(rows[0], 0) + nll(rows[3], 0)) / 2], 1e-14);
  assertClose([crossEntropy(z, t, { mask: [1, 0, 1, 0], reduction: 'sum' }).item()], [want * 2], 1e-14);
});

test('gradcheck crossEntropy with ignoreIndex and mask, all reductions', () => {
  const z = rand64([2, 3, 4], 4, { lo: -2, hi: 2 });
  const t = ops.indices([0, -100, 1, 3, 2, 2], [2, 3]);
  for (const reduction of ['mean', 'sum', 'none'] as const) {
    check((x) => crossEntropy(x, t, { reduction }), [z]);
    check((x) => crossEntropy(x, t, { reduction, mask: [1, 1, 0, 1, 0, 1] }), [z]);
  }
});

test('masked positions get exactly zero gradient', () => {
  const z = rand64([3, 2], 5);
  crossEntropy(z, ops.indices([0, -100, 1])).backward();
  assert.deepEqual(z.grad!.toArray().slice(2, 4), [0, 0]);
});

test('wrong targets or mask shape are named', () => {
  const z = rand64([2, 3, 4], 6);
  assert.throws(() => crossEntropy(z, ops.indices([0, 1, 2], [3])), /expected targets of shape \[2, 3\] for logits \[2, 3, 4\], got \[3\]/);
  assert.throws(() => crossEntropy(z, ops.indices([0, 1, 2, 0, 1, 2], [3, 2])), /expected targets of shape \[2, 3\] for logits \[2, 3, 4\], got \[3, 2\]/);
  assert.throws(() => crossEntropy(z, ops.indices([0, 1, 2, 0, 1, 2], [2, 3]), { mask: [1, 1] }), /expected a mask of 6 entries \(shape \[2, 3\]\), got 2/);
  assert.throws(() => crossEntropy(z, ops.indices([0, 1, 2, 0, 1, 4], [2, 3])), /expected targets in \[0, 4\), got 4 at row 5/);
});
