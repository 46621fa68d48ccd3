// The task generators against properties worked out by hand: the adding target is the sum of the
// two marked values, copy memory recalls its first ten symbols after the delimiter and its baseline
// is what the memoryless strategy scores, Reber strings are accepted by a separately written
// automaton, and the counting, parity, tagging and temporal-order labels follow from the inputs.

import test from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { IGNORE } from '../../src/tasks/task_spec.js';
import { ADDING_BASELINE, addingBatch } from '../../src/tasks/adding.js';
import { copyBaseline, copyBatch, copyCrossEntropy, copyRecallAccuracy } from '../../src/tasks/copy_memory.js';
import { countingBaseline, countingBatch, lastAccuracy } from '../../src/tasks/counting.js';
import { finalParityAccuracy, parityBatch } from '../../src/tasks/parity.js';
import { TAG_LOOKAHEAD, tagAccuracy, taggingBatch } from '../../src/tasks/tagging.js';
import { orderBatch, orderWindows } from '../../src/tasks/classification.js';

/** The symbol whose one-hot entry is set at step t, sequence b of inputs [T, B, I] (−1: none). */
function symbolAt(inputs: Float32Array, B: number, I: number, t: number, b: number): number {
  let found = -1;
  for (let k = 0; k < I; k++) {
    const v = inputs[(t * B + b) * I + k];
    if (v === 1) { assert.equal(found, -1, 'more than one symbol at a step'); found = k; } else assert.equal(v, 0);
  }
  return found;
}

test('adding: two markers, one per half, and the target is the sum of the marked values', () => {
  for (const T of [2, 7, 100]) {
    const B = 40, batch = addingBatch(new Rng(T), B, T);
    assert.equal(batch.inputs.length, T * B * 2);
    for (let b = 0; b < B; b++) {
      const marked: number[] = [];
      let sum = 0;
      for (let t = 0; t < T; t++) {
        const value = batch.inputs[(t * B + b) * 2], marker = batch.inputs[(t * B + b) * 2 + 1];
        assert.ok(value >= 0 && value < 1);
        assert.ok(marker === 0 || marker === 1);
        if (marker === 1) { marked.push(t); sum += value; }
      }
      assert.equal(marked.length, 2);
      assert.ok(marked[0] < Math.floor(T / 2) && marked[1] >= Math.floor(T / 2), `markers at ${marked}`);
      assert.ok(Math.abs(batch.targets[b] - sum) < 1e-6);
    }
  }
  // The baseline: Var(u1 + u2) for independent U[0, 1] is 2 · 1/12; the sample MSE of answering 1 agrees.
  assert.equal(ADDING_BASELINE, 2 / 12);
  const big = addingBatch(new Rng(1), 20000, 4);
  let mse = 0;
  for (const y of big.targets) mse += (y - 1) ** 2;
  assert.ok(Math.abs(mse / 20000 - 1 / 6) < 0.005, `sample MSE ${mse / 20000}`);
  // Same seed, same data.
  assert.deepEqual(addingBatch(new Rng(5), 3, 10), addingBatch(new Rng(5), 3, 10));
});

test('copy memory: ten symbols, blanks, the delimiter, and the symbols recalled at the end', () => {
  const T = 15, B = 6, L = T + 20, batch = copyBatch(new Rng(2), B, T);
  assert.equal(batch.T, L);
  for (let b = 0; b < B; b++) {
    const seq = Array.from({ length: L }, (_, t) => symbolAt(batch.inputs, B, 10, t, b));
    const want = Array.from({ length: L }, (_, t) => (t < 10 ? seq[t] : t === T + 9 ? 9 : 0));
    assert.deepEqual(seq, want);
    for (let t = 0; t < 10; t++) assert.ok(seq[t] >= 1 && seq[t] <= 8);
    const targets = Array.from({ length: L }, (_, t) => batch.targets[t * B + b]);
    assert.deepEqual(targets, [...new Array<number>(T + 10).fill(0), ...seq.slice(0, 10)]);
  }
});

test('copy memory: the memoryless strategy scores exactly the baseline 10 ln 8 / (T + 20)', () => {
  for (const T of [1, 100, 200]) {
    const B = 3, batch = copyBatch(new Rng(T), B, T), L = batch.T;
    // Logits: certain blank for the first T + 10 steps, then equal logits on the 8 categories and
    // a blank so unlikely that it does not count.
    const out = new Float32Array(L * B * 9);
    for (let t = 0; t < L; t++) {
      for (let b = 0; b < B; b++) {
        const off = (t * B + b) * 9;
        if (t < T + 10) { out[off] = 60; } else { out[off] = -60; }
      }
    }
    assert.ok(Math.abs(copyCrossEntropy(out, batch) - copyBaseline(T)) < 1e-6);
    assert.ok(Math.abs(copyBaseline(T) - (10 * Math.log(8)) / (T + 20)) < 1e-15);
  }
  assert.ok(Math.abs(copyBaseline(100) - 0.1733) < 1e-4);
  // A model that recalls every symbol: recall accuracy 1, cross-entropy near 0.
  const B = 2, T = 4, batch = copyBatch(new Rng(9), B, T);
  const out = new Float32Array(batch.T * B * 9);
  for (let i = 0; i < batch.T * B; i++) out[i * 9 + batch.targets[i]] = 30;
  assert.equal(copyRecallAccuracy(out, batch), 1);
  assert.ok(copyCrossEntropy(out, batch) < 1e-9);
});

