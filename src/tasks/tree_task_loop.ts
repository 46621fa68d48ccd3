// The training of the tree tasks (sentiment-trees, expr-trees), shared by the tree models and the
// sequential baselines: fit() over epochs of batches (EpochBatches), Adam, gradient clipping by
// global norm, until the epochs or a wall-clock budget run out.

import type { Tensor } from '../tensor/tensor.js';
import type { Rng } from '../tensor/random.js';
import type { Module } from '../nn/module.js';
import { Adam } from '../optim/adam.js';
import { fit } from '../train/fit.js';
import { EpochBatches } from '../train/epoch_batches.js';

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
}

export interface TrainLoopResult {
  epochs: number;
  steps: number;
  seconds: number;
}

/** Trains `model` on the batches each epoch gives (shuffled with `rng`), minimising lossOf(batch). */
export async function trainLoop<B>(
  name: string, model: Module, o: TrainLoopOptions, epochBatches: () => B[], rng: Rng, lossOf: (b: B) => Tensor,
): Promise<TrainLoopResult> {
  const data = new EpochBatches(epochBatches, rng);
  let sum = 0, count = 0;
  const res = await fit({
    model, optimizer: new Adam(model.parameters(), { lr: o.lr }), clip: o.clip,
    steps: o.epochs * data.perEpoch, seconds: o.timeSeconds ?? 0,
    data: () => data.next(), loss: lossOf,
    callbacks: {
      onStep: ({ loss, elapsed }) => {
        sum += loss; count++;
        if (data.endOfEpoch) { o.onEpoch?.(name, data.epoch + 1, sum / count, elapsed); sum = 0; count = 0; }
      },
    },
  });
  return { epochs: Math.floor(res.steps / data.perEpoch), steps: res.steps, seconds: res.elapsed };
}
