// The training loop of the task suite, in one readable place:
//   generate a fresh batch → forward → loss (MSE or cross-entropy) → backward → clip → Adam step
// every evalEvery steps: the metric on a validation batch, stopping early once it passes the task's
// stopAt; at the end: the metric on testSize fresh test sequences. Budgets: steps and seconds.
// Training, validation and test data come from three separate streams of one seed.

import '../autograd/methods.js';
import { Tensor } from '../tensor/tensor.js';
import { Rng } from '../tensor/random.js';
import { indices } from '../autograd/ops/gather.js';
import { noGrad } from '../autograd/grad_mode.js';
import { crossEntropy } from '../nn/losses/cross_entropy.js';
import { mseLoss } from '../nn/losses/regression.js';
import { Adam } from '../optim/adam.js';
import { clipGradNorm } from '../optim/clip.js';
import { TaskModel, type TaskCell } from './task_model.js';
import { IGNORE, type SequenceTask, type TaskBatch, type TaskSettings } from './task_spec.js';

export interface TaskRunOptions {
  cell: TaskCell;
  length: number;
  seed?: number;
  /** Overrides of the task's settings for this cell and length. */
  settings?: Partial<TaskSettings>;
  /** Overrides the task's default direction. */
  bidirectional?: boolean;
  /** Called after each validation check. */
  onEval?(info: { step: number; loss: number; metric: number; elapsed: number }): void;
}

export interface TaskRunResult {
  /** The task's metric on the test sequences. */
  value: number;
  baseline: number | null;
  /** Training steps taken. */
  steps: number;
  /** Seconds of training (excluding the final test). */
  trainSeconds: number;
  /** Mean training loss over the last 20 steps. */
  trainLoss: number;
  /** Whether training stopped early because the validation metric passed stopAt. */
  stoppedEarly: boolean;
  settings: TaskSettings;
  model: TaskModel;
}

/** The loss of a batch: MSE for regression tasks, cross-entropy (ignoring IGNORE) for class tasks. */
export function taskLoss(task: SequenceTask, out: Tensor, batch: TaskBatch): Tensor {
  if (task.loss === 'mse') return mseLoss(out, new Tensor(batch.targets as Float32Array, out.shape));
  const shape = task.readout === 'all' ? [batch.T, batch.B] : [batch.B];
  return crossEntropy(out, indices(batch.targets as Int32Array, shape), { ignoreIndex: IGNORE });
}

/** The model's input tensor for a batch: [T, B, I]. */
export function inputTensor(task: SequenceTask, batch: TaskBatch): Tensor {
  return new Tensor(batch.inputs, [batch.T, batch.B, task.inputSize]);
}

/** The task's metric of `model` on `batch`, without recording gradients. */
export function scoreBatch(task: SequenceTask, model: TaskModel, batch: TaskBatch): number {
  const training = model.training;
  model.training = false;
  try {
    const out = noGrad(() => model.forward(inputTensor(task, batch)));
    return task.score(out.data as Float32Array, batch);
  } finally {
    model.training = training;
  }
}

/** The metric over n fresh sequences from `rng`, in chunks so memory stays that of one batch. */
export function testMetric(task: SequenceTask, model: TaskModel, rng: Rng, n: number, T: number, chunk: number): number {
  let total = 0, done = 0;
  while (done < n) {
    const b = Math.min(chunk, n - done);
    total += scoreBatch(task, model, task.generate(rng, b, T)) * b;
    done += b;
  }
  return total / n;
}

function passes(task: SequenceTask, metric: number): boolean {
  if (task.stopAt === null) return false;
  return task.higherIsBetter ? metric >= task.stopAt : metric <= task.stopAt;
}

/** Trains a fresh model on `task` and measures it on fresh test sequences. */
export function runTask(task: SequenceTask, o: TaskRunOptions): TaskRunResult {
  const T = o.length, seed = o.seed ?? 0;
  const s: TaskSettings = { ...task.settings(o.cell, T), ...o.settings };
  if (!(s.steps > 0 || s.time > 0)) throw new Error(`expected a budget of steps > 0 or time > 0, got steps ${s.steps}, time ${s.time}`);
  if (!(s.batchSize >= 1 && s.hiddenSize >= 1 && s.lr > 0 && s.testSize >= 1)) {
    throw new Error(`expected batch >= 1, hidden >= 1, lr > 0 and test size >= 1, got ${s.batchSize}, ${s.hiddenSize}, ${s.lr}, ${s.testSize}`);
  }
  const model = new TaskModel({
    cell: o.cell, inputSize: task.inputSize, hiddenSize: s.hiddenSize, outputSize: task.outputSize(T),
    readout: task.readout, bidirectional: o.bidirectional ?? task.bidirectional, chrono: s.chrono ?? 0,
  }, seed);
  const trainRng = new Rng(seed * 3 + 1), valRng = new Rng(seed * 3 + 2), testRng = new Rng(seed * 3 + 3);
  const valBatch = task.generate(valRng, Math.min(128, s.testSize), T);
  const opt = new Adam(model.parameters(), { lr: s.lr });
  const recent: number[] = [];
  let step = 0, elapsed = 0, stoppedEarly = false;
  const start = performance.now();
  const within = (): boolean => (s.steps <= 0 || step < s.steps) && (s.time <= 0 || elapsed < s.time);
  while (within()) {
    const batch = task.generate(trainRng, s.batchSize, T);
    const loss = taskLoss(task, model.forward(inputTensor(task, batch)), batch);
    const value = loss.item();
    if (!Number.isFinite(value)) throw new Error(`${task.name}: training diverged at step ${step} (loss ${value}); try a lower --lr`);
    loss.backward();
    if (s.clip > 0) clipGradNorm(model.parameters(), s.clip);
    opt.step();
    opt.zeroGrad();
    step++;
    recent.push(value);
    if (recent.length > 20) recent.shift();
    elapsed = (performance.now() - start) / 1000;
    if (s.evalEvery > 0 && step % s.evalEvery === 0 && within()) {
      const metric = scoreBatch(task, model, valBatch);
      o.onEval?.({ step, loss: mean(recent), metric, elapsed });
      if (passes(task, metric)) { stoppedEarly = true; break; }
    }
  }
  const value = testMetric(task, model, testRng, s.testSize, T, Math.max(s.batchSize, 100));
  return {
    value, baseline: task.baseline(T), steps: step, trainSeconds: elapsed, trainLoss: mean(recent), stoppedEarly, settings: s, model,
  };
}

function mean(v: number[]): number {
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
}
