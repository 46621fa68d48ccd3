// fit, the one training loop: its updates against gradient descent worked out by hand, its schedule
// against the closed form, its budgets, early stopping, interrupts and exact resume (epochs of
// shuffled batches, a dropout generator), and its errors.

import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../src/autograd/methods.js';
import { tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import { Linear } from '../../src/nn/layers/linear.js';
import { mseLoss } from '../../src/nn/losses/regression.js';
import { dropoutMask } from '../../src/nn/layers/dropout.js';
import { SGD } from '../../src/optim/sgd.js';
import { Adam } from '../../src/optim/adam.js';
import { BudgetCosine } from '../../src/optim/schedules.js';
import { loadSafetensorsSync } from '../../src/io/checkpoint_file.js';
import { serializeSafetensors } from '../../src/io/safetensors.js';
import { fit, type FitOptions } from '../../src/train/fit.js';
import { resumableRng } from '../../src/train/fit_state.js';
import { fileCheckpoint, loadFitState } from '../../src/train/fit_state_file.js';
import { statePathFor } from '../../src/train/checkpoint.js';
import { EpochBatches } from '../../src/train/epoch_batches.js';
import { tempDir } from '../helpers/files.js';
import { batchOf, target, line, mse } from '../helpers/line_fit.js';


test('fit takes the steps of gradient descent worked out by hand, clipping the global norm', async () => {
  const lr = 0.1, clip = 1.5, steps = 7;
  const m = line();
  const seen: number[] = [];
  const res = await fit({
    model: m, optimizer: new SGD(m.parameters(), { lr }), data: batchOf, loss: mse(m), clip, steps,
    callbacks: { onStep: (i) => seen.push(i.loss) },
  });
  // By hand: L = mean((wx + b − y)²), ∂L/∂w = 2 mean(e·x), ∂L/∂b = 2 mean(e), clipped to norm ≤ clip.
  let w = 0.5, b = -0.25;
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const xs = batchOf(s);
    const e = xs.map((x) => w * x + b - target(x));
    losses.push(e.reduce((a, v) => a + v * v, 0) / xs.length);
    let gw = (2 * e.reduce((a, v, i) => a + v * xs[i], 0)) / xs.length, gb = (2 * e.reduce((a, v) => a + v, 0)) / xs.length;
    const norm = Math.hypot(gw, gb);
    if (norm > clip) { gw *= clip / (norm + 1e-6); gb *= clip / (norm + 1e-6); }
    w -= lr * gw; b -= lr * gb;
  }
  assert.equal(res.steps, steps);
  assert.equal(res.stopped, 'budget');
  for (let s = 0; s < steps; s++) assert.ok(Math.abs(seen[s] - losses[s]) < 1e-5, `step ${s}: loss ${seen[s]}, by hand ${losses[s]}`);
  assert.ok(Math.abs(m.weight.data[0] - w) < 1e-5 && Math.abs(m.bias!.data[0] - b) < 1e-5, `w ${m.weight.data[0]} vs ${w}, b ${m.bias!.data[0]} vs ${b}`);
  assert.ok(Math.abs(res.firstLoss - losses[0]) < 1e-6);
  assert.ok(Math.abs(res.loss - losses.reduce((a, v) => a + v, 0) / steps) < 1e-5, 'mean of the window');
});

test('the schedule is stepped once per step and follows the budget used: BudgetCosine by its formula', async () => {
  const m = line();
  const opt = new SGD(m.parameters(), { lr: 0.05 });
  const lrs: number[] = [];
  const T = 10, W = 3, minLr = 0.005;
  await fit({ model: m, optimizer: opt, scheduler: new BudgetCosine(opt, { warmupSteps: W, minLr }), data: batchOf, loss: mse(m), steps: T, callbacks: { onStep: (i) => lrs.push(i.lr) } });
  const expected = Array.from({ length: T }, (_, t) => Math.min(1, (t + 1) / W) * (minLr + (0.05 - minLr) * (1 + Math.cos((Math.PI * t) / T)) / 2));
  lrs.forEach((lr, t) => assert.ok(Math.abs(lr - expected[t]) < 1e-12, `step ${t}: lr ${lr}, expected ${expected[t]}`));
});

test('evaluations come every evalEvery steps (or at each tenth of the budget) and can stop the run early', async () => {
  const m = line();
  const at: number[] = [];
  const res = await fit({
    model: m, optimizer: new SGD(m.parameters(), { lr: 0.01 }), data: batchOf, loss: mse(m), steps: 20, evalEvery: 3,
    evaluate: ({ step }) => ({ step }), stopWhen: ({ step }) => step >= 9, callbacks: { onEval: ({ step }) => at.push(step) },
  });
  assert.deepEqual(at, [3, 6, 9]);
  assert.equal(res.stopped, 'early');
  assert.equal(res.steps, 9);
  assert.deepEqual(res.metrics, { step: 9 });
  const tenths: number[] = [];
  await fit({ model: m, optimizer: new SGD(m.parameters(), { lr: 0.01 }), data: batchOf, loss: mse(m), steps: 20, evaluate: ({ step }) => ({ step }), callbacks: { onEval: ({ step }) => tenths.push(step) } });
  assert.deepEqual(tenths, [2, 4, 6, 8, 10, 12, 14, 16, 18], 'none at the end: the caller evaluates the final model');
});

