// What the task-shape helpers accept as an output head: a function of h, or a module with forward(h)
// (a Linear, an MLP).

import type { Tensor } from '../../tensor/tensor.js';

/** Maps hidden states [..., H] to outputs [..., O]. */
export type Head = ((h: Tensor) => Tensor) | { forward(h: Tensor): Tensor };

export function applyHead(head: Head, h: Tensor): Tensor {
  return typeof head === 'function' ? head(h) : head.forward(h);
}
