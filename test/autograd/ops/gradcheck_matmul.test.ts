// matmul (2-D, batched with broadcast batch axes, 1-D operands) and linear (with and without bias,
// 1-D to 3-D inputs): values against a loop written here, gradients against finite differences.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { tensor, type Tensor } from '../../../src/tensor/tensor.js';
import { allIndices, assertClose, check, flatIndex, rand64 } from '../../helpers/tensors.js';

// NumPy matmul for the shapes used here, by explicit index loops.
function naiveMatmul(a: Tensor, b: Tensor): { data: number[]; shape: number[] } {
  const as = a.rank === 1 ? [1, a.shape[0]] : [...a.shape];
  const bs = b.rank === 1 ? [b.shape[0], 1] : [...b.shape];
  const M = as[as.length - 2], K = as[as.length - 1], N = bs[bs.length - 1];
  const ab = as.slice(0, -2), bb = bs.slice(0, -2);
  const rank = Math.max(ab.length, bb.length);
  const batch = Array.from({ length: rank }, (_, i) => Math.max(ab[ab.length - rank + i] ?? 1, bb[bb.length - rank + i] ?? 1));
  const pick = (idx: number[], bshape: number[]) => idx.slice(rank - bshape.length).map((v, i) => (bshape[i] === 1 ? 0 : v));
  const data: number[] = [];
  for (const bi of allIndices(batch)) {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          s += a.data[flatIndex([...pick(bi, ab), i, k], as)] * b.data[flatIndex([...pick(bi, bb), k, j], bs)];
        }
        data.push(s);
      }
    }
  }
  let shape = [...batch, M, N];
  if (a.rank === 1) shape.splice(shape.length - 2, 1);
  if (b.rank === 1) shape = shape.slice(0, -1);
  return { data, shape };
}

const cases: [number[], number[]][] = [
  [[3, 4], [4, 5]], [[1, 1], [1, 1]], [[2, 3, 4], [4, 2]], [[3, 4], [2, 4, 5]], [[2, 1, 3, 4], [3, 4, 2]],
  [[4], [4, 3]], [[3, 4], [4]], [[4], [4]], [[2, 3, 4], [4]], [[4], [2, 4, 3]], [[5, 2, 3], [5, 3, 1]],
];

test('matmul values follow NumPy semantics (broadcast batch axes, dropped 1-D axes)', () => {
  let seed = 1;
  for (const [sa, sb] of cases) {
    const a = rand64(sa, seed++), b = rand64(sb, seed++);
    const y = ops.matmul(a, b);
    const want = naiveMatmul(a, b);
    assert.deepEqual([...y.shape], want.shape, `shape for ${JSON.stringify(sa)} @ ${JSON.stringify(sb)}`);
    assertClose(y.data, want.data, 1e-14, 0, `${JSON.stringify(sa)} @ ${JSON.stringify(sb)}`);
  }
});

test('matmul by hand: [[1,2],[3,4]] @ [5,6] = [17, 39]', () => {
  const y = ops.matmul(tensor([[1, 2], [3, 4]]), tensor([5, 6]));
  assert.deepEqual([...y.shape], [2]);
  assert.deepEqual(y.toArray(), [17, 39]);
});

for (const [sa, sb] of cases) {
  test(`gradcheck matmul ${JSON.stringify(sa)} @ ${JSON.stringify(sb)}`, () => {
    const a = rand64(sa, 100 + sa.length), b = rand64(sb, 200 + sb.length);
    check((x, y) => ops.matmul(x, y), [a, b]);
  });
}

test('linear equals x·Wᵀ + b by loops, for 1-D, 2-D and 3-D inputs', () => {
  const W = rand64([3, 4], 1), bias = rand64([3], 2);
  for (const xs of [[4], [2, 4], [2, 5, 4]]) {
    const x = rand64(xs, 3);
    for (const withBias of [true, false]) {
      const y = ops.linear(x, W, withBias ? bias : null);
      assert.deepEqual([...y.shape], [...xs.slice(0, -1), 3]);
      const rows = x.size / 4, want: number[] = [];
      for (let r = 0; r < rows; r++) {
        for (let o = 0; o < 3; o++) {
          let s = withBias ? bias.data[o] : 0;
          for (let i = 0; i < 4; i++) s += x.data[r * 4 + i] * W.data[o * 4 + i];
          want.push(s);
        }
      }
      assertClose(y.data, want, 1e-14);
    }
  }
});

test('gradcheck linear with and without bias', () => {
  const W = rand64([3, 4], 11), b = rand64([3], 12);
  for (const xs of [[4], [2, 4], [2, 3, 4]]) {
    const x = rand64(xs, 13);
    check((t, w, bb) => ops.linear(t, w, bb), [x, W, b]);
    check((t, w) => ops.linear(t, w), [x, W]);
    check((t, w) => ops.linear(t, w, null), [x, W]);
  }
});

test('linear with only the weight requiring grad', () => {
  const W = rand64([2, 3], 21), x = rand64([4, 3], 22, { grad: false }), b = rand64([2], 23, { grad: false });
  check((w) => ops.linear(x, w, b), [W]);
  assert.equal(x.grad, null);
});
