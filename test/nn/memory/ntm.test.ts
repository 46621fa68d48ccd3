// The neural Turing machine: each addressing stage against values worked out by hand, the whole
// addressing against the paper's equations written as plain loops, reading and writing by hand,
// float64 gradchecks of the head (controller output → weighting, read vector and written memory)
// and of the cell over several steps, and its refusals.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { LSTMCell, NTMCell, NTMHead, GRUCell, Recurrence, address, circularShift, cosineSimilarity, readMemory, writeMemory } from '../../../src/nn/index.js';
import { Rng } from '../../../src/tensor/random.js';
import { tensor, type Tensor } from '../../../src/tensor/tensor.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';

const f64 = { dtype: 'float64' as const };
const t64 = (v: number[] | number[][] | number[][][], grad = false): Tensor => tensor(v, undefined, { dtype: 'float64', requiresGrad: grad });

test('cosine similarity of memory rows to a key, by hand', () => {
  const mem = t64([[[1, 0], [0, 2], [3, 3], [-1, -1]]]);
  const k = t64([[1, 1]]);
  const s = Math.SQRT1_2;
  assertClose(cosineSimilarity(mem, k).toArray(), [s, s, 1, -1], 1e-8);
});

test('circular shift moves the focus by −1, 0, +1 rows with wrap-around, and mixes shifts by s', () => {
  const w = t64([[0.7, 0.2, 0.1, 0]]);
  assert.deepEqual(circularShift(w, t64([[0, 0, 1]])).toArray(), [0, 0.7, 0.2, 0.1]); // +1
  assert.deepEqual(circularShift(w, t64([[1, 0, 0]])).toArray(), [0.2, 0.1, 0, 0.7]); // −1: row 0 wraps to the end
  assert.deepEqual(circularShift(w, t64([[0, 1, 0]])).toArray(), [0.7, 0.2, 0.1, 0]);
  assertClose(circularShift(w, t64([[0.5, 0, 0.5]])).toArray(), [0.1, 0.4, 0.1, 0.4], 1e-15);
  // shifts −2 … 2
  assert.deepEqual(circularShift(t64([[1, 0, 0, 0, 0]]), t64([[0, 0, 0, 0, 1]])).toArray(), [0, 0, 1, 0, 0]);
  assert.throws(() => circularShift(w, t64([[0.5, 0.5]])), /expected an odd number of shifts, at most the 4 rows, got 2/);
});

// The addressing of one row of the batch, as the paper's equations in plain arithmetic.
function addressByHand(mem: number[][], prev: number[], k: number[], beta: number, g: number, s: number[], gamma: number): number[] {
  const N = mem.length, S = s.length, ms = (S - 1) / 2;
  const norm = (v: number[]) => Math.sqrt(v.reduce((a, x) => a + x * x, 0) + 1e-8);
  const K = mem.map((row) => row.reduce((a, x, i) => a + x * k[i], 0) / (norm(row) * norm(k)));
  const e = K.map((v) => Math.exp(beta * v)), Z = e.reduce((a, b) => a + b, 0);
  const wg = e.map((v, i) => g * (v / Z) + (1 - g) * prev[i]);
  const wt = wg.map((_, i) => s.reduce((a, sj, c) => a + wg[(((i - (c - ms)) % N) + N) % N] * sj, 0));
  const p = wt.map((v) => v ** gamma), P = p.reduce((a, b) => a + b, 0);
  return p.map((v) => v / P);
}

test('address equals the content → interpolate → shift → sharpen chain written out by hand', () => {
  const mem = [[0.5, -1, 0.2], [1, 1, 0], [0, 0.3, -0.7], [0.9, 0.1, 0.4], [-0.2, 0.6, 0.6]];
  const rows = [
    { prev: [0.1, 0.6, 0.1, 0.1, 0.1], k: [1, 0.5, -0.2], beta: 3, g: 0.7, s: [0.2, 0.5, 0.3], gamma: 1.8 },
    { prev: [1, 0, 0, 0, 0], k: [-0.3, 0.8, 0.1], beta: 0.4, g: 0.1, s: [0.05, 0.05, 0.9], gamma: 4 },
  ];
  const w = address(t64([mem, mem]), t64(rows.map((r) => r.prev)), {
    key: t64(rows.map((r) => r.k)), beta: t64(rows.map((r) => [r.beta])), gate: t64(rows.map((r) => [r.g])),
    shift: t64(rows.map((r) => r.s)), gamma: t64(rows.map((r) => [r.gamma])),
  });
  const want = rows.flatMap((r) => addressByHand(mem, r.prev, r.k, r.beta, r.g, r.s, r.gamma));
  assertClose(w.toArray(), want, 1e-14);
  assertClose([0, 1].map((b) => w.toArray().slice(5 * b, 5 * b + 5).reduce((a, v) => a + v, 0)), [1, 1], 1e-14);
});

