// The one training loop of the tree tasks (sentiment-trees, expr-trees), shared by the tree models
// and the sequential baselines: Adam, gradient clipping by global norm, epochs until a wall-clock
// budget runs out.

import type { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';
import { Adam } from '../optim/adam.js';
import { clipGradNorm } from '../optim/clip.js';
import { backward } from '../autograd/engine.js';

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

/** Trains `model` on the batches each epoch gives, minimising lossOf(batch). */
export function trainLoop<B>(name: string, model: Module, o: TrainLoopOptions, epochBatches: () => B[], lossOf: (b: B) => Tensor): TrainLoopResult {
  const opt = new Adam(model.parameters(), { lr: o.lr });
  const start = performance.now();
  const budget = (o.timeSeconds ?? Infinity) * 1000;
  let steps = 0, epochs = 0;
  model.train();
  outer: for (let e = 0; e < o.epochs; e++) {
    let sum = 0, count = 0;
    for (const b of epochBatches()) {
      if (performance.now() - start > budget) break outer;
      opt.zeroGrad();
      const loss = lossOf(b);
      backward(loss);
      clipGradNorm(model.parameters(), o.clip);
      opt.step();
      sum += loss.item(); count++; steps++;
    }
    epochs = e + 1;
    o.onEpoch?.(name, epochs, sum / count, (performance.now() - start) / 1000);
  }
  return { epochs, steps, seconds: (performance.now() - start) / 1000 };
}
