// The training of the tree tasks (sentiment-trees, expr-trees), shared by the tree models and the
// sequential baselines: fit() over epochs of batches (EpochBatches), Adam, gradient clipping by
// global norm, until the epochs or a wall-clock budget run out; with a checkpoint folder, each model
// is saved there and a resumed run continues each one where it stopped.

import type { Tensor } from '../tensor/tensor.js';
import type { Rng } from '../tensor/random.js';
import type { Module } from '../nn/module.js';
import { Adam } from '../optim/adam.js';
import { checkLearningRate } from '../optim/learning_rate_limit.js';
import { fit } from '../train/fit.js';
import { EpochBatches } from '../train/epoch_batches.js';
import { modelCheckpoint, resumeInto } from '../train/fit_state_file.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface TrainLoopOptions {
  /** Adam learning rate. */
  lr: number;
  /** Global gradient-norm clipping threshold. */
  clip: number;
  /** Epochs at most. */
  epochs: number;
  /** Wall-clock budget in seconds; training stops at the first batch past it (default: none). */
  timeSeconds?: number;
  /** Called after each epoch with the model's name, the epoch (from 1), its mean loss and the seconds so far. */
  onEpoch?: (model: string, epoch: number, loss: number, seconds: number) => void;
  /** Save each model as `<name>.safetensors` here (with its resume state), at each tenth of its budget and at the end. */
  checkpointDir?: string;
  /** Continue each model from its checkpoint in checkpointDir, when it has one (models without one start afresh). */
  resume?: boolean;
  /** Polled after every step: true stops the model after this step, saved (Ctrl-C). */
  shouldStop?: () => boolean;
}

export interface TrainLoopResult {
  epochs: number;
  steps: number;
  seconds: number;
  /** Whether shouldStop ended the training before its budget. */
  interrupted: boolean;
}

/** Trains `model` on the batches each epoch gives (shuffled with `rng`), minimising lossOf(batch). */
export async function trainLoop<B>(
  name: string, model: Module, o: TrainLoopOptions, epochBatches: () => B[], rng: Rng, lossOf: (b: B) => Tensor,
): Promise<TrainLoopResult> {
  checkLearningRate(o.lr);
  const data = new EpochBatches(epochBatches, rng);
  const path = o.checkpointDir === undefined ? null : join(o.checkpointDir, `${name}.safetensors`);
  let sum = 0, count = 0;
  const res = await fit({
    model, optimizer: new Adam(model.parameters(), { lr: o.lr }), clip: o.clip,
    steps: o.epochs * data.perEpoch, seconds: o.timeSeconds ?? 0,
    data: () => data.next(), loss: lossOf,
    checkpoint: path === null ? undefined : modelCheckpoint(path, model),
    resumables: { epochs: data }, resume: path !== null && o.resume && existsSync(path) ? resumeInto(path, model) : null,
    callbacks: {
      shouldStop: o.shouldStop,
      onStep: ({ loss, elapsed }) => {
        sum += loss; count++;
        if (data.endOfEpoch) { o.onEpoch?.(name, data.epoch + 1, sum / count, elapsed); sum = 0; count = 0; }
      },
    },
  });
  return { epochs: Math.floor(res.steps / data.perEpoch), steps: res.steps, seconds: res.elapsed, interrupted: res.stopped === 'interrupted' };
}
