// Reverse-mode differentiation: walk the recorded graph from a scalar back to the leaves, in reverse
// topological order, summing gradients where a tensor was used more than once. Iterative, so a
// thousand time steps do not overflow the call stack.

import { closeScratch, openScratch, Storage } from '../backend/storage.js';
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
  const had = t.peekGrad();
  if (had === null) {
    let data = g;
    if (!adopt) { data = t.takeSpareGrad() ?? new Storage(t.dtype, g.length); getBackend().copy(g, 0, data, 0, g.length); }
    data.scratch = 0; // it outlives the pass
    t.setGrad(new Tensor(data, t.shape));
  } else {
    getBackend().addInto(g, 0, had.storage, 0, g.length);
  }
}

/**
 * Computes dL/d(leaf) for every leaf that requires grad, adding into `.grad`.
 *
 * Memory: every storage made during the pass (the sums here, and what the ops' backward functions
 * return) is a temporary of the pass unless it becomes a `.grad`; each is dropped as soon as the
 * gradient it holds has been handed on, so a step leaves only the leaves' gradients behind.
 */
export function backward(root: Tensor, options: BackwardOptions = {}): void {
  const scope = openScratch();
  try {
    run(root, options, scope);
  } finally {
    closeScratch(scope);
  }
}

function run(root: Tensor, options: BackwardOptions, scope: number): void {
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
  // How many pending gradients each storage holds: one may be handed to several inputs at once.
  const held = new Map<Storage, number>([[seed, 1]]);
  const hold = (s: Storage, d: number): void => { held.set(s, (held.get(s) ?? 0) + d); };
  const setGrad = (x: Tensor, s: Storage): void => {
    const old = grads.get(x);
    if (old !== undefined) hold(old, -1);
    grads.set(x, s);
    hold(s, 1);
  };
  // A temporary of this pass that no pending gradient holds any more: its values are spent.
  const spent = (s: Storage): void => {
    if (s.scratch === scope && s !== seed && (held.get(s) ?? 0) === 0) s.drop();
  };
  // Storages the engine made for one tensor's sum; only those may be added into in place,
  // since a storage returned by backward may alias the output gradient or another input's.
  const owned = new Map<Tensor, Storage>();
  for (let k = order.length - 1; k >= 0; k--) {
    const t = order[k];
    const g = grads.get(t);
    if (g === undefined) continue;
    grads.delete(t);
    hold(g, -1);
    const added: Storage[] = [];
    const fn = t.gradFn;
    if (fn === null || t.retainsGrad) accumulateInto(t, g, fn === null && owned.get(t) === g);
    if (fn === null) { spent(g); continue; } // copied into .grad (unless adopted, and then no longer scratch)
    const inGrads = fn.backward(g);
    for (let i = 0; i < fn.inputs.length; i++) {
      const input = fn.inputs[i];
      const ig = inGrads[i];
      if (!input.requiresGrad || ig === null || ig === undefined) continue;
      const prev = grads.get(input);
      const kind = ig instanceof Storage ? 'dense' : 'write' in ig ? 'writer' : 'slice';
      // ig may be t's own gradient handed on unchanged (add, reshape), possibly to several inputs
      // at once; it is stored as is and copied before anything is added into it.
      if (prev === undefined && kind === 'dense') { setGrad(input, ig as Storage); continue; }
      let sum: Storage;
      let fresh = false, stale = false;
      if (prev === undefined) {
        // A leaf without a gradient sums into its spare (Tensor.spareGrad) when it has one: every
        // writer overwrites all of it, and a slice that does not cover it zeroes the rest first.
        const spare = input.gradFn === null ? input.takeSpareGrad() : null;
        sum = spare ?? new Storage(input.dtype, input.size);
        fresh = true;
        stale = spare !== null;
      }
      else if (owned.get(input) === prev) sum = prev;
      else { sum = new Storage(input.dtype, prev.length); be.copy(prev, 0, sum, 0, prev.length); }
      owned.set(input, sum);
      if (kind === 'writer') (ig as GradWriter).write(sum, !fresh);
      else {
        const part = kind === 'dense' ? (ig as Storage) : (ig as GradSlice).data;
        const off = kind === 'dense' ? 0 : (ig as GradSlice).offset;
        if (fresh && part.length === sum.length) be.copy(part, 0, sum, 0, part.length);
        else {
          if (stale) be.fill(sum, 0, 0, sum.length);
          be.addInto(part, 0, sum, off, part.length);
        }
        added.push(part);
      }
      setGrad(input, sum);
    }
    spent(g);
    for (const part of added) spent(part);
    if (!options.retainGraph) { t.gradFn = freed; fn.release?.(); }
  }
}
