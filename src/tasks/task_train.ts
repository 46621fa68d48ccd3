// Training and testing a model on a task of the suite, with fit():
//   a fresh batch every step → forward → loss (MSE or cross-entropy) → backward → clip → optimizer step
// (Adam, or the task's choice: task_optimizer.ts)
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
import { backwardWithInformationFlow } from '../nn/losses/information_flow.js';
import type { RNN } from '../nn/layers/rnn.js';
import { checkLearningRate } from '../optim/learning_rate_limit.js';
import { checkMemory } from '../nn/memory_estimate.js';
import { taskMemory, TEST_CHUNK } from './task_memory.js';
import { existsSync } from 'node:fs';
import { fit } from '../train/fit.js';
import { resumableRng } from '../train/fit_state.js';
import { modelCheckpoint, resumeInto } from '../train/fit_state_file.js';
import { TaskModel, type TaskCell } from './task_model.js';
import { taskOptimizer } from './task_optimizer.js';
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
  /** Save the model here (with what resumes its training) at validations and at the end. */
  checkpoint?: string;
  /** Continue the training saved at `checkpoint`, when there is one. */
  resume?: boolean;
  /** Polled after every step: true stops training after it, saved (Ctrl-C); the test still runs. */
  shouldStop?: () => boolean;
  /** Refuse a run estimated (task_memory.ts) to need more bytes than this (default 4 GiB). */
  maxMemory?: number;
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
  /** Whether shouldStop ended training before its budget. */
  interrupted: boolean;
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
export async function runTask(task: SequenceTask, o: TaskRunOptions): Promise<TaskRunResult> {
  const T = o.length, seed = o.seed ?? 0;
  const s: TaskSettings = { ...task.settings(o.cell, T), ...o.settings };
  if (!(s.steps > 0 || s.time > 0)) throw new Error(`expected a budget of steps > 0 or time > 0, got steps ${s.steps}, time ${s.time}`);
  if (!(s.batchSize >= 1 && s.hiddenSize >= 1 && s.testSize >= 1)) {
    throw new Error(`expected batch >= 1, hidden >= 1 and test size >= 1, got ${s.batchSize}, ${s.hiddenSize}, ${s.testSize}`);
  }
  checkLearningRate(s.lr);
  const bidirectional = o.bidirectional ?? task.bidirectional;
  checkMemory(taskMemory(task, o.cell, T, s, bidirectional), o.maxMemory);
  const model = new TaskModel({
    cell: o.cell, inputSize: task.inputSize, hiddenSize: s.hiddenSize, outputSize: task.outputSize(T),
    readout: task.readout, bidirectional, chrono: s.chrono ?? 0, ...(s.periods ? { periods: s.periods } : {}),
    ...(s.recurrentInit ? { recurrentInit: s.recurrentInit } : {}), ...(s.ioInitStd ? { ioInitStd: s.ioInitStd } : {}),
  }, seed);
  const trainRng = new Rng(seed * 3 + 1), valRng = new Rng(seed * 3 + 2), testRng = new Rng(seed * 3 + 3);
  const valBatch = task.generate(valRng, Math.min(128, s.testSize), T);
  const recent: number[] = [];
  const flow = s.informationFlow ?? 0;
  if (!(flow >= 0 && Number.isFinite(flow))) throw new Error(`expected an information-flow weight >= 0, got ${flow}`);
  // With the regulariser the step backpropagates L + λΩ itself (Ω needs L's state gradients first).
  const step = flow > 0
    ? { trainStep: (batch: TaskBatch) => {
      const r = model.forwardWithStates(inputTensor(task, batch));
      return backwardWithInformationFlow(taskLoss(task, r.y, batch), { layer: model.rnn as RNN, output: r.output, final: r.final }, flow,
        { heldStates: s.informationFlowHeld ?? false }).loss;
    } }
    : { loss: (batch: TaskBatch) => taskLoss(task, model.forward(inputTensor(task, batch)), batch) };
  const res = await fit({
    model, optimizer: taskOptimizer(model, s), clip: s.clip,
    steps: Math.max(0, s.steps), seconds: Math.max(0, s.time), lossWindow: 20,
    data: () => task.generate(trainRng, s.batchSize, T),
    ...step,
    evaluate: s.evalEvery > 0 ? () => ({ metric: scoreBatch(task, model, valBatch) }) : undefined,
    evalEvery: s.evalEvery,
    stopWhen: ({ metric }) => passes(task, metric),
    checkpoint: o.checkpoint === undefined ? undefined : modelCheckpoint(o.checkpoint, model),
    resumables: { data: resumableRng(trainRng) },
    resume: o.checkpoint !== undefined && o.resume && existsSync(o.checkpoint) ? resumeInto(o.checkpoint, model) : null,
    callbacks: {
      shouldStop: o.shouldStop,
      onStep: ({ loss }) => { recent.push(loss); if (recent.length > 20) recent.shift(); },
      onEval: ({ step, elapsed, metrics }) => o.onEval?.({ step, loss: mean(recent), metric: metrics.metric, elapsed }),
    },
  });
  const value = testMetric(task, model, testRng, s.testSize, T, Math.max(s.batchSize, TEST_CHUNK));
  return {
    value, baseline: task.baseline(T), steps: res.steps, trainSeconds: res.elapsed, trainLoss: res.loss, stoppedEarly: res.stopped === 'early', interrupted: res.stopped === 'interrupted', settings: s, model,
  };
}

function mean(v: number[]): number {
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
}
