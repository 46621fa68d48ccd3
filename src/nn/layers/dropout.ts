// Dropout (inverted): in training, zero each element with probability p and scale the survivors by
// 1/(1−p), so that evaluation needs no rescaling; in evaluation, the identity.

import { Tensor, zeros } from '../../tensor/tensor.js';
import { mul } from '../../autograd/ops/elementwise.js';
import { defaultRng, type Rng } from '../../tensor/random.js';
import { Module } from '../module.js';
import { registerClass } from '../registry.js';

/** A 0 / (1/(1−p)) mask of the given shape, without history. */
export function dropoutMask(shape: readonly number[], p: number, like: Tensor, rng: Rng = defaultRng()): Tensor {
  const mask = zeros(shape, { dtype: like.dtype }), m = mask.data;
  const keep = 1 / (1 - p);
  for (let i = 0; i < m.length; i++) m[i] = rng.random() < p ? 0 : keep;
  return mask;
}

/** Applies dropout with probability p when `training`. */
export function dropout(x: Tensor, p: number, training: boolean, rng?: Rng): Tensor {
  if (!(p >= 0 && p < 1)) throw new Error(`dropout: expected a probability in [0, 1), got ${p}`);
  if (!training || p === 0) return x;
  return mul(x, dropoutMask(x.shape, p, x, rng));
}

/**
 * Inputs: x of any shape. Outputs: the same shape.
 */
export class Dropout extends Module {
  constructor(readonly p = 0.5, private readonly rng?: Rng) {
    super();
    if (!(p >= 0 && p < 1)) throw new Error(`Dropout: expected a probability in [0, 1), got ${p}`);
  }

  getConfig(): { p: number } {
    return { p: this.p };
  }

  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.rng);
  }
}

registerClass('nn.Dropout', Dropout, (config, init) => new Dropout(config.p));
