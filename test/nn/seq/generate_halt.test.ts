// Free-running generation stops on an EOS symbol or a halt unit: a JordanCell whose hand-set
// weights make it cycle 1 → 2 → 3 → 0 → 1 …, so where each row must stop is known by hand. Also
// the halt targets and the halt loss against binary cross-entropy written out, and withEos.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JordanCell } from '../../../src/nn/index.js';
import { generate, haltLoss, haltTargets, HaltingUnit, runJordan, withEos } from '../../../src/nn/seq/index.js';
import { indices, select } from '../../../src/autograd/index.js';
import { Rng } from '../../../src/tensor/random.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';
import { mat, vec } from '../../helpers/reference_rnn.js';
import { t64 } from '../../helpers/recurrent_layers.js';

const O = 4, H = 4;

/** y_{t−1} = c drives unit (c + 1) mod 4 hardest, and o = 5 h: the argmax cycles 1, 2, 3, 0, … */
function cyclingCell(): JordanCell {
  const cell = new JordanCell({ hiddenSize: H, outputSize: O }, { dtype: 'float64' });
  cell.loadStateDict({
    weight_yh: t64(mat(H, O, (r, c) => (r === (c + 1) % O ? 3 : 0))),
    bias_h: t64([0, 1, 0, 0]), // with no previous output (y_0 = 0), unit 1 wins
    weight_ho: t64(mat(O, H, (r, c) => (r === c ? 5 : 0))),
    bias_o: t64(vec(O, () => 0)),
  });
  return cell;
}

/** Fires (σ(z) ≈ 0.99) exactly when unit 3 is on, i.e. right after emitting 3. */
function haltOnThree(): HaltingUnit {
  const unit = new HaltingUnit(H, { dtype: 'float64' });
  unit.loadStateDict({ 'linear.weight': t64([[0, 0, 0, 10]]), 'linear.bias': t64([-5]) });
  return unit;
}

test('generation without an end runs to maxLength, cycling as the weights say', () => {
  const g = generate(cyclingCell(), { maxLength: 10 });
  assert.deepEqual(g.ids, [[1, 2, 3, 0, 1, 2, 3, 0, 1, 2]]);
  assert.deepEqual(g.stoppedBy, ['maxLength']);
});

test('generation stops after emitting EOS (kept as the last symbol)', () => {
  const g = generate(cyclingCell(), { maxLength: 10, eos: 0 });
  assert.deepEqual(g.ids, [[1, 2, 3, 0]]);
  assert.deepEqual(g.stoppedBy, ['eos']);
});

test('generation stops when the halt unit fires, whichever of EOS and halt comes first', () => {
  const halt = haltOnThree();
  const byHalt = generate(cyclingCell(), { maxLength: 10, eos: 0, halt: (h) => halt.forward(h) });
  assert.deepEqual(byHalt.ids, [[1, 2, 3]]);
  assert.deepEqual(byHalt.stoppedBy, ['halt']);
  const byEos = generate(cyclingCell(), { maxLength: 10, eos: 2, halt: (h) => halt.forward(h) });
  assert.deepEqual(byEos.ids, [[1, 2]]);
  assert.deepEqual(byEos.stoppedBy, ['eos']);
  // a threshold above σ(4.95) ≈ 0.993 never fires
  const never = generate(cyclingCell(), { maxLength: 6, halt: (h) => halt.forward(h), haltThreshold: 0.999 });
  assert.deepEqual(never.stoppedBy, ['maxLength']);
});

test('rows of a batch stop on their own steps; a stopped row emits nothing more', () => {
  const cell = cyclingCell();
  // row 1 starts as if it had just emitted 2: it goes 3, 0 and ends two steps before row 0
  const carry = [t64(vec(2, () => vec(H, () => 0))), t64([[0, 0, 0, 0], [0, 0, 1, 0]])];
  const g = generate(cell, { maxLength: 10, eos: 0, carry });
  assert.deepEqual(g.ids, [[1, 2, 3, 0], [3, 0]]);
  assert.deepEqual(g.stoppedBy, ['eos', 'eos']);
});

