// Training decoder models (seq2seq and caption models) with fit(): Adam with its learning rate
// decayed along a cosine over the budget, clipping, and at every step ε_i, the probability of feeding
// the decoder the ground truth rather than its own previous output (scheduled sampling; constant 1 is
// teacher forcing). A model gives its loss on a batch; everything else is fit's.

import { Rng } from '../tensor/random.js';
import { Adam } from '../optim/adam.js';
import { checkLearningRate } from '../optim/learning_rate_limit.js';
import { BudgetCosine } from '../optim/schedules.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import type { Seq2Seq } from '../seq2seq/model.js';
import type { Seq2SeqBatch } from '../seq2seq/pairs.js';
import type { TargetBatch } from '../seq2seq/batch.js';
import type { CaptionModel } from '../seq2seq/caption_model.js';
import { teacherForcingProbability, type SamplingSchedule } from '../nn/seq/scheduled_sampling.js';
import { fit, type FitCheckpoint, type StepInfo } from './fit.js';
import { resumableRng, type FitState, type Resumable } from './fit_state.js';

export interface DecoderTrainOptions {
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
  /** Validation metrics, every evalEvery steps (default: at each tenth of the budget). */
  evaluate?: () => Record<string, number>;
  evalEvery?: number;
  /** Where to save (and what resumes the run); see FitCheckpoint. */
  checkpoint?: FitCheckpoint;
  /** The caller's generators and positions to save and restore with the run (the batch stream's). */
  resumables?: Record<string, Resumable>;
  /** The state a checkpoint left, to continue from. */
  resume?: FitState | null;
}

export interface DecoderTrainCallbacks {
  onStep?(info: StepInfo & { teacherForcing: number }): void;
  onEval?(info: { step: number; elapsed: number; metrics: Record<string, number> }): void;
  onCheckpoint?(info: { step: number; path: string }): void;
  /** Polled every step; true stops after this step. */
  shouldStop?(): boolean;
}

export interface DecoderTrainResult {
  steps: number;
  /** Seconds of training (callbacks excluded). */
  elapsed: number;
  /** Mean loss (nats per target token) over the last 50 steps. */
  loss: number;
  /** Loss of the first step (NaN when the run resumed past it). */
  firstLoss: number;
  stopped: 'budget' | 'interrupted';
}

/** Trains `model` in place on batches from `nextBatch(step)`. */
export function trainSeq2Seq(
  model: Seq2Seq, nextBatch: (step: number) => Seq2SeqBatch, options: DecoderTrainOptions = {}, callbacks: DecoderTrainCallbacks = {},
): Promise<DecoderTrainResult> {
  return trainDecoderModel(model, nextBatch, (b, o) => model.loss(b.src.ids, b.src.lengths, b.tgt, o).loss, options, callbacks);
}

/** One caption-model batch: images [B, C, H, W] and their captions as shifted decoder input/output. */
export interface CaptionBatch {
  images: Tensor;
  tgt: TargetBatch;
}

/** Trains a caption model in place on batches from `nextBatch(step)` (options as trainSeq2Seq's). */
export function trainCaptionModel(
  model: CaptionModel, nextBatch: (step: number) => CaptionBatch, options: DecoderTrainOptions = {}, callbacks: DecoderTrainCallbacks = {},
): Promise<DecoderTrainResult> {
  return trainDecoderModel(model, nextBatch, (b, o) => model.loss(b.images, b.tgt, o).loss, options, callbacks);
}

/** What the forward of a decoder model gets at a training step: ε_i and the draws' generator. */
export interface TeacherForcingStep { teacherForcing: number; rng: Rng }

/**
 * Any model whose loss on a batch with decoder targets `tgt` (or `targetTokens` of them, for
 * targets that are not one padded batch: trees) is `lossOf(batch, step)` (mean nats per target
 * token), trained by fit().
 */
export async function trainDecoderModel<B extends { tgt: TargetBatch } | { targetTokens: number }>(
  model: Module, nextBatch: (step: number) => B, lossOf: (batch: B, step: TeacherForcingStep) => Tensor,
  options: DecoderTrainOptions = {}, callbacks: DecoderTrainCallbacks = {},
): Promise<DecoderTrainResult> {
  const time = options.time ?? 0;
  const steps = options.steps ?? (time > 0 ? 0 : 1000);
  const lr = options.lr ?? 2e-3, minLrRatio = options.minLrRatio ?? 0.1;
  const schedule: SamplingSchedule = options.teacherForcing ?? { kind: 'constant', value: 1 };
  if (steps === 0 && time === 0) throw new Error('expected a step or time budget, got neither');
  checkLearningRate(lr);
  teacherForcingProbability(schedule, 0); // validates the schedule before any work
  const rng = new Rng(options.seed ?? 0);
  const opt = new Adam(model.parameters(), { lr });
  const eps = (step: number): number => teacherForcingProbability(schedule, step);
  const res = await fit({
    model, optimizer: opt, scheduler: new BudgetCosine(opt, { warmupSteps: 0, minLr: lr * minLrRatio }),
    clip: options.clip ?? 1, steps, seconds: time,
    data: nextBatch,
    loss: (b, ctx) => lossOf(b, { teacherForcing: eps(ctx.step), rng }),
    unitsOf: (b) => ('tgt' in b ? b.tgt.lengths.reduce((a, n) => a + n, 0) : b.targetTokens),
    evaluate: options.evaluate, evalEvery: options.evalEvery, checkpoint: options.checkpoint,
    resumables: { ...options.resumables, teacherForcingRng: resumableRng(rng) }, resume: options.resume,
    callbacks: {
      onStep: (i) => callbacks.onStep?.({ ...i, teacherForcing: eps(i.step - 1) }),
      onEval: callbacks.onEval?.bind(callbacks), onCheckpoint: callbacks.onCheckpoint?.bind(callbacks), shouldStop: callbacks.shouldStop?.bind(callbacks),
    },
  });
  return { steps: res.steps, elapsed: res.elapsed, loss: res.loss, firstLoss: res.firstLoss, stopped: res.stopped === 'interrupted' ? 'interrupted' : 'budget' };
}
