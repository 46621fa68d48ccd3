// ClockworkRNNCell against the clockwork recurrence written as a plain loop (modules of periods
// 1, 2, 4; module k updated when t mod T_k = 0 from modules j ≥ k); with all periods 1 and connect
// 'all' it is exactly RNNCell on the same weights; the cut connections stay zero with zero gradient;
// every row keeps its own clock; float64 gradcheck; bad configs are refused by name.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { ClockworkRNNCell, RNNCell, Recurrence } from '../../../src/nn/index.js';
import { unroll } from '../../../src/nn/seq/index.js';
import { Rng } from '../../../src/tensor/random.js';
import { tensor } from '../../../src/tensor/tensor.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';
import { affine, toMat, type Vec } from '../../helpers/reference_rnn.js';

const I = 2, B = 2, T = 9;
const f64 = { dtype: 'float64' as const };

// The clockwork recurrence of one row, from zero state at t = 0.
function reference(cell: ClockworkRNNCell, xs: Vec[]): Vec[] {
  const H = cell.hiddenSize, g = cell.periods.length, size = H / g;
  const wih = toMat(cell.weight_ih.data, H, I), whh = toMat(cell.weight_hh.data, H, H);
  const bih = Array.from(cell.bias_ih!.data), bhh = Array.from(cell.bias_hh!.data);
  let h: Vec = new Array<number>(H).fill(0);
  const out: Vec[] = [];
  xs.forEach((x, t) => {
    const next = [...h];
    for (let k = 0; k < g; k++) {
      if (t % cell.periods[k] !== 0) continue;
      for (let u = k * size; u < (k + 1) * size; u++) {
        let z = affine(wih, x, bih, u, 1)[0] + bhh[u];
        for (let j = k * size; j < H; j++) z += whh[u][j] * h[j]; // only modules j ≥ k
        next[u] = Math.tanh(z);
      }
    }
    h = next;
    out.push(h);
  });
  return out;
}

const xs = Array.from({ length: T }, (_, t) => Array.from({ length: B }, (_, b) => [Math.sin(0.9 * t + b), Math.cos(0.4 * t) - 0.3 * b]));

test('ClockworkRNNCell periods [1, 2, 4] equals the clockwork loop over 9 steps, and W_hh is block upper-triangular', () => {
  const cell = new ClockworkRNNCell({ inputSize: I, hiddenSize: 6, periods: [1, 2, 4] }, { ...f64, rng: new Rng(3) });
  const w = toMat(cell.weight_hh.data, 6, 6);
  for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) if (Math.floor(j / 2) < Math.floor(i / 2)) assert.equal(w[i][j], 0, `W[${i}][${j}]`);
  assert.ok(w[0][5] !== 0 && w[5][5] !== 0);
  const out = unroll(cell, tensor(xs, undefined, f64)).outputs; // [T, B, H]
  for (let b = 0; b < B; b++) {
    const ref = reference(cell, xs.map((x) => x[b]));
    for (let t = 0; t < T; t++) assertClose(out.toArray().slice((t * B + b) * 6, (t * B + b + 1) * 6), ref[t], 1e-15, 1e-14, `t ${t} b ${b}`);
  }
  // the slowest module (period 4) holds still between its updates
  const slow = (t: number) => out.toArray().slice((t * B) * 6 + 4, (t * B) * 6 + 6);
  assert.deepEqual(slow(1), slow(0));
  assert.deepEqual(slow(3), slow(2));
  assert.notDeepEqual(slow(4), slow(3));
});

test("with all periods 1 and connect 'all' the clockwork cell is exactly RNNCell", () => {
  const rnn = new RNNCell({ inputSize: I, hiddenSize: 4 }, { ...f64, rng: new Rng(4) });
  for (const periods of [[1], [1, 1], [1, 1, 1, 1]]) {
    const cw = new ClockworkRNNCell({ inputSize: I, hiddenSize: 4, periods, connect: 'all' }, f64);
    cw.loadStateDict(rnn.stateDict()); // the same names and shapes
    const h0 = rand64([B, 4], 5, { grad: false });
    const a = unroll(cw, tensor(xs, undefined, f64), { carry: [h0, tensor([[0], [0]], undefined, f64)] });
    const b = unroll(rnn, tensor(xs, undefined, f64), { carry: [h0] });
    assert.deepEqual(a.outputs.toArray(), b.outputs.toArray());
    assert.deepEqual(a.carry[0].toArray(), b.carry[0].toArray());
    assert.deepEqual(a.carry[1].toArray(), [T, T], 'the clock counted the steps');
  }
  // ... and 'slower-to-faster' with all periods 1 is not: modules do not read faster ones
  const tri = new ClockworkRNNCell({ inputSize: I, hiddenSize: 4, periods: [1, 1] }, f64);
  assert.equal(tri.weight_hh.data[2 * 4 + 0], 0);
});

