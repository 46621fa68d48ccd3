// The smallest training problem with a hand-derivable trajectory, shared by the training-loop tests:
// points of y = 2x + 1 in batches of two, and a line y = wx + b starting at w = 0.5, b = -0.25.

import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import { Linear } from '../../src/nn/layers/linear.js';
import { mseLoss } from '../../src/nn/losses/regression.js';

export const XS = [[0, 1], [2, 3], [-1, 0.5]];
export const batchOf = (step: number): number[] => XS[step % XS.length];
export const target = (x: number): number => 2 * x + 1;

/** The line at its starting point. */
export function line(): Linear {
  const m = new Linear({ inFeatures: 1, outFeatures: 1 });
  m.weight.data[0] = 0.5; m.bias!.data[0] = -0.25;
  return m;
}

/** Mean squared error of `m` on a batch of x values. */
export const mse = (m: Linear) => (xs: number[]): Tensor =>
  mseLoss(m.forward(tensor(xs, [xs.length, 1])), tensor(xs.map(target), [xs.length, 1]));
