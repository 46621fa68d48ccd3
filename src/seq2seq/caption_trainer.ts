// The training loop of caption models, the same recipe as trainSeq2Seq:
//   image batch → forward (teacher forcing / scheduled sampling at ε_i) → cross-entropy → backward
//   → clip the global gradient norm → Adam step with a cosine-decayed learning rate
// stopping at a step or wall-clock budget (or when asked to), yielding to the event loop every step.

import { Rng } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { backward } from '../autograd/engine.js';
import { Adam } from '../optim/adam.js';
import { clipGradNorm } from '../optim/clip.js';
import { teacherForcingProbability, type SamplingSchedule } from '../train/scheduled_sampling.js';
import type { CaptionModel } from './caption_model.js';
import type { TargetBatch } from './batch.js';
import type { Seq2SeqTrainCallbacks, Seq2SeqTrainOptions, Seq2SeqTrainResult } from './trainer.js';

/** One training batch: images [B, C, H, W] and their captions as shifted decoder input/output. */
export interface CaptionBatch {
  images: Tensor;
  tgt: TargetBatch;
}

const yieldToEventLoop = (): Promise<void> =>
  new Promise((r) => (typeof setImmediate === 'function' ? setImmediate(r) : setTimeout(r, 0)));

/** Trains `model` in place on batches from `nextBatch(step)` (options as trainSeq2Seq's). */
export async function trainCaptionModel(
  model: CaptionModel, nextBatch: (step: number) => CaptionBatch, options: Seq2SeqTrainOptions = {}, callbacks: Seq2SeqTrainCallbacks = {},
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
  let firstLoss = NaN, step = 0, tokens = 0, outside = 0;
  let stopped: Seq2SeqTrainResult['stopped'] = 'budget';
  model.train();
  const progressAt = (elapsed: number): number =>
    Math.min(1, Math.max(steps > 0 ? step / steps : 0, time > 0 ? elapsed / time : 0));
  // Time spent in callbacks does not count against the budget.
  const trainingSeconds = (): number => (performance.now() - t0 - outside) / 1000;
  for (;;) {
    const progress = progressAt(trainingSeconds());
    if (progress >= 1) break;
    const batch = nextBatch(step);
    const eps = teacherForcingProbability(schedule, step);
    const rate = lr * (minLrRatio + (1 - minLrRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    for (const g of opt.paramGroups) g.lr = rate;
    const { loss } = model.loss(batch.images, batch.tgt, { teacherForcing: eps, rng });
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