test('a budget of seconds counts training only, not the time callbacks take', async () => {
  const m = line();
  const spin = (ms: number): void => { const t = performance.now(); while (performance.now() - t < ms) { /* busy */ } };
  const t0 = performance.now();
  const res = await fit({
    model: m, optimizer: new SGD(m.parameters(), { lr: 0.01 }), data: batchOf, seconds: 0.04,
    loss: (xs) => { spin(4); return mse(m)(xs); }, callbacks: { onStep: () => spin(8) },
  });
  const wall = (performance.now() - t0) / 1000;
  assert.ok(res.elapsed >= 0.04, `elapsed ${res.elapsed}`);
  assert.ok(res.steps >= 1 && res.steps <= 11, `${res.steps} steps of at least 4 ms for 40 ms`);
  assert.ok(wall >= res.elapsed + res.steps * 0.008, `wall ${wall} s holds the callbacks' ${res.steps} × 8 ms beside ${res.elapsed} s of training`);
});

/** A model trained on shuffled epochs with dropout: everything a resume must restore. */
function resumableRun(path: string, stopAt: number | null, resume = false): FitOptions<number[]> & { model: Linear } {
  const m = line();
  const dropRng = new Rng(5), shuffleRng = new Rng(6);
  const points = Array.from({ length: 10 }, (_, i) => i / 5 - 1);
  const epochs = new EpochBatches(() => {
    const order = [...points];
    for (let i = order.length - 1; i > 0; i--) { const j = shuffleRng.int(i + 1); [order[i], order[j]] = [order[j], order[i]]; }
    return [order.slice(0, 4), order.slice(4, 8), order.slice(8)];
  }, shuffleRng);
  const opt = new Adam(m.parameters(), { lr: 0.05 });
  let steps = 0;
  const modelBytes = (step: number): Uint8Array => serializeSafetensors(m.stateDict(), { step: String(step) });
  if (resume) m.loadStateDict(loadSafetensorsSync(path).tensors);
  return {
    model: m, optimizer: opt, scheduler: new BudgetCosine(opt, { warmupSteps: 2, minLr: 0.001 }), steps: 11,
    data: () => epochs.next(),
    loss: (xs) => {
      const y = m.forward(tensor(xs, [xs.length, 1]));
      return mseLoss(y.mul(dropoutMask(y.shape, 0.3, y, dropRng)), tensor(xs.map(target), [xs.length, 1]));
    },
    checkpoint: fileCheckpoint(path, modelBytes, { every: 2 }),
    resumables: { dropout: resumableRng(dropRng), epochs },
    resume: resume ? loadFitState(path, Number(loadSafetensorsSync(path).metadata.step)) : null,
    callbacks: { onStep: () => { steps++; }, shouldStop: () => stopAt !== null && steps >= stopAt },
  };
}

test('an interrupted run (mid-epoch) resumes to exactly the weights of an uninterrupted one', async () => {
  const dir = tempDir();
  const full = resumableRun(join(dir, 'full.safetensors'), null);
  await fit(full);
  const part = resumableRun(join(dir, 'part.safetensors'), 5);
  const first = await fit(part);
  assert.equal(first.stopped, 'interrupted');
  assert.equal(first.steps, 5);
  assert.ok(existsSync(statePathFor(join(dir, 'part.safetensors'))));
  const rest = resumableRun(join(dir, 'part.safetensors'), null, true);
  const res = await fit(rest);
  assert.equal(res.steps, 11);
  assert.ok(Number.isNaN(res.firstLoss), 'the first step was before the resume');
  assert.deepEqual([...rest.model.weight.data, ...rest.model.bias!.data], [...full.model.weight.data, ...full.model.bias!.data]);
});

test('a loss that is not finite stops the run, naming the step and keeping the checkpoint before the weights that gave it', async () => {
  const dir = tempDir();
  const path = join(dir, 'm.safetensors');
  const m = line();
  const loss = mse(m);
  // 10 steps: a save at every tenth, so after every step. The 5th step's loss (on the weights of step
  // 4) is NaN: the save of step 4 is dropped with those weights, and the one of step 3 stays.
  await assert.rejects(fit({
    model: m, optimizer: new SGD(m.parameters(), { lr: 0.01 }), data: batchOf, steps: 10,
    loss: (xs, { step }) => (step === 4 ? loss(xs).mul(NaN) : loss(xs)),
    checkpoint: fileCheckpoint(path, (step) => serializeSafetensors(m.stateDict(), { step: String(step) }), { every: 2 }),
  }), /^TrainingDivergedError: training diverged at step 5: loss is NaN; the checkpoint of step 3 \(.*m\.safetensors\) is kept/);
  assert.equal(loadSafetensorsSync(path).metadata.step, '3');
  assert.equal(loadFitState(path, 3).step, 3);
  assert.ok(readFileSync(statePathFor(path)).length > 0);
});

test('bad options are refused before any step', async () => {
  const m = line();
  const base = { model: m, optimizer: new SGD(m.parameters(), { lr: 0.01 }), data: batchOf, loss: mse(m) };
  await assert.rejects(fit({ ...base }), /fit: expected a budget \(steps > 0 or seconds > 0\), got neither/);
  await assert.rejects(fit({ ...base, steps: 1.5 }), /fit: expected steps to be an integer >= 0, got 1.5/);
  await assert.rejects(fit({ ...base, seconds: -1 }), /fit: expected seconds to be a finite number >= 0, got -1/);
  await assert.rejects(fit({ ...base, steps: 2, clip: -1 }), /fit: expected clip >= 0, got -1/);
  await assert.rejects(fit({ ...base, steps: 2, trainStep: () => 0 }), /fit: expected exactly one of loss and trainStep/);
});
