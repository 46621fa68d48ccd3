// ‖∂L/∂h_t‖ over time: how much the loss at the end of a sequence still depends on the hidden state
// t steps earlier, the picture of vanishing and exploding gradients (Bengio et al. 1994; Pascanu
// et al. 2013). Computed on the generic per-step path with every h_t's gradient kept.

import { backward } from '../autograd/engine.js';
import { Tensor } from '../tensor/tensor.js';
import type { CellBase } from '../nn/cells/cell.js';
import { hiddenGradientNorms, traceCells } from './trace.js';

/**
 * Runs `cells` over x [T, B, I], builds L = loss(h_0 … h_{T−1} of the last layer), backpropagates
 * and returns ‖∂L/∂h_t‖ for every layer (result[l][t]) and L. Parameter gradients accumulate into
 * the cells' .grad as in any backward; zero them before training on.
 *
 * Example: a 1-unit linear recurrence h_t = w·h_{t−1} + x_t with L = h_{T−1} gives
 * ∂L/∂h_t = w^(T−1−t).
 */
export function gradientNormsThroughTime(cells: readonly CellBase[], x: Tensor, loss: (outputs: Tensor[]) => Tensor): { norms: Float64Array[]; loss: number } {
  const traces = traceCells(cells, x, { gates: false });
  const L = loss(traces[traces.length - 1].hidden);
  if (L.size !== 1) throw new Error(`expected the loss to be a scalar, got ${L.size} values`);
  backward(L);
  return { norms: traces.map(hiddenGradientNorms), loss: L.item() };
}
