// ops.conv2d: values against the 7-nested-loop definition (stride, padding, dilation, groups,
// odd sizes, 1×1 kernels), gradients against finite differences in float64, float32 on the ref
// and wasm backends against float64 (forward and backward), a hand-worked example, the
// output-size formula, and the errors for bad shapes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { tensor, type Tensor } from '../../../src/tensor/tensor.js';
import { getBackend, refBackend, setBackend, wasmBackend } from '../../../src/backend/backend.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';
import { referenceConv2d } from '../../helpers/reference_conv.js';

interface Case {
  name: string; x: number[]; w: number[]; bias: boolean;
  stride: [number, number]; padding: [number, number]; dilation: [number, number]; groups: number;
}

const cases: Case[] = [
  { name: 'plain 3×3', x: [2, 3, 6, 6], w: [4, 3, 3, 3], bias: true, stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 },
  { name: 'stride 2, padding 1', x: [2, 2, 7, 7], w: [3, 2, 3, 3], bias: true, stride: [2, 2], padding: [1, 1], dilation: [1, 1], groups: 1 },
  { name: 'dilation 2', x: [1, 2, 7, 8], w: [2, 2, 3, 3], bias: true, stride: [1, 1], padding: [0, 0], dilation: [2, 2], groups: 1 },
  { name: 'odd sizes, rectangular kernel, mixed stride/padding', x: [3, 3, 5, 7], w: [2, 3, 2, 3], bias: false, stride: [2, 1], padding: [1, 2], dilation: [1, 2], groups: 1 },
  { name: '1×1 kernel', x: [2, 4, 3, 5], w: [3, 4, 1, 1], bias: true, stride: [1, 1], padding: [0, 0], dilation: [1, 1], groups: 1 },
  { name: 'groups 2', x: [2, 4, 5, 5], w: [6, 2, 3, 3], bias: true, stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 2 },
  { name: 'depthwise (groups = channels), stride 2', x: [1, 3, 6, 5], w: [3, 1, 3, 3], bias: false, stride: [2, 2], padding: [1, 1], dilation: [1, 1], groups: 3 },
  { name: 'kernel as large as the padded input', x: [1, 1, 3, 3], w: [2, 1, 5, 5], bias: true, stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1 },
];

for (const c of cases) {
  test(`conv2d forward equals the nested-loop definition: ${c.name}`, () => {
    const x = rand64(c.x, 1, { grad: false }), w = rand64(c.w, 2, { grad: false }), b = rand64([c.w[0]], 3, { grad: false });
    const y = ops.conv2d(x, w, c.bias ? b : null, c);
    const ref = referenceConv2d(x.data, c.x, w.data, c.w, c.bias ? b.data : null, c);
    assert.deepEqual([...y.shape], ref.shape);
    assertClose(y.data, ref.data, 1e-13, 0, c.name);
  });

  test(`gradcheck conv2d (input, weight${c.bias ? ', bias' : ''}): ${c.name}`, () => {
    const x = rand64(c.x, 4), w = rand64(c.w, 5), b = rand64([c.w[0]], 6);
    if (c.bias) check((a, ww, bb) => ops.conv2d(a, ww, bb, c), [x, w, b]);
    else check((a, ww) => ops.conv2d(a, ww, null, c), [x, w]);
  });
}

test('conv2d in float32 on the ref and wasm backends matches float64, forward and backward', () => {
  const c = { stride: [2, 1] as [number, number], padding: [1, 1] as [number, number], dilation: [1, 2] as [number, number], groups: 2 };
  const x64 = rand64([4, 4, 11, 12], 7), w64 = rand64([6, 2, 3, 3], 8), b64 = rand64([6], 9);
  const r64 = rand64([4, 6, 6, 10], 10, { grad: false }); // a fixed output gradient
  const y64 = ops.conv2d(x64, w64, b64, c);
  assert.deepEqual([...y64.shape], [4, 6, 6, 10]);
  y64.backward({ grad: r64 });
  const f32 = (t: Tensor, grad = true) => tensor(Float32Array.from(t.data), [...t.shape], { requiresGrad: grad });
  const saved = getBackend();
  try {
    for (const be of [refBackend, wasmBackend]) {
      setBackend(be);
      const x = f32(x64), w = f32(w64), b = f32(b64);
      const y = ops.conv2d(x, w, b, c);
      assert.equal(y.dtype, 'float32');
      assertClose(y.data, y64.data, 1e-5, 1e-5, `${be.name} forward`);
      y.backward({ grad: f32(r64, false) });
      assertClose(x.grad!.data, x64.grad!.data, 1e-4, 1e-4, `${be.name} dx`);
      assertClose(w.grad!.data, w64.grad!.data, 1e-4, 1e-4, `${be.name} dw`);
      assertClose(b.grad!.data, b64.grad!.data, 1e-4, 1e-4, `${be.name} db`);
    }
  } finally {
    setBackend(saved);
  }
});

