// JordanCell and runJordan against the plainly written Jordan recurrence (reference_rnn.ts) on
// hand-set weights: teacher forcing, free running (through scan and through runJordan at ε = 0),
// scheduled sampling at teacher-forcing probability 1 (exactly teacher forcing) and at ε = 0.5
// (each row-step fed as its coin said), real-valued outputs; float64 gradchecks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JordanCell } from '../../../src/nn/index.js';
import { unroll, runJordan } from '../../../src/nn/seq/index.js';
import { indices, mul, sum } from '../../../src/autograd/index.js';
import { Rng } from '../../../src/tensor/random.js';
import { teacherForcingProbability } from '../../../src/nn/seq/scheduled_sampling.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';
import { argmaxOf, jordanStep, mat, oneHot, vec, type JordanWeights, type Vec } from '../../helpers/reference_rnn.js';
import { t64 } from '../../helpers/recurrent_layers.js';

const I = 2, H = 3, O = 4, B = 2, T = 5;
const xs: Vec[][] = vec(T, (t) => [0, 1].map((b) => [Math.cos(0.9 * t + b), 0.2 * t - 0.4 * b - 0.3]));
const targets: number[][] = [[1, 3], [2, 0], [0, 0], [3, 2], [1, 1]]; // [T][B]
const targetIds = () => indices(targets.flat(), [T, B]);

function handJordan(hiddenToHidden: boolean, inputs = true): JordanWeights {
  return {
    wih: inputs ? mat(H, I, (r, c) => 0.3 * (((r + 2 * c) % 5) - 2)) : null,
    wyh: mat(H, O, (r, c) => 0.4 * (((3 * r + c) % 5) - 2)),
    whh: hiddenToHidden ? mat(H, H, (r, c) => 0.2 * (((2 * r + c) % 7) - 3)) : null,
    bh: vec(H, (r) => 0.1 * r - 0.1),
    who: mat(O, H, (r, c) => 0.5 * (((r + c) % 4) - 1.5)),
    bo: vec(O, (r) => 0.05 * r),
  };
}

function makeCell(w: JordanWeights, output: 'categorical' | 'real' = 'categorical'): JordanCell {
  const cell = new JordanCell({ inputSize: w.wih ? I : 0, hiddenSize: H, outputSize: O, hiddenToHidden: w.whh !== null, output }, { dtype: 'float64' });
  cell.loadStateDict({
    ...(w.wih ? { weight_ih: t64(w.wih) } : {}), ...(w.whh ? { weight_hh: t64(w.whh) } : {}),
    weight_yh: t64(w.wyh), bias_h: t64(w.bh), weight_ho: t64(w.who), bias_o: t64(w.bo),
  });
  return cell;
}

/** Reference run of one row; feedOf(t, prevO) gives y_feed,t for t ≥ 1. */
function refRow(w: JordanWeights, b: number, feedOf: (t: number, prevO: Vec) => Vec): { hs: Vec[]; os: Vec[] } {
  let h = vec(H, () => 0), y = vec(O, () => 0);
  const hs: Vec[] = [], os: Vec[] = [];
  for (let t = 0; t < T; t++) {
    if (t > 0) y = feedOf(t, os[t - 1]);
    const s = jordanStep(w.wih ? xs[t][b] : null, h, y, w);
    h = s.h; hs.push(h); os.push(s.o);
  }
  return { hs, os };
}
const timeMajor = (rows: Vec[][]): number[] => vec(T, (t) => t).flatMap((t) => rows.flatMap((r) => r[t]));

for (const hiddenToHidden of [false, true]) {
  test(`runJordan teacher forcing equals h_t = tanh(W x_t + V y_{t−1}${hiddenToHidden ? ' + U h_{t−1}' : ''} + b), o_t = C h_t + c`, () => {
    const w = handJordan(hiddenToHidden);
    const cell = makeCell(w);
    const res = runJordan(cell, { inputs: t64(xs), targets: targetIds() });
    const ref = [0, 1].map((b) => refRow(w, b, (t) => oneHot(targets[t - 1][b], O)));
    assert.deepEqual([...res.outputs.shape], [T, B, O]);
    assertClose(res.outputs.toArray(), timeMajor(ref.map((r) => r.os)), 1e-14, 1e-13);
    assertClose(res.hidden.toArray(), timeMajor(ref.map((r) => r.hs)), 1e-14, 1e-13);
    assert.ok(res.fedTruth.every((f) => f === 1));
  });

  test(`JordanCell free running (${hiddenToHidden ? 'Elman–Jordan' : 'pure Jordan'}): scan and runJordan at ε = 0 feed back one-hot(argmax o_{t−1})`, () => {
    const w = handJordan(hiddenToHidden);
    const cell = makeCell(w);
    const ref = [0, 1].map((b) => refRow(w, b, (_t, prev) => oneHot(argmaxOf(prev), O)));
    const scanned = unroll(cell, t64(xs)); // the generic loop over the cell's own steps
    assertClose(scanned.outputs.toArray(), timeMajor(ref.map((r) => r.hs)), 1e-14, 1e-13);
    const free = runJordan(cell, { inputs: t64(xs), targets: targetIds(), teacherForcing: 0 });
    assertClose(free.outputs.toArray(), timeMajor(ref.map((r) => r.os)), 1e-14, 1e-13);
    assert.ok(free.fedTruth.slice(B).every((f) => f === 0));
    // the free-running and teacher-forced runs really differ on these weights
    const tf = runJordan(cell, { inputs: t64(xs), targets: targetIds() });
    assert.notDeepEqual(tf.outputs.toArray(), free.outputs.toArray());
  });
}