test('counting: the label is the number of ones, and the baseline is the binomial mode', () => {
  const T = 9, B = 50, batch = countingBatch(new Rng(3), B, T);
  for (let b = 0; b < B; b++) {
    let ones = 0;
    for (let t = 0; t < T; t++) ones += symbolAt(batch.inputs, B, 2, t, b);
    assert.equal(batch.targets[b], ones);
  }
  assert.equal(countingBaseline(1), 0.5);
  assert.ok(Math.abs(countingBaseline(4) - 6 / 16) < 1e-12);
  assert.ok(Math.abs(countingBaseline(20) - 184756 / 1048576) < 1e-12);
  assert.ok(countingBaseline(2000) > 0 && countingBaseline(2000) < 0.02);
  // lastAccuracy: logits [B, C] with the largest entry at the target for half the rows.
  const C = T + 1, out = new Float32Array(B * C);
  for (let b = 0; b < B; b++) out[b * C + (b % 2 === 0 ? batch.targets[b] : (batch.targets[b] + 1) % C)] = 1;
  assert.equal(lastAccuracy(out, batch), 0.5);
});

test('parity: the target at each step is the parity of the zeros read so far', () => {
  const T = 13, B = 20, batch = parityBatch(new Rng(4), B, T);
  for (let b = 0; b < B; b++) {
    const bits = Array.from({ length: T }, (_, t) => symbolAt(batch.inputs, B, 2, t, b));
    for (let t = 0; t < T; t++) {
      const zeros = bits.slice(0, t + 1).filter((x) => x === 0).length;
      assert.equal(batch.targets[t * B + b], zeros % 2);
    }
  }
  const out = new Float32Array(T * B * 2);
  for (let b = 0; b < B; b++) out[((T - 1) * B + b) * 2 + batch.targets[(T - 1) * B + b]] = 1;
  assert.equal(finalParityAccuracy(out, batch), 1);
});

test('tagging: each position is tagged with the symbol three steps later; the last three are not scored', () => {
  const T = 10, B = 7, batch = taggingBatch(new Rng(6), B, T);
  assert.equal(TAG_LOOKAHEAD, 3);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const want = t + 3 < T ? symbolAt(batch.inputs, B, 8, t + 3, b) : IGNORE;
      assert.equal(batch.targets[t * B + b], want);
    }
  }
  // Copying the current symbol is right only by chance; reading three ahead is always right.
  const ahead = new Float32Array(T * B * 8);
  for (let i = 0; i < T * B; i++) if (batch.targets[i] !== IGNORE) ahead[i * 8 + batch.targets[i]] = 1;
  assert.equal(tagAccuracy(ahead, batch), 1);
  assert.throws(() => taggingBatch(new Rng(0), 1, 3), /expected a length T >= 4, got 3/);
});

test('temporal order: B first, E last, X/Y once in each window, and the class is their order', () => {
  const T = 50, B = 40, batch = orderBatch(new Rng(7), B, T);
  const [[a0, a1], [b0, b1]] = orderWindows(T);
  assert.deepEqual([a0, a1, b0, b1], [5, 10, 25, 30]);
  const seen = new Set<number>();
  for (let b = 0; b < B; b++) {
    const seq = Array.from({ length: T }, (_, t) => 'BEabcdXY'[symbolAt(batch.inputs, B, 8, t, b)]).join('');
    assert.equal(seq[0], 'B');
    assert.equal(seq[T - 1], 'E');
    const relevant = [...seq].map((c, t) => [c, t] as const).filter(([c]) => c === 'X' || c === 'Y');
    assert.equal(relevant.length, 2);
    assert.ok(relevant[0][1] >= a0 && relevant[0][1] < a1 && relevant[1][1] >= b0 && relevant[1][1] < b1);
    assert.equal(batch.targets[b], ['XX', 'XY', 'YX', 'YY'].indexOf(relevant[0][0] + relevant[1][0]));
    assert.match(seq.slice(1, T - 1), /^[abcdXY]+$/);
    seen.add(batch.targets[b]);
  }
  assert.equal(seen.size, 4);
});