test('conv2d by hand: 3×3 image, 2×2 kernel, bias', () => {
  // x = [[1,2,3],[4,5,6],[7,8,9]], w = [[1,0],[0,-1]], b = 10: y[p,q] = x[p,q] − x[p+1,q+1] + 10 = 6 everywhere.
  const x = tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1, 3, 3]);
  const w = tensor([1, 0, 0, -1], [1, 1, 2, 2]);
  const y = ops.conv2d(x, w, tensor([10]));
  assert.deepEqual([...y.shape], [1, 1, 2, 2]);
  assert.deepEqual(y.toArray(), [6, 6, 6, 6]);
  // with padding 1 and stride 2 the windows start at (−1,−1), (−1,1), (1,−1), (1,1):
  // y = [0 − x00, 0 − x02; 0 − x20, x11 − x22] + 10
  const y2 = ops.conv2d(x, w, tensor([10]), { padding: 1, stride: 2 });
  assert.deepEqual(y2.toArray(), [10 - 1, 10 - 3, 10 - 7, 10 + 5 - 9]);
});

test('conv2d output size follows ⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1', () => {
  // worked by hand: (H, k, s, p, d) → out
  const table: [number, number, number, number, number, number][] = [
    [32, 3, 1, 1, 1, 32], [32, 3, 2, 1, 1, 16], [7, 3, 2, 1, 1, 4], [10, 3, 1, 0, 2, 6],
    [5, 1, 1, 0, 1, 5], [5, 5, 1, 0, 1, 1], [6, 2, 2, 0, 1, 3], [24, 5, 3, 2, 1, 8], [9, 3, 4, 0, 3, 1],
  ];
  for (const [H, k, s, p, d, want] of table) {
    assert.equal(ops.convOutputSize(H, k, s, p, d), want, `H=${H} k=${k} s=${s} p=${p} d=${d}`);
    const y = ops.conv2d(rand64([1, 1, H, 3], 1, { grad: false }), rand64([1, 1, k, 1], 2, { grad: false }), null,
      { stride: [s, 1], padding: [p, 0], dilation: [d, 1] });
    assert.deepEqual([...y.shape], [1, 1, want, 3]);
  }
});

test('conv2d only computes the gradients that are asked for', () => {
  const x = rand64([1, 2, 4, 4], 1, { grad: false }), w = rand64([3, 2, 3, 3], 2), b = rand64([3], 3, { grad: false });
  check((ww) => ops.conv2d(x, ww, b, { padding: 1 }), [w]);
  assert.equal(x.grad, null);
  assert.equal(b.grad, null);
});

test('conv2d errors name what was expected and what came', () => {
  const x = rand64([2, 3, 8, 8], 1, { grad: false }), w = rand64([4, 3, 3, 3], 2, { grad: false });
  assert.throws(() => ops.conv2d(rand64([3, 8, 8], 1), w), /conv2d: expected input of shape \[N, 3, H, W\] for weight \[4, 3, 3, 3\], got \[3, 8, 8\]/);
  assert.throws(() => ops.conv2d(rand64([2, 4, 8, 8], 1), w), /expected input of shape \[N, 3, H, W\].*got \[2, 4, 8, 8\]/);
  assert.throws(() => ops.conv2d(x, rand64([4, 3, 3], 1)), /expected a weight of shape \[C_out, C_in \/ groups, kH, kW\], got \[4, 3, 3\]/);
  assert.throws(() => ops.conv2d(x, w, rand64([3], 1)), /expected a bias of shape \[4\], got \[3\]/);
  assert.throws(() => ops.conv2d(x, rand64([4, 1, 3, 3], 1), null, { groups: 3 }), /expected C_out \(4\) to be divisible by groups \(3\)/);
  assert.throws(() => ops.conv2d(x, rand64([6, 2, 3, 3], 1), null, { groups: 2 }), /expected input of shape \[N, 4, H, W\] for weight \[6, 2, 3, 3\] and groups=2, got \[2, 3, 8, 8\]/);
  assert.throws(() => ops.conv2d(x, w, null, { stride: 0 }), /expected stride to be an integer >= 1, got 0/);
  assert.throws(() => ops.conv2d(x, w, null, { padding: -1 }), /expected padding to be an integer >= 0, got -1/);
  assert.throws(() => ops.conv2d(x, w, null, { dilation: [1, 1.5] }), /expected dilation to be an integer >= 1, got \[1,1.5\]/);
  assert.throws(() => ops.conv2d(rand64([1, 3, 2, 2], 1), w), /input \[1, 3, 2, 2\] padded to 2×2 is smaller than the dilated kernel 3×3/);
  assert.throws(() => ops.conv2d(x, w, null, { dilation: 4 }), /smaller than the dilated kernel 9×9/);
  assert.throws(() => ops.conv2d(x, tensor(new Float32Array(4 * 27), [4, 3, 3, 3])), /expected tensors of one dtype, got float64 and float32/);
});
