// Module: the base of every layer. Holds named parameters, buffers (state that is saved but not
// trained, PyTorch's register_buffer) and child modules in registration order, so that state dicts
// carry PyTorch's names (`rnn.weight_ih_l0`), and a training flag that dropout and friends read.
// Every Module also describes itself: getConfig() is what its constructor needs to build it again
// (see registry.ts), so that a config and a state dict together rebuild any model.

import { Tensor } from '../tensor/tensor.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import { appendAll } from '../tensor/large_arrays.js';

/** Marks a tensor as a trainable parameter (a leaf that requires grad). */
export function parameter(t: Tensor): Tensor {
  t.requiresGrad = true;
  return t;
}

export interface LoadStateDictOptions {
  /** Require exactly the module's names (default true). */
  strict?: boolean;
}

export abstract class Module {
  training = true;
  private readonly params = new Map<string, Tensor>();
  private readonly buffers = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  /**
   * The constructor's config as plain JSON: every default filled in, no functions, Rngs or
   * tensors; child modules the constructor takes as arguments appear as their own
   * `{ className, config }` (serializeModule). Building the registered class from it gives the same
   * architecture with fresh weights, which the state dict then fills.
   */
  abstract getConfig(): object;

  /** Registers (or replaces) a parameter under `name` and returns it. */
  protected registerParameter(name: string, t: Tensor): Tensor {
    this.params.set(name, parameter(t));
    return t;
  }

  /**
   * Registers (or replaces) a buffer under `name`: a tensor that belongs in the state dict but is
   * not trained (a fitted readout, a running state). null removes it.
   */
  protected registerBuffer(name: string, t: Tensor | null): Tensor | null {
    if (t === null) this.buffers.delete(name);
    else this.buffers.set(name, t);
    return t;
  }

  /** Registers a child module under `name` and returns it. */
  protected registerModule<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** [name, parameter] pairs, depth-first, with dotted names for children. */
  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, p] of this.params) out.push([prefix + n, p]);
    for (const [n, m] of this.children) appendAll(out, m.namedParameters(`${prefix}${n}.`));
    return out;
  }

  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /** [name, buffer] pairs, depth-first, with dotted names for children. */
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, b] of this.buffers) out.push([prefix + n, b]);
    for (const [n, m] of this.children) appendAll(out, m.namedBuffers(`${prefix}${n}.`));
    return out;
  }

  // Parameters and buffers, each module's own before its children's (PyTorch's state_dict order).
  private namedState(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, p] of this.params) out.push([prefix + n, p]);
    for (const [n, b] of this.buffers) out.push([prefix + n, b]);
    for (const [n, m] of this.children) appendAll(out, m.namedState(`${prefix}${n}.`));
    return out;
  }

  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix.replace(/\.$/, ''), this]];
    for (const [n, m] of this.children) appendAll(out, m.namedModules(`${prefix}${n}.`));
    return out;
  }

  /** Total number of trainable scalars. */
  numParameters(): number {
    return this.parameters().reduce((s, p) => s + p.size, 0);
  }

  /** The parameters and buffers by name. The tensors are the module's own (not copies). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.namedState());
  }

  /**
   * Copies values from `dict` into the parameters and buffers with the same names. Shapes must
   * match; with `strict` (default) the names must match exactly. Nothing is changed when a check fails.
   */
  loadStateDict(dict: Readonly<Record<string, Tensor>>, options: LoadStateDictOptions = {}): void {
    const strict = options.strict ?? true;
    const own = this.namedState();
    const names = new Set(own.map(([n]) => n));
    const missing = own.filter(([n]) => !(n in dict)).map(([n]) => n);
    const unexpected = Object.keys(dict).filter((n) => !names.has(n));
    if (strict && (missing.length > 0 || unexpected.length > 0)) {
      const parts: string[] = [];
      if (missing.length) parts.push(`without ${nameList(missing)}`);
      if (unexpected.length) parts.push(`with unexpected ${nameList(unexpected)}`);
      throw new Error(`loadStateDict: expected a state dict of exactly the module's tensors, got one ${parts.join(' and ')}`);
    }
    for (const [n, p] of own) {
      const src = dict[n];
      if (src && !sameShape(src.shape, p.shape)) {
        throw new Error(`loadStateDict: expected ${n} of shape ${formatShape(p.shape)}, got ${formatShape(src.shape)}`);
      }
    }
    for (const [n, p] of own) {
      const src = dict[n];
      if (src) p.data.set(src.data);
    }
  }

  /** Sets training mode (dropout active) on this module and all children. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Sets evaluation mode (dropout off). */
  eval(): this {
    return this.train(false);
  }

  /**
   * Runs `fn` with this module in evaluation mode, then sets back the mode it was in (every
   * submodule takes the root's, as train() sets them): when fn returns, throws, or, where it returns
   * a promise, once that settles. What inference helpers (sample, decode, evaluate a held-out set)
   * wrap their work in, so that calling them in the middle of training leaves dropout as it was.
   */
  inEvalMode<T>(fn: () => T): T {
    const was = this.training;
    this.eval();
    let result: T;
    try {
      result = fn();
    } catch (err) {
      this.train(was);
      throw err;
    }
    if (result instanceof Promise) return result.finally(() => this.train(was)) as T;
    this.train(was);
    return result;
  }

  /** Drops every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.setGrad(null);
  }
}

// 'a, b and 3 more': names for a message, a few at most (a hostile file may hold thousands).
function nameList(names: readonly string[]): string {
  const shown = names.slice(0, 5).map((n) => (n.length > 60 ? `${n.slice(0, 57)}...` : n));
  return names.length > 5 ? `${shown.join(', ')} and ${names.length - 5} more` : shown.join(', ');
}
