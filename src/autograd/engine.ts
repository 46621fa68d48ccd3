// Reverse-mode differentiation: walk the recorded graph from a scalar back to the leaves, in reverse
// topological order, summing gradients where a tensor was used more than once. Iterative, so a
// thousand time steps do not overflow the call stack.

import { allocate, type FloatArray } from '../backend/dtype.js';
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

// dst[off + j] += src[j]: through the backend, whose wasm kernel is ~30× a JavaScript loop on large buffers.
function addInto(dst: FloatArray, off: number, src: FloatArray): void {
  const n = src.length;
  const view = off === 0 && dst.length === n ? dst : dst.subarray(off, off + n);
  getBackend().binary('add', view, [n], src, [n], view, [n]);
}

// `adopt`: g is a buffer the engine made for t alone, so it can become t.grad without a copy.
function accumulateInto(t: Tensor, g: FloatArray, adopt: boolean): void {
  if (t.grad === null) {
    let data = g;
    if (!adopt) { data = allocate(t.dtype, g.length); data.set(g); }
    t.grad = new Tensor(data, t.shape);
  } else {
    addInto(t.grad.data, 0, g);
  }
}

/** Computes dL/d(leaf) for every leaf that requires grad, adding into `.grad`. */
export function backward(root: Tensor, options: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new Error('backward: the tensor does not require grad (no input requires grad, or it was made inside noGrad)');
  }
  let seed: FloatArray;
  if (options.grad) {
    if (!sameShape(options.grad.shape, root.shape) || options.grad.dtype !== root.dtype) {
      throw new Error(`backward: expected a gradient of shape ${formatShape(root.shape)}, got ${formatShape(options.grad.shape)}${options.grad.dtype !== root.dtype ? ` of ${options.grad.dtype} for ${root.dtype}` : ''}`);
    }
    seed = options.grad.data;
  } else {
    if (root.size !== 1) throw new Error(`backward: a gradient can be implied only for one-element outputs, got shape ${formatShape(root.shape)}`);
    seed = allocate(root.dtype, 1);
    seed[0] = 1;
  }
  const order = topoOrder(root);
  const grads = new Map<Tensor, FloatArray>([[root, seed]]);
  // Buffers the engine allocated for one tensor's sum; only those may be added into in place,
  // since a buffer returned by backward may alias the output gradient or another input's.
  const owned = new Map<Tensor, FloatArray>();
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
      const kind = 'write' in ig ? 'writer' : 'offset' in ig ? 'slice' : 'dense';
      // ig may be t's own gradient handed on unchanged (add, reshape), possibly to several inputs
      // at once; it is stored as is and copied before anything is added into it.
      if (prev === undefined && kind === 'dense') { grads.set(input, ig as FloatArray); continue; }
      let sum: FloatArray;
      let fresh = false;
      if (prev === undefined) { sum = allocate(input.dtype, input.size); fresh = true; }
      else if (owned.get(input) === prev) sum = prev;
      else { sum = allocate(input.dtype, prev.length); sum.set(prev); }
      owned.set(input, sum);
      if (kind === 'writer') (ig as GradWriter).write(sum, !fresh);
      else {
        const part = kind === 'dense' ? (ig as FloatArray) : (ig as GradSlice).data;
        const off = kind === 'dense' ? 0 : (ig as GradSlice).offset;
        addInto(sum, off, part);
      }
      grads.set(input, sum);
    }
    if (!options.retainGraph) { t.gradFn = freed; fn.release?.(); }
  }
}
