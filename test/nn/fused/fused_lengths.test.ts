// Variable lengths in the fused ops (runFused with lengths): for each batch row the result must be
// what the generic path gives when that row alone is run through its cell, step by step, over its
// own length (forward: t = 0 … len−1; reverse: t = len−1 … 0): outputs at t < len equal the row's
// run and are 0 past it, the final carry is the row's own last state, and the gradients of the
// input, the initial carry and every weight equal the sum of the per-row runs' gradients (the input
// gradient is 0 at padded steps). Awkward sizes: B = 5 with lengths {1, T, prime, …}, H = 3 and 17.
// Run on the wasm backend (the WebAssembly time loops) and on the reference backend (TypeScript loops).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../../helpers/tensors.js';
import * as ops from '../../../src/autograd/index.js';
import { tensor, type Tensor } from '../../../src/tensor/tensor.js';
import { Rng } from '../../../src/tensor/random.js';
import { GRUCell, LSTMCell, RNNCell } from '../../../src/nn/index.js';
import type { CellBase } from '../../../src/nn/cells/cell.js';
import { runFused } from '../../../src/nn/fused/route.js';
import { getBackend, refBackend, setBackend } from '../../../src/backend/backend.js';

type Kind = 'lstm' | 'gru' | 'rnn_tanh' | 'rnn_relu';

function makeCell(kind: Kind, I: number, H: number): CellBase {
  const init = { rng: new Rng(3) };
  if (kind === 'lstm') return new LSTMCell({ inputSize: I, hiddenSize: H }, init);
  if (kind === 'gru') return new GRUCell({ inputSize: I, hiddenSize: H }, init);
  return new RNNCell({ inputSize: I, hiddenSize: H, nonlinearity: kind === 'rnn_relu' ? 'relu' : 'tanh' }, init);
}

function rand(n: number, rng: Rng): number[] {
  return Array.from({ length: n }, () => rng.uniform(-1, 1));
}

function check(kind: Kind, T: number, I: number, H: number, lengths: number[], reverse: boolean): void {
  const B = lengths.length, nCarry = kind === 'lstm' ? 2 : 1;
  const cell = makeCell(kind, I, H);
  const rng = new Rng(11);
  const xv = rand(T * B * I, rng), R = rand(T * B * H, rng);
  const carryV = Array.from({ length: nCarry }, () => rand(B * H, rng)), S = Array.from({ length: nCarry }, () => rand(B * H, rng));
  const params = cell.parameters();

  // fused, all rows at once
  for (const p of params) p.grad = null;
  const x = tensor(xv, [T, B, I], { requiresGrad: true });
  const carry = carryV.map((v) => tensor(v, [B, H], { requiresGrad: true }));
  const res = runFused(cell, x, carry, reverse, null, Int32Array.from(lengths))!;
  let loss = ops.sum(ops.mul(res.output, tensor(R, [T, B, H])));
  res.carry.forEach((c, j) => { loss = ops.add(loss, ops.sum(ops.mul(c, tensor(S[j], [B, H])))); });
  loss.backward();
  const fusedGrads = params.map((p) => Float32Array.from(p.grad!.data));

  // generic: each row alone through cell.step over its own length
  for (const p of params) p.grad = null;
  const xGrad = new Float32Array(T * B * I), carryGrad = carryV.map(() => new Float32Array(B * H));
  for (let b = 0; b < B; b++) {
    const len = lengths[b];
    const xs = Array.from({ length: len }, (_, t) => tensor(xv.slice((t * B + b) * I, (t * B + b + 1) * I), [1, I], { requiresGrad: true }));
    const c0 = carryV.map((v) => tensor(v.slice(b * H, (b + 1) * H), [1, H], { requiresGrad: true }));
    let state: Tensor[] = c0;
    let rowLoss: Tensor | null = null;
    const order = Array.from({ length: len }, (_, s) => (reverse ? len - 1 - s : s));
    for (const t of order) {
      state = cell.step(xs[t], state);
      const out = state[0];
      for (let k = 0; k < H; k++) {
        const want = out.data[k], got = res.output.data[(t * B + b) * H + k];
        assert.ok(Math.abs(want - got) <= 2e-5 + 2e-4 * Math.abs(want), `row ${b} t=${t} output ${got} vs ${want}`);
      }
      const term = ops.sum(ops.mul(out, tensor(R.slice((t * B + b) * H, (t * B + b + 1) * H), [1, H])));
      rowLoss = rowLoss ? ops.add(rowLoss, term) : term;
    }
    for (let t = len; t < T; t++) for (let k = 0; k < H; k++) assert.ok(res.output.data[(t * B + b) * H + k] === 0, `row ${b} t=${t} is padding`);
    state.forEach((c, j) => {
      assertClose(res.carry[j].data.subarray(b * H, (b + 1) * H), c.data, 2e-5, 2e-4, `row ${b} final carry ${j}`);
      rowLoss = ops.add(rowLoss!, ops.sum(ops.mul(c, tensor(S[j].slice(b * H, (b + 1) * H), [1, H]))));
    });
    rowLoss!.backward();
    for (let t = 0; t < len; t++) xGrad.set(xs[t].grad!.data, (t * B + b) * I);
    c0.forEach((c, j) => carryGrad[j].set(c.grad!.data, b * H));
  }
  assertClose(x.grad!.data, xGrad, 2e-5, 2e-4, 'd/d input');
  carry.forEach((c, j) => assertClose(c.grad!.data, carryGrad[j], 2e-5, 2e-4, `d/d initial carry ${j}`));
  params.forEach((p, i) => assertClose(fusedGrads[i], p.grad!.data, 2e-5, 2e-4, `d/d parameter ${i}`));
}

for (const backend of ['wasm', 'ref'] as const) {
  for (const kind of ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'] as Kind[]) {
    test(`fused ${kind} with lengths equals each row run alone over its own length (${backend} backend)`, () => {
      const saved = getBackend();
      if (backend === 'ref') setBackend(refBackend);
      try {
        for (const reverse of [false, true]) {
          check(kind, 7, 4, 17, [7, 1, 5, 3, 7], reverse);
          check(kind, 5, 1, 3, [2, 5, 1], reverse);
          check(kind, 1, 3, 5, [1], reverse);
        }
      } finally {
        setBackend(saved);
      }
    });
  }
}

test('fused lengths: a length outside [1, T] or a wrong count is a clear error', () => {
  const cell = makeCell('lstm', 2, 3);
  const x = tensor(new Array(3 * 2 * 2).fill(0.1), [3, 2, 2]);
  assert.throws(() => runFused(cell, x, null, false, null, Int32Array.from([0, 3])), /expected lengths to be integers in \[1, 3\], got 0 for batch row 0/);
  assert.throws(() => runFused(cell, x, null, false, null, Int32Array.from([4, 3])), /expected lengths to be integers in \[1, 3\], got 4/);
  assert.throws(() => runFused(cell, x, null, false, null, Int32Array.from([3])), /expected 2 lengths \(one per batch row\)/);
});