test('read is wᵀM; write erases then adds where the head looks, by hand', () => {
  const mem = t64([[[1, 2], [3, 4], [5, 6]]]);
  const w = t64([[0.5, 0.5, 0]]);
  assert.deepEqual(readMemory(mem, w).toArray(), [2, 3]);
  const out = writeMemory(mem, w, t64([[1, 0]]), t64([[10, 20]]));
  // row n: M ⊙ (1 − w_n e) + w_n a
  assert.deepEqual(out.toArray(), [1 * 0.5 + 5, 2 + 10, 3 * 0.5 + 5, 4 + 10, 5, 6]);
});

test('gradcheck of a head (float64): controller output → weighting, read vector and written memory', () => {
  const B = 2, N = 5, M = 3, Hc = 4;
  for (const mode of ['read', 'write'] as const) {
    const head = new NTMHead({ inputSize: Hc, memoryWidth: M, mode, maxShift: 1 }, { ...f64, rng: new Rng(mode === 'read' ? 1 : 2) });
    const h = rand64([B, Hc], 3), mem = rand64([B, N, M], 4);
    // a previous weighting: positive rows summing to 1
    const prev = ops.softmax(rand64([B, N], 5, { grad: false }), 1);
    prev.requiresGrad = true;
    check((hh, mm, pp) => {
      const p = head.forward(hh);
      const w = head.address(mm, pp, p);
      const parts = [w, readMemory(mm, w)];
      if (mode === 'write') parts.push(ops.reshape(writeMemory(mm, w, p.erase!, p.add!), [B, N * M]));
      return ops.concat(parts, 1);
    }, [h, mem, prev, ...head.parameters()]);
  }
});

test('NTMCell with an LSTM or GRU controller gradchecks over 3 steps (inputs and every parameter)', () => {
  const I = 2, N = 4, M = 2;
  for (const [R, ctrl] of [[1, new LSTMCell({ inputSize: I + M, hiddenSize: 3 }, { ...f64, rng: new Rng(6) })], [2, new GRUCell({ inputSize: I + 2 * M, hiddenSize: 3 }, { ...f64, rng: new Rng(7) })]] as const) {
    const cell = new NTMCell(ctrl, { inputSize: I, memorySize: N, memoryWidth: M, readHeads: R }, { ...f64, rng: new Rng(8) });
    assert.equal(cell.hiddenSize, 3 + R * M);
    const x = rand64([3, 2, I], 9);
    check((xx) => {
      const [y, carry] = new Recurrence(cell).forward(xx);
      return ops.concat([ops.reshape(y, [-1]), ops.reshape(cell.memoryOf(carry), [-1])], 0);
    }, [x, ...cell.parameters()], { rtol: 1e-4, atol: 1e-5 });
  }
});

test('the carry: memory from memory0, every head focused on row 0, and weightings that stay distributions', () => {
  const cell = new NTMCell(new LSTMCell({ inputSize: 3 + 2, hiddenSize: 4 }, f64), { inputSize: 3, memorySize: 6, memoryWidth: 2, writeHeads: 2 }, f64);
  const carry0 = cell.initCarry(2);
  assert.equal(carry0.length, cell.carrySize);
  assert.deepEqual(cell.memoryOf(carry0).toArray(), [...cell.memory0.toArray(), ...cell.memory0.toArray()]);
  assert.deepEqual(cell.weightingsOf(carry0, 'write').toArray().slice(0, 12), [1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0]);
  const [, carry] = ops.noGrad(() => new Recurrence(cell).forward(rand64([7, 2, 3], 10, { grad: false })));
  for (const mode of ['read', 'write'] as const) {
    const w = cell.weightingsOf(carry, mode).toArray();
    for (let r = 0; r < w.length / 6; r++) assertClose([w.slice(6 * r, 6 * r + 6).reduce((a, v) => a + v, 0)], [1], 1e-6);
  }
});

test('NTMCell refuses a controller of the wrong size and impossible shapes, by name', () => {
  assert.throws(() => new NTMCell(new LSTMCell({ inputSize: 4, hiddenSize: 3 }), { inputSize: 2, memorySize: 8, memoryWidth: 3 }),
    /expected a controller with inputSize 5 \(inputSize 2 \+ readHeads 1 × memoryWidth 3\), got 4/);
  assert.throws(() => new NTMCell(new LSTMCell({ inputSize: 5, hiddenSize: 3 }), { inputSize: 2, memorySize: 2, memoryWidth: 3 }),
    /expected 2·maxShift \+ 1 <= memorySize, got maxShift 1 for 2 rows/);
  assert.throws(() => new NTMCell(new LSTMCell({ inputSize: 5, hiddenSize: 3 }), { inputSize: 2, memorySize: 8, memoryWidth: 3, writeHeads: 0 }),
    /expected writeHeads to be an integer >= 1, got 0/);
  assert.throws(() => new NTMHead({ inputSize: 3, memoryWidth: 2, mode: 'erase' as never }), /expected mode 'read' or 'write', got 'erase'/);
});