test('sampled generation at a low temperature follows the argmax; a sampled halt can stop early', () => {
  const g = generate(cyclingCell(), { maxLength: 8, choose: 'sample', temperature: 0.05, rng: new Rng(1) });
  assert.deepEqual(g.ids, [[1, 2, 3, 0, 1, 2, 3, 0]]);
  // a halt logit of +20 everywhere: the Bernoulli draw fires at the first step
  const g2 = generate(cyclingCell(), { maxLength: 8, halt: (h) => t64(vec(h.shape[0], () => 20)), haltSample: true, rng: new Rng(2) });
  assert.deepEqual(g2.ids, [[1]]);
  assert.deepEqual(g2.stoppedBy, ['halt']);
});

test('generation with inputs, and of real values, equals runJordan free running (ε = 0)', () => {
  const T = 6, B = 2;
  const cat = new JordanCell({ inputSize: 2, hiddenSize: 5, outputSize: 3, hiddenToHidden: true }, { dtype: 'float64', rng: new Rng(9) });
  const x = rand64([T, B, 2], 91, { grad: false });
  const free = runJordan(cat, { inputs: x, targets: indices(new Array(T * B).fill(0), [T, B]), teacherForcing: 0 }).outputs.toArray();
  const argmaxAt = (t: number, b: number) => { const o = free.slice((t * B + b) * 3, (t * B + b + 1) * 3); return o.indexOf(Math.max(...o)); };
  const g = generate(cat, { maxLength: T, batch: B, input: (t) => select(x, 0, t) });
  assert.deepEqual(g.ids, [0, 1].map((b) => vec(T, (t) => argmaxAt(t, b))));
  const real = new JordanCell({ hiddenSize: 4, outputSize: 2, output: 'real', hiddenToHidden: true }, { dtype: 'float64', rng: new Rng(10) });
  const freeReal = runJordan(real, { targets: rand64([T, B, 2], 92, { grad: false }), teacherForcing: 0 }).outputs.toArray();
  const gr = generate(real, { maxLength: T, batch: B });
  assertClose(vec(T, (t) => t).flatMap((t) => [0, 1].flatMap((b) => gr.values[b][t])), freeReal, 1e-14);
  assert.deepEqual(gr.ids, [[], []]);
  assert.throws(() => generate(cat, { maxLength: 3 }), /give options.input\(t\)/);
  assert.throws(() => generate(real, { maxLength: 3, eos: 0 }), /eos to be a class id/);
});

test('haltTargets: 1 at each row\'s last real step, mask over real steps; haltLoss is their masked BCE', () => {
  const { target, mask } = haltTargets([3, 1], 4, 'float64');
  assert.deepEqual(target.toArray(), [0, 1, 0, 0, 1, 0, 0, 0]); // [T, B] time-major
  assert.deepEqual(mask.toArray(), [1, 1, 1, 0, 1, 0, 0, 0]);
  const bce = (v: number, y: number) => Math.log(1 + Math.exp(v)) - v * y;
  // counted: (t0,b0) y0, (t0,b1) y1, (t1,b0) y0, (t2,b0) y1
  const want = (bce(0.3, 0) + bce(-1.2, 1) + bce(2.0, 0) + bce(-0.5, 1)) / 4;
  assertClose([haltLoss(t64([[0.3, -1.2], [2.0, 0.7], [-0.5, 4.0], [9.0, -9.0]]), [3, 1]).item()], [want], 1e-14);
  assert.throws(() => haltTargets([0], 3), /lengths to be integers in \[1, 3\], got 0/);
  assert.throws(() => haltLoss(t64([[1, 2, 3]]), [1, 1]), /halt logits of shape \[T, 2\], got \[1, 3\]/);
});

test('halt unit and halt loss gradcheck (float64)', () => {
  const unit = new HaltingUnit(H, { dtype: 'float64' });
  const h = rand64([3, 2, H], 71);
  check((hh) => haltLoss(unit.forward(hh), [2, 3]), [h, ...unit.parameters()]);
  // the padded step (t = 2 of row 0) gets no gradient
  assert.ok(h.grad!.toArray().slice((2 * 2 + 0) * H, (2 * 2 + 1) * H).every((g) => g === 0));
});

test('withEos appends EOS and pads with the ignore index, time-major', () => {
  const { targets, lengths } = withEos([[5, 6], [], [7]], 1);
  assert.deepEqual([...targets.shape], [3, 3]);
  assert.deepEqual([...targets.data], [5, 1, 7, 6, -100, 1, 1, -100, -100]);
  assert.deepEqual([...lengths], [3, 1, 2]);
});
