// Reverse-mode differentiation: walk the recorded graph from a scalar back to the leaves, in reverse
// topological order, summing gradients where a tensor was used more than once. Iterative, so a
// thousand time steps do not overflow the call stack.

import { Storage } from '../backend/storage.js';
import { getBackend } from '../backend/backend.js';
import { Tensor, type GradFn, type GradSlice, type GradWriter } from '../tensor/tensor.js';
import { formatShape, sameShape } from '../tensor/shape.js';

export interface BackwardOptions {
  /** dL/d(root); defaults to 1 for a one-element root. */
  grad?: Tensor;
  /** Keep the graph so that backward can run through it again. */
  retainGraph?: boolean;
}

const freed: GradFn = {
  name: 'freed',
  inputs: [],
  backward(): never {
    throw new Error('trying to backward through the graph a second time; pass { retainGraph: true } to the first backward');
  },
};

function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  const stack: [Tensor, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const inputs = top[0].gradFn?.inputs ?? [];
    if (top[1] < inputs.length) {
      const next = inputs[top[1]++];
      if (next.requiresGrad && !seen.has(next)) { seen.add(next); stack.push([next, 0]); }
    } else {
      order.push(top[0]);
      stack.pop();
    }
  }
  return order; // inputs before the tensors made from them
}

// `adopt`: g is a storage the engine made for t alone, so it can become t.grad without a copy.
function accumulateInto(t: Tensor, g: Storage, adopt: boolean): void {
  if (t.grad === null) {
    let data = g;
    if (!adopt) { data = new Storage(t.dtype, g.length); getBackend().copy(g, 0, data, 0, g.length); }
    t.grad = new Tensor(data, t.shape);
  } else {
    getBackend().addInto(g, 0, t.grad.storage, 0, g.length);
  }
}

/** Computes dL/d(leaf) for every leaf that requires grad, adding into `.grad`. */
export function backward(root: Tensor, options: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new Error('backward: the tensor does not require grad (no input requires grad, or it was made inside noGrad)');
  }
  let seed: Storage;
  if (options.grad) {
    if (!sameShape(options.grad.shape, root.shape) || options.grad.dtype !== root.dtype) {
      throw new Error(`backward: expected a gradient of shape ${formatShape(root.shape)}, got ${formatShape(options.grad.shape)}${options.grad.dtype !== root.dtype ? ` of ${options.grad.dtype} for ${root.dtype}` : ''}`);
    }
    seed = options.grad.storage;
  } else {
    if (root.size !== 1) throw new Error(`backward: a gradient can be implied only for one-element outputs, got shape ${formatShape(root.shape)}`);
    seed = new Storage(root.dtype, 1);
    seed.overwrite()[0] = 1;
  }
  const be = getBackend();
  const order = topoOrder(root);
  const grads = new Map<Tensor, Storage>([[root, seed]]);
  // Storages the engine made for one tensor's sum; only those may be added into in place,
  // since a storage returned by backward may alias the output gradient or another input's.
  const owned = new Map<Tensor, Storage>();
  for (let k = order.length - 1; k >= 0; k--) {
    const t = order[k];
    const g = grads.get(t);
    if (g === undefined) continue;
    grads.delete(t);
    const fn = t.gradFn;
    if (fn === null || t.retainsGrad) accumulateInto(t, g, fn === null && owned.get(t) === g);
    if (fn === null) continue;
    const inGrads = fn.backward(g);
    for (let i = 0; i < fn.inputs.length; i++) {
      const input = fn.inputs[i];
      const ig = inGrads[i];
      if (!input.requiresGrad || ig === null || ig === undefined) continue;
      const prev = grads.get(input);
      const kind = ig instanceof Storage ? 'dense' : 'write' in ig ? 'writer' : 'slice';
      // ig may be t's own gradient handed on unchanged (add, reshape), possibly to several inputs
      // at once; it is stored as is and copied before anything is added into it.
      if (prev === undefined && kind === 'dense') { grads.set(input, ig as Storage); continue; }
      let sum: Storage;
      let fresh = false;
      if (prev === undefined) { sum = new Storage(input.dtype, input.size); fresh = true; }
      else if (owned.get(input) === prev) sum = prev;
      else { sum = new Storage(input.dtype, prev.length); be.copy(prev, 0, sum, 0, prev.length); }
      owned.set(input, sum);
      if (kind === 'writer') (ig as GradWriter).write(sum, !fresh);
      else {
        const part = kind === 'dense' ? (ig as Storage) : (ig as GradSlice).data;
        const off = kind === 'dense' ? 0 : (ig as GradSlice).offset;
        if (fresh && part.length === sum.length) be.copy(part, 0, sum, 0, part.length);
        else be.addInto(part, 0, sum, off, part.length);
      }
      grads.set(input, sum);
    }
    if (!options.retainGraph) { t.gradFn = freed; fn.release?.(); }
  }
}
