// The training loop of sequence-to-sequence and caption models, in one place:
//   batch → forward (teacher forcing / scheduled sampling at ε_i) → cross-entropy → backward
//   → clip the global gradient norm → Adam step with a cosine-decayed learning rate
// It stops at a step or wall-clock budget, or when asked to (Ctrl-C), yielding to the event loop
// every step so that progress displays and signals get through.

import { Rng } from '../tensor/random.js';
import { backward } from '../autograd/engine.js';
import { Adam } from '../optim/adam.js';
import { clipGradNorm } from '../optim/clip.js';
import { teacherForcingProbability, type SamplingSchedule } from '../nn/seq/scheduled_sampling.js';
import type { StepInfo } from '../train/trainer.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import type { Seq2Seq } from './model.js';
import type { Seq2SeqBatch } from './pairs.js';
import type { TargetBatch } from './batch.js';

export interface Seq2SeqTrainOptions {
  /** Stop after this many steps (0: no step limit; default 0 when `time` is set, else 1000). */
  steps?: number;
  /** Stop after this many seconds of training, callbacks excluded (0: no limit; default 0). */
  time?: number;
  /** Peak learning rate of Adam (default 2e-3). */
  lr?: number;
  /** Learning rate at the end of the budget, as a fraction of lr (cosine decay; default 0.1). */
  minLrRatio?: number;
  /** Global gradient-norm bound, 0 for none (default 1). */
  clip?: number;
  /** ε_i, the probability of feeding the ground truth (default: constant 1, teacher forcing). */
  teacherForcing?: SamplingSchedule;
  /** Seed of the scheduled-sampling draws (default 0). */
  seed?: number;
}

export interface Seq2SeqTrainCallbacks {
  onStep?(info: StepInfo & { teacherForcing: number }): void;
  /** Polled every step; true stops after this step. */
  shouldStop?(): boolean;
}

export interface Seq2SeqTrainResult {
  steps: number;
  /** Seconds of training (callbacks excluded). */
  elapsed: number;
  /** Mean loss (nats per target token) over the last 50 steps. */
  loss: number;
  /** Loss of the first step. */
  firstLoss: number;
  stopped: 'budget' | 'interrupted';
}

// setImmediate where there is one (Node), else a zero timeout (browsers).
const yieldToEventLoop = (): Promise<void> =>
  new Promise((r) => (typeof setImmediate === 'function' ? setImmediate(r) : setTimeout(r, 0)));

/** Trains `model` in place on batches from `nextBatch(step)`. */
export function trainSeq2Seq(
  model: Seq2Seq, nextBatch: (step: number) => Seq2SeqBatch, options: Seq2SeqTrainOptions = {}, callbacks: Seq2SeqTrainCallbacks = {},
): Promise<Seq2SeqTrainResult> {
  return trainDecoderModel(model, nextBatch, (b, o) => model.loss(b.src.ids, b.src.lengths, b.tgt, o).loss, options, callbacks);
}

/** What the forward of a decoder model gets at a training step: ε_i and the draws' generator. */
export interface TeacherForcingStep { teacherForcing: number; rng: Rng }

/**
 * The loop itself, for any model whose loss on a batch with decoder targets `tgt` is
 * `lossOf(batch, step)` (mean nats per target token): seq2seq models and caption models.
 */
export async function trainDecoderModel<B extends { tgt: TargetBatch }>(
  model: Module, nextBatch: (step: number) => B, lossOf: (batch: B, step: TeacherForcingStep) => Tensor,
  options: Seq2SeqTrainOptions = {}, callbacks: Seq2SeqTrainCallbacks = {},
): Promise<Seq2SeqTrainResult> {
  const time = options.time ?? 0;
  const steps = options.steps ?? (time > 0 ? 0 : 1000);
  const lr = options.lr ?? 2e-3, minLrRatio = options.minLrRatio ?? 0.1, clip = options.clip ?? 1;
  const schedule: SamplingSchedule = options.teacherForcing ?? { kind: 'constant', value: 1 };
  if (!(Number.isInteger(steps) && steps >= 0)) throw new Error(`expected steps to be an integer >= 0, got ${steps}`);
  if (!(time >= 0 && Number.isFinite(time))) throw new Error(`expected a time budget >= 0 seconds, got ${time}`);
  if (steps === 0 && time === 0) throw new Error('expected a step or time budget, got neither');
  if (!(lr > 0)) throw new Error(`expected a learning rate > 0, got ${lr}`);
  if (!(clip >= 0)) throw new Error(`expected a clip bound >= 0, got ${clip}`);
  teacherForcingProbability(schedule, 0); // validates the schedule before any work
  const rng = new Rng(options.seed ?? 0);
  const params = model.parameters();
  const opt = new Adam(params, { lr });
  const t0 = performance.now();
  const recent: number[] = [];
  let firstLoss = NaN, step = 0, tokens = 0;
  let stopped: Seq2SeqTrainResult['stopped'] = 'budget';
  model.train();
  const progressAt = (elapsed: number): number =>
    Math.min(1, Math.max(steps > 0 ? step / steps : 0, time > 0 ? elapsed / time : 0));
  // Time spent in callbacks (validation, checkpoints) does not count against the budget.
  let outside = 0;
  const trainingSeconds = (): number => (performance.now() - t0 - outside) / 1000;
  for (;;) {
    const elapsed0 = trainingSeconds();
    const progress = progressAt(elapsed0);
    if (progress >= 1) break;
    const batch = nextBatch(step);
    const eps = teacherForcingProbability(schedule, step);
    const rate = lr * (minLrRatio + (1 - minLrRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    for (const g of opt.paramGroups) g.lr = rate;
    const loss = lossOf(batch, { teacherForcing: eps, rng });
    const value = loss.item();
    if (!Number.isFinite(value)) throw new Error(`training diverged: loss ${value} at step ${step}`);
    opt.zeroGrad();
    backward(loss);
    if (clip > 0) clipGradNorm(params, clip);
    opt.step();
    if (step === 0) firstLoss = value;
    recent.push(value);
    if (recent.length > 50) recent.shift();
    tokens += batch.tgt.lengths.reduce((a, b) => a + b, 0);
    step++;
    const elapsed = trainingSeconds();
    const before = performance.now();
    callbacks.onStep?.({ step, loss: value, lr: rate, elapsed, tokensPerSec: tokens / Math.max(elapsed, 1e-9), progress: progressAt(elapsed), teacherForcing: eps });
    outside += performance.now() - before;
    await yieldToEventLoop();
    if (callbacks.shouldStop?.()) { stopped = 'interrupted'; break; }
  }
  return {
    steps: step, elapsed: trainingSeconds(), firstLoss, stopped,
    loss: recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : NaN,
  };
}