test('the cut connections get zero gradient, so they stay zero under training', () => {
  const cell = new ClockworkRNNCell({ inputSize: I, hiddenSize: 6, periods: [1, 3, 9] }, { ...f64, rng: new Rng(6) });
  ops.sum(unroll(cell, tensor(xs, undefined, f64)).outputs).backward();
  const g = toMat(cell.weight_hh.grad!.data, 6, 6);
  for (let i = 0; i < 6; i++) for (let j = 0; j < 6; j++) if (Math.floor(j / 2) < Math.floor(i / 2)) assert.ok(g[i][j] === 0, `grad W[${i}][${j}] = ${g[i][j]}`);
  assert.ok(g[0][5] !== 0);
});

test('every row keeps its own clock: a row given t = 1 updates its period-2 module one step out of phase', () => {
  const cell = new ClockworkRNNCell({ inputSize: I, hiddenSize: 2, periods: [1, 2] }, { ...f64, rng: new Rng(7) });
  const x = tensor([[[1, 0], [1, 0]], [[0, 1], [0, 1]]], undefined, f64); // [T = 2, B = 2, I]
  const res = unroll(cell, x, { carry: [tensor([[0, 0], [0, 0]], undefined, f64), tensor([[0], [1]], undefined, f64)] });
  const o = res.outputs.toArray(); // [t][b][unit]
  assert.notEqual(o[1], 0, 'row 0, t = 0: the period-2 unit updates');
  assert.equal(o[3], 0, 'row 1, clock 1: it holds its zero');
  assert.equal(o[4 + 1], o[1], 'row 0, clock 1: it holds');
  assert.notEqual(o[4 + 3], 0, 'row 1, clock 2: it updates');
  // with variable lengths, a padded step does not advance the row's clock
  const m = new Recurrence(cell);
  const [, carry] = m.forward(rand64([5, 2, I], 8, { grad: false }), null, { lengths: [5, 3] });
  assert.deepEqual(carry[1].toArray(), [5, 3]);
});

test('ClockworkRNNCell gradcheck (float64) over 6 steps: inputs, initial state and weights', () => {
  const cell = new ClockworkRNNCell({ inputSize: I, hiddenSize: 6, periods: [1, 2, 3], nonlinearity: 'tanh' }, { ...f64, rng: new Rng(9) });
  const x = rand64([6, B, I], 10), h0 = rand64([B, 6], 11);
  const clock = tensor([[0], [1]], undefined, f64);
  check((xx, hh) => {
    const r = unroll(cell, xx, { carry: [hh, clock] });
    return ops.concat([ops.reshape(r.outputs, [-1]), ops.reshape(r.carry[0], [-1])], 0);
  }, [x, h0, ...cell.parameters()]);
});

test('bad clockwork configs are refused by name', () => {
  assert.throws(() => new ClockworkRNNCell({ inputSize: 1, hiddenSize: 6, periods: [2, 1, 4] }), /non-decreasing order \(fast modules first\), got \[2, 1, 4\]/);
  assert.throws(() => new ClockworkRNNCell({ inputSize: 1, hiddenSize: 5, periods: [1, 2] }), /hiddenSize divisible by the 2 modules, got 5/);
  assert.throws(() => new ClockworkRNNCell({ inputSize: 1, hiddenSize: 4, periods: [0, 1] }), /integers >= 1, got 0/);
  assert.throws(() => new ClockworkRNNCell({ inputSize: 1, hiddenSize: 4, connect: 'dense' as never }), /connect 'slower-to-faster' or 'all', got 'dense'/);
  const cell = new ClockworkRNNCell({ inputSize: 1, hiddenSize: 4 });
  assert.throws(() => cell.stepProjected(tensor([[0, 0, 0, 0]]), [tensor([[0, 0, 0, 0]])]), /expected a carry \[h \[N, 4\], t \[N, 1\]\], got \[1, 4\]/);
});