test('scheduled sampling at teacher-forcing probability 1 equals teacher forcing exactly', () => {
  const cell = makeCell(handJordan(true));
  const tf = runJordan(cell, { inputs: t64(xs), targets: targetIds() }).outputs.toArray();
  const schedules = [
    { kind: 'constant', value: 1 } as const,
    { kind: 'linear', slope: 0.01 } as const, // ε_0 = 1
    { kind: 'exponential', k: 0.9 } as const, // ε_0 = 0.9^0 = 1
  ];
  for (const schedule of schedules) {
    const eps = teacherForcingProbability(schedule, 0);
    assert.equal(eps, 1);
    for (const choose of ['argmax', 'sample'] as const) {
      const ss = runJordan(cell, { inputs: t64(xs), targets: targetIds(), teacherForcing: eps, choose, rng: new Rng(5) });
      assert.deepEqual(ss.outputs.toArray(), tf);
    }
  }
});

test('scheduled sampling at ε = 0.5 feeds each row-step the truth or the own argmax as its coin says', () => {
  const w = handJordan(false);
  const cell = makeCell(w);
  const res = runJordan(cell, { inputs: t64(xs), targets: targetIds(), teacherForcing: 0.5, rng: new Rng(7) });
  const fed = res.fedTruth;
  const mixed = fed.slice(B);
  assert.ok(mixed.some((f) => f === 1) && mixed.some((f) => f === 0), 'a mix of truth and own predictions');
  const ref = [0, 1].map((b) => refRow(w, b, (t, prev) => (fed[t * B + b] ? oneHot(targets[t - 1][b], O) : oneHot(argmaxOf(prev), O))));
  assertClose(res.outputs.toArray(), timeMajor(ref.map((r) => r.os)), 1e-14, 1e-13);
  // the coin flips come from the rng: the same seed gives the same run
  assert.deepEqual(runJordan(cell, { inputs: t64(xs), targets: targetIds(), teacherForcing: 0.5, rng: new Rng(7) }).fedTruth, fed);
});

test('real-valued JordanCell: teacher forcing feeds y_{t−1}, free running feeds o_{t−1}', () => {
  const w = handJordan(true, false); // no external input: driven by its outputs only
  const cell = makeCell(w, 'real');
  const ys: Vec[][] = vec(T, (t) => [0, 1].map((b) => vec(O, (k) => Math.sin(t + k + 2 * b))));
  const tf = runJordan(cell, { targets: t64(ys) });
  const refTf = [0, 1].map((b) => refRow(w, b, (t) => ys[t - 1][b]));
  assertClose(tf.outputs.toArray(), timeMajor(refTf.map((r) => r.os)), 1e-14, 1e-13);
  const free = runJordan(cell, { targets: t64(ys), teacherForcing: 0 });
  const refFree = [0, 1].map((b) => refRow(w, b, (_t, prev) => prev));
  assertClose(free.outputs.toArray(), timeMajor(refFree.map((r) => r.os)), 1e-14, 1e-13);
});

test('runJordan gradcheck (float64): categorical teacher forcing, real free running and real scheduled sampling', () => {
  const cat = new JordanCell({ inputSize: I, hiddenSize: H, outputSize: O, hiddenToHidden: true }, { dtype: 'float64' });
  const x = rand64([4, B, I], 41), r = rand64([4, B, O], 42, { grad: false });
  const ids = indices([0, 3, 1, 1, 2, 0, 3, 2], [4, B]);
  check((...ins) => sum(mul(runJordan(cat, { inputs: ins[0], targets: ids }).outputs, r)), [x, ...cat.parameters()]);

  const real = new JordanCell({ hiddenSize: H, outputSize: 2, output: 'real', hiddenToHidden: true }, { dtype: 'float64' });
  const ys = rand64([4, B, 2], 43, { grad: false }), r2 = rand64([4, B, 2], 44, { grad: false });
  for (const eps of [0, 0.5]) {
    // a fresh generator per evaluation, so every finite-difference pass takes the same branches
    check(() => sum(mul(runJordan(real, { targets: ys, teacherForcing: eps, rng: new Rng(3) }).outputs, r2)), real.parameters());
  }
});

test('runJordan rejects mismatched targets and inputs', () => {
  const cell = new JordanCell({ inputSize: I, hiddenSize: H, outputSize: O }, { dtype: 'float64' });
  assert.throws(() => runJordan(cell, { targets: targetIds() }), /expected inputs of shape \[5, 2, 2\], got none/);
  assert.throws(() => runJordan(cell, { inputs: t64(xs), targets: t64([[[1]]]) }), /class-id targets of shape \[T, B\]/);
  assert.throws(() => runJordan(cell, { inputs: t64(xs), targets: targetIds(), teacherForcing: 2 }), /teacherForcing in \[0, 1\], got 2/);
  assert.throws(() => runJordan(cell, { inputs: t64(xs), targets: indices([9, 0, 0, 0, 0, 0, 0, 0, 0, 0], [T, B]) }), /class ids in \[0, 4\), got 9/);
});
