// Divergence in fit(): a loss past the ceiling, a NaN/Inf in what a save would write (weights, Adam's
// running squares, a resumable tensor) or in an evaluation metric stops the run with one error that
// names the step, what was not finite and the checkpoint kept, and nothing diverged is on disk.

import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import '../../src/autograd/methods.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import { findNonFinite } from '../../src/tensor/finite.js';
import { Linear } from '../../src/nn/layers/linear.js';
import { SGD } from '../../src/optim/sgd.js';
import { Adam } from '../../src/optim/adam.js';
import { serializeSafetensors } from '../../src/io/safetensors.js';
import { loadSafetensorsSync } from '../../src/io/checkpoint_file.js';
import { fit, type FitOptions } from '../../src/train/fit.js';
import { fileCheckpoint, loadFitState } from '../../src/train/fit_state_file.js';
import { LOSS_CEILING, TrainingDivergedError } from '../../src/train/divergence.js';
import { tempDir } from '../helpers/files.js';
import { batchOf, target, line, mse } from '../helpers/line_fit.js';


/** The mean squared error of w, b on a batch, in float64, by hand. */
const mseByHand = (w: number, b: number, xs: number[]): number => xs.reduce((a, x) => a + (w * x + b - target(x)) ** 2, 0) / xs.length;

/** A run of `steps` steps saving after every one to `path` (the model file holds w, b and the step). */
function run(path: string, m: Linear, o: Partial<FitOptions<number[]>>): FitOptions<number[]> {
  return {
    model: m, optimizer: new SGD(m.parameters(), { lr: 0.01 }), data: batchOf, loss: mse(m), steps: 10,
    checkpoint: fileCheckpoint(path, (step) => serializeSafetensors(m.stateDict(), { step: String(step) }), { every: 1 }),
    ...o,
  };
}

function saved(path: string): { step: number; w: number; b: number; finite: boolean } {
  const { tensors, metadata } = loadSafetensorsSync(path);
  const step = Number(metadata.step);
  const state = loadFitState(path, step);
  return {
    step, w: tensors.weight.data[0], b: tensors.bias.data[0],
    finite: findNonFinite(tensors) === null && findNonFinite(state.optimizer.tensors) === null,
  };
}

test('weights that blow up stop the run when the loss passes the ceiling, and the kept weights give a loss below it', async () => {
  // SGD at lr 3 multiplies the error by about -20 a step: w reaches 1e15 (a loss past 1e30, still
  // finite) within a dozen steps and float32's 3.4e38 a few later.
  const path = join(tempDir(), 'm.safetensors');
  const m = line();
  const err = await fit(run(path, m, { optimizer: new SGD(m.parameters(), { lr: 3 }), steps: 60 })).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof TrainingDivergedError, `expected a TrainingDivergedError, got ${String(err)}`);
  const { step, keptStep } = err.divergence;
  assert.match(err.message, new RegExp(`^training diverged at step ${step}: loss is \\S+, past 1e\\+30 .*; the checkpoint of step ${keptStep} \\(.*m\\.safetensors\\) is kept`));
  assert.ok(!err.message.includes('\n'), 'one line');
  // The step that diverged computed its loss on the weights of step − 1: those are not kept, the ones before are.
  assert.equal(keptStep, step - 2);
  const kept = saved(path);
  assert.equal(kept.step, keptStep);
  assert.ok(kept.finite);
  // The kept weights gave the loss of step keptStep + 1: below the ceiling, by hand in float64.
  const loss = mseByHand(kept.w, kept.b, batchOf(keptStep));
  assert.ok(Number.isFinite(loss) && loss <= LOSS_CEILING, `the kept weights' loss is ${loss}`);
});

test("Adam's running square overflowing to Infinity (no clipping) stops the run at the save, naming the tensor", async () => {
  // From the 4th step the loss is scaled by 1e25: still finite, but its gradient squared (1e50) is
  // not, in float32. The weights stay finite (the update m / √v is 0), so only the state shows it.
  const path = join(tempDir(), 'm.safetensors');
  const m = line();
  const loss = mse(m);
  await assert.rejects(fit(run(path, m, {
    optimizer: new Adam(m.parameters(), { lr: 0.01 }), clip: 0,
    loss: (xs, { step }) => (step >= 3 ? loss(xs).mul(1e25) : loss(xs)),
  })), /^TrainingDivergedError: training diverged at step 4: tensor optimizer\.state\.\d\.exp_avg_sq holds Infinity at \[0(, 0)?\] \(flat index 0\); the checkpoint of step 3 \(.*m\.safetensors\) is kept/);
  const kept = saved(path);
  assert.equal(kept.step, 3);
  assert.ok(kept.finite, 'nothing on disk holds a NaN or an infinity');
});

test('a non-finite evaluation metric stops the run before it is reported or saved', async () => {
  const path = join(tempDir(), 'm.safetensors');
  const m = line();
  const reported: number[] = [];
  await assert.rejects(fit(run(path, m, {
    evalEvery: 2, evaluate: ({ step }) => ({ valLoss: step >= 4 ? Infinity : 1 }),
    callbacks: { onEval: ({ step }) => reported.push(step) },
  })), /^TrainingDivergedError: training diverged at step 4: evaluation metric valLoss is Infinity; the checkpoint of step 3 \(.*m\.safetensors\) is kept/);
  assert.deepEqual(reported, [2]);
  assert.equal(saved(path).step, 3);
});

test('a NaN in a resumable tensor (a carried hidden state) is not saved', async () => {
  const path = join(tempDir(), 'm.safetensors');
  const m = line();
  let taken = 0;
  await assert.rejects(fit(run(path, m, {
    callbacks: { onStep: ({ step }) => { taken = step; } },
    resumables: { carried: { stateDict: () => ({ tensors: { h: tensor([0, taken >= 5 ? NaN : 1], [1, 2]) } }), loadStateDict: () => undefined } },
  })), /^TrainingDivergedError: training diverged at step 5: tensor carried\.h holds NaN at \[0, 1\] \(flat index 1\); the checkpoint of step 4 /);
  assert.equal(saved(path).step, 4);
});

test('the error says when nothing was saved, or when the run saves nothing', async () => {
  const path = join(tempDir(), 'm.safetensors');
  const m = line();
  const loss = mse(m);
  const nanAt2 = (xs: number[], { step }: { step: number }): Tensor => (step === 1 ? loss(xs).mul(NaN) : loss(xs));
  await assert.rejects(fit(run(path, m, { loss: nanAt2 })), /^TrainingDivergedError: training diverged at step 2: loss is NaN; no checkpoint was saved at .*m\.safetensors \(try/);
  assert.ok(!existsSync(path), 'the save of step 1 was dropped with its weights');
  await assert.rejects(fit(run(path, m, { loss: nanAt2, checkpoint: undefined })), /^TrainingDivergedError: training diverged at step 2: loss is NaN \(try a lower learning rate or gradient clipping\)$/);
});
