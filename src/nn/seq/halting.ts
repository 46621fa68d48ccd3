// Ending a sequence with a Bernoulli halt output: besides its prediction, the model emits at every
// step a logit z_t of p(halt after step t) = σ(z_t), trained with binary cross-entropy against
// "this is the row's last real step" (Goodfellow et al. §10.2.3). At generation the sequence stops
// when σ(z_t) ≥ a threshold (or when a draw from the Bernoulli says halt).

import { Tensor, zeros } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { sequenceMask } from '../../tensor/sequence_mask.js';
import { squeeze } from '../../autograd/ops/shape_ops.js';
import { bceWithLogits } from '../losses/regression.js';
import { Linear } from '../layers/linear.js';
import { Module } from '../module.js';
import type { InitOptions } from '../init.js';
import { registerClass } from '../registry.js';

/**
 * z = h w_haltᵀ + b_halt: one logit of p(halt) per step.
 *
 * Inputs: h [..., hiddenSize]. Outputs: z [...] (the size-1 axis removed).
 * Parameters: linear.weight [1, H], linear.bias [1].
 */
export class HaltingUnit extends Module {
  readonly linear: Linear;

  constructor(hiddenSize: number, init: InitOptions = {}) {
    super();
    if (!(Number.isInteger(hiddenSize) && hiddenSize > 0)) throw new Error(`HaltingUnit: expected a positive integer hiddenSize, got ${hiddenSize}`);
    this.linear = this.registerModule('linear', new Linear({ inFeatures: hiddenSize, outFeatures: 1 }, init));
  }

  getConfig(): { hiddenSize: number } {
    return { hiddenSize: this.linear.config.inFeatures };
  }

  forward(h: Tensor): Tensor {
    return squeeze(this.linear.forward(h), -1);
  }
}

registerClass('nn.seq.HaltingUnit', HaltingUnit, (config, init) => new HaltingUnit(config.hiddenSize, init));

/**
 * Halt targets and mask, time-major [T, B]: target 1 at t = lengths[b] − 1, 0 before; mask 1 for
 * t < lengths[b] (steps past a row's end are padding and do not count).
 */
export function haltTargets(lengths: ArrayLike<number>, T: number, dtype: 'float32' | 'float64' = 'float32'): { target: Tensor; mask: Tensor } {
  const B = lengths.length;
  const mask = sequenceMask(lengths, T, { dtype }), target = zeros([T, B], { dtype });
  for (let b = 0; b < B; b++) target.data[(lengths[b] - 1) * B + b] = 1;
  return { target, mask };
}

/** Mean binary cross-entropy of halt logits z [T, B] over each row's real steps (see haltTargets). */
export function haltLoss(logits: Tensor, lengths: ArrayLike<number>): Tensor {
  if (logits.rank !== 2 || logits.shape[1] !== lengths.length) {
    throw new Error(`haltLoss: expected halt logits of shape [T, ${lengths.length}], got ${formatShape(logits.shape)}`);
  }
  const { target, mask } = haltTargets(lengths, logits.shape[0], logits.dtype);
  return bceWithLogits(logits, target, { mask });
}
