// How an operation attaches its derivative to its result. Each op computes its output buffer and
// hands record() a closure that maps dL/d(output) to dL/d(inputs); record decides whether a graph
// node is needed at all (grad mode on and some input requires grad).

import type { Storage } from '../backend/storage.js';
import { Tensor, type InputGrad } from '../tensor/tensor.js';
import type { Shape } from '../tensor/shape.js';
import { isGradEnabled } from './grad_mode.js';

export type Backward = (grad: Storage) => InputGrad[];

export function needsGrad(inputs: readonly Tensor[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t.requiresGrad) return true;
  return false;
}

/**
 * Wraps an op's output; `backward` is only kept when the graph is being recorded. `release`, if
 * given, hands back what only the backward needed (it runs once the engine drops the node after
 * its backward, or at once when no graph is recorded).
 */
export function record(name: string, data: Storage, shape: Shape, inputs: readonly Tensor[], backward: Backward, release?: () => void): Tensor {
  const out = new Tensor(data, shape);
  if (needsGrad(inputs)) {
    out.requiresGrad = true;
    out.gradFn = release ? { name, inputs, backward, release } : { name, inputs, backward };
  } else release?.();
  return out;
}

/** Checks that all inputs share a dtype, naming the op when they do not. */
export function sameDtype(op: string, ...ts: Tensor[]): void {
  for (const t of ts) {
    if (t.dtype !== ts[0].dtype) throw new Error(`${op}: expected tensors of one dtype, got ${ts[0].dtype} and ${t.dtype}`);
  }
}
