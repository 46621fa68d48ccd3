// Short learning checks, seconds each: a pure Jordan net trained with scheduled sampling learns a
// periodic sequence and then generates it freely; a conditioned Jordan net learns one sequence per
// conditioning vector (one-to-many) and ends it with EOS, or with a trained halt unit.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JordanCell, crossEntropy } from '../../../src/nn/index.js';
import { generate, haltLoss, HaltingUnit, oneToManyGenerate, oneToManyTrain, runJordan, VectorConditioning, withEos } from '../../../src/nn/seq/index.js';
import { add, indices } from '../../../src/autograd/index.js';
import { Adam } from '../../../src/optim/adam.js';
import { Rng } from '../../../src/tensor/random.js';
import { tensor } from '../../../src/tensor/tensor.js';
import { teacherForcingProbability } from '../../../src/nn/seq/scheduled_sampling.js';

test('a pure Jordan net learns the cycle 0 2 4 1 3 with scheduled sampling and generates it freely', () => {
  const cycle = [0, 2, 4, 1, 3], T = 10, O = 5;
  const cell = new JordanCell({ hiddenSize: 8, outputSize: O }, { rng: new Rng(1) });
  const targets = indices(Array.from({ length: T }, (_, t) => cycle[t % 5]), [T, 1]);
  const opt = new Adam(cell.parameters(), { lr: 0.05 });
  const rng = new Rng(2);
  const lossAt = (eps: number) => crossEntropy(runJordan(cell, { targets, teacherForcing: eps, rng }).outputs, targets);
  const before = lossAt(1).item();
  for (let step = 0; step < 150; step++) {
    // ε falls linearly from 1 to 0.5 over training
    const eps = teacherForcingProbability({ kind: 'linear', slope: 0.005, min: 0.5 }, step);
    const loss = lossAt(eps);
    loss.backward();
    opt.step();
    opt.zeroGrad();
  }
  const after = lossAt(1).item();
  assert.ok(before > 1, `starts near chance (ln 5 ≈ 1.61), got ${before}`);
  assert.ok(after < 0.1, `teacher-forced loss after training ${after} (chance ln 5 ≈ 1.61)`);
  const g = generate(cell, { maxLength: 15 });
  assert.deepEqual(g.ids[0], Array.from({ length: 15 }, (_, t) => cycle[t % 5]));
});

/** Two conditioning vectors, each with its own short sequence over symbols 1 … 4 (0 is EOS). */
const v = tensor([[1, 0], [0, 1]]);
const seqs = [[3, 1, 4], [2, 2, 4, 1, 3]];

function conditionedNet(seed: number) {
  const rng = new Rng(seed);
  const cell = new JordanCell({ hiddenSize: 16, outputSize: 5, hiddenToHidden: true }, { rng });
  const cond = new VectorConditioning({ vectorSize: 2, hiddenSize: 16 }, { rng });
  return { cell, cond, params: [...cell.parameters(), ...cond.parameters()] };
}

test('one-to-many: a conditioned Jordan net learns a sequence per vector and ends it with EOS', () => {
  const { cell, cond, params } = conditionedNet(3);
  const { targets } = withEos(seqs, 0);
  const opt = new Adam(params, { lr: 0.03 });
  const lossOf = () => crossEntropy(oneToManyTrain(cell, cond, v, { targets }).outputs, targets);
  const before = lossOf().item();
  for (let step = 0; step < 150; step++) {
    const loss = lossOf();
    loss.backward();
    opt.step();
    opt.zeroGrad();
  }
  const after = lossOf().item();
  assert.ok(after < 0.05 && after < before / 20, `loss ${before} → ${after}`);
  const g = oneToManyGenerate(cell, cond, v, { maxLength: 12, eos: 0 });
  assert.deepEqual(g.ids, [[...seqs[0], 0], [...seqs[1], 0]]);
  assert.deepEqual(g.stoppedBy, ['eos', 'eos']);
});

test('one-to-many with a halt unit trained by binary cross-entropy stops each row at its length', () => {
  const { cell, cond, params } = conditionedNet(4);
  const halt = new HaltingUnit(16, { rng: new Rng(5) });
  const lengths = seqs.map((s) => s.length);
  const T = Math.max(...lengths);
  // targets padded with the ignore index past each row's end; no EOS symbol here
  const data = new Int32Array(T * 2).fill(-100);
  seqs.forEach((s, b) => s.forEach((c, t) => { data[t * 2 + b] = c; }));
  const targets = indices(data, [T, 2]);
  const opt = new Adam([...params, ...halt.parameters()], { lr: 0.03 });
  for (let step = 0; step < 150; step++) {
    const res = oneToManyTrain(cell, cond, v, { targets });
    const loss = add(crossEntropy(res.outputs, targets), haltLoss(halt.forward(res.hidden), lengths));
    loss.backward();
    opt.step();
    opt.zeroGrad();
  }
  const g = oneToManyGenerate(cell, cond, v, { maxLength: 12, halt: (h) => halt.forward(h) });
  assert.deepEqual(g.ids, seqs);
  assert.deepEqual(g.stoppedBy, ['halt', 'halt']);
});
