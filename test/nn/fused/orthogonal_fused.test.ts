// The orthogonal RNN cell inside a Recurrence runs on the fused RNN op with modReLU (one recurrent
// product per step in the backend's time loop, W_hh = exp(A) once per sequence). Checked against
// the generic per-step path (the cell's own step with the host modReLU op, fused path switched off)
// on every backend: outputs, final state and the gradient of every parameter, of x and of h0, over
// both directions; a float64 gradcheck of the fused path; and units that switch off (|z| + b ≤ 0)
// pass no gradient.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { OrthogonalRNNCell, Recurrence, setFusedRecurrent } from '../../../src/nn/index.js';
import { Rng } from '../../../src/tensor/random.js';
import { tensor, type Tensor } from '../../../src/tensor/tensor.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';
import { onEveryBackend } from '../../backend/suite.js';

function outputsAndGrads(fused: boolean, reverse: boolean, biasShift: number): Float32Array[] {
  const T = 7, B = 3, I = 4, H = 5;
  const rng = new Rng(11);
  const cell = new OrthogonalRNNCell({ inputSize: I, hiddenSize: H }, { rng });
  // Negative biases switch some units off, so the [h ≠ 0] mask of the backward is exercised.
  cell.bias.data.set(Array.from({ length: H }, (_, k) => biasShift + 0.2 * (k - 2)));
  const x = tensor(Array.from({ length: T * B * I }, () => rng.uniform(-1, 1)), [T, B, I], { requiresGrad: true });
  const h0 = tensor(Array.from({ length: B * H }, () => rng.uniform(-1, 1)), [B, H], { requiresGrad: true });
  const wOut = tensor(Array.from({ length: T * B * H }, () => rng.uniform(-1, 1)), [T, B, H]);
  setFusedRecurrent(fused);
  try {
    const [out, [h]] = new Recurrence(cell, { reverse }).forward(x, [h0]);
    ops.add(ops.sum(ops.mul(out, wOut)), ops.sum(ops.mul(h, h))).backward();
    return [out, h, x.grad!, h0.grad!, ...cell.parameters().map((p) => p.grad!)].map((t: Tensor) => Float32Array.from(t.toArray()));
  } finally {
    setFusedRecurrent(true);
  }
}

for (const reverse of [false, true]) {
  test(`fused orthogonal RNN (${reverse ? 'reverse' : 'forward'}) equals the per-step cell on every backend: outputs and all gradients`, () => {
    onEveryBackend((_be, name) => {
      for (const shift of [0, -0.4]) {
        const want = outputsAndGrads(false, reverse, shift), got = outputsAndGrads(true, reverse, shift);
        want.forEach((w, i) => assertClose(got[i], w, 2e-5, 2e-5, `${name}, bias shift ${shift}, tensor ${i}`));
      }
    });
  });
}

test('units that are off (|z| + b ≤ 0) output 0 and pass no gradient to x', () => {
  const cell = new OrthogonalRNNCell({ inputSize: 2, hiddenSize: 3 }, { rng: new Rng(3) });
  cell.bias.data.set([-100, -100, -100]); // every unit off at every step
  const x = tensor([0.5, -0.2, 0.1, 0.9], [2, 1, 2], { requiresGrad: true });
  const [out] = new Recurrence(cell).forward(x);
  assert.deepEqual(Array.from(out.toArray()), [0, 0, 0, 0, 0, 0]);
  ops.sum(out).backward();
  assert.deepEqual(Array.from(x.grad!.toArray()), [0, 0, 0, 0]);
});

test('gradcheck (float64) through the fused path: x, h0 and every parameter', () => {
  const cell = new OrthogonalRNNCell({ inputSize: 2, hiddenSize: 4 }, { dtype: 'float64', rng: new Rng(8) });
  cell.bias.data.set([0.3, -0.05, 0.2, -0.3]);
  const x = rand64([5, 2, 2], 9), h0 = rand64([2, 4], 10);
  check((xx, hh) => new Recurrence(cell).forward(xx, [hh])[0], [x, h0, ...cell.parameters()]);
});
