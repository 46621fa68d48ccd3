// The Tensor: a shape and dtype over a contiguous row-major Storage (owned by the backends: its
// values may live in WebAssembly memory, a JS array or both, see ../backend/storage.ts), plus the
// slots reverse-mode autodiff fills in (requiresGrad, grad, gradFn). Operations live in the autograd
// layer, which adds them to this class as methods; this file knows nothing of derivatives.

import { toBuffer, type DType, type FloatArray } from '../backend/dtype.js';
import { safePoint, Storage } from '../backend/storage.js';
import { checkShape, formatShape, sizeOf, type Shape } from './shape.js';
import { defaultRng, type Rng } from './random.js';

/**
 * A gradient that is zero outside one contiguous range of an input: `data` lands at `offset`.
 * Slicing step t out of a [T, B, G] tensor returns one of these, so backward through T slices costs
 * O(T·B·G) instead of O(T²·B·G).
 */
export interface GradSlice {
  readonly offset: number;
  readonly data: Storage;
}

/**
 * A gradient the op writes straight into the engine's sum buffer (accumulate: add to what is
 * there; otherwise set every element, since the buffer may be a reused gradient's and hold its old
 * values, not zeros). A weight used at every time step gets all its per-step products added by the
 * matrix kernel itself, with no per-step buffer and no separate addition pass.
 */
export interface GradWriter {
  write(dst: Storage, accumulate: boolean): void;
}

/** What a backward function may return per input. */
export type InputGrad = Storage | GradSlice | GradWriter | null;

/** How a non-leaf tensor was made: its inputs and the vector-Jacobian product back to them. */
export interface GradFn {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  /** Given dL/d(output) (same size as the output), returns dL/d(input) for each input (null: none). */
  backward(grad: Storage): InputGrad[];
  /**
   * Called once when backward drops this node (a backward without retainGraph, after the input
   * gradients, writers included, have been consumed), so that an op can hand the workspace it
   * saved for backward back to a pool. Never called for a graph that is kept or just dropped.
   */
  release?(): void;
}

export type NestedArray = number | NestedArray[];
export type { DType } from '../backend/dtype.js';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export class Tensor {
  /** Where the values are (shared by tensors that view the same elements, as reshape's). */
  readonly storage: Storage;
  readonly shape: Shape;
  readonly dtype: DType;
  /** Whether gradients flow into this tensor. Leaves with this set receive `.grad`. */
  requiresGrad: boolean;
  // The gradient (see `grad`). Why an accessor: a gradient that zeroGrad takes away while no code
  // outside the library has seen it is garbage, and the next backward can write into its storage
  // instead of a new one. A new one each step is a block of the wasm heap's young generation, copied
  // out to the host at the next collection (at GRU H = 512, 3.7 MB of every step's 13.7). So
  // `.grad` marks what it returns as seen, and the library's own paths read it with peekGrad().
  private gradSlot: Tensor | null = null;
  /** @internal A gradient taken away (zeroGrad, `grad = null`) that nothing outside the library held. */
  spareGrad: Tensor | null = null;
  /** @internal Whether code outside the library's own paths may hold this tensor (read as a `.grad` or assigned to one). */
  handedOut = false;

  /**
   * Accumulated dL/d(this) for leaves (and for tensors marked with retainGrad()). A gradient once
   * read here keeps its values after zeroGrad(), as torch's set_to_none does; one never read may
   * have its memory reused by the next backward.
   */
  get grad(): Tensor | null {
    const g = this.gradSlot;
    if (g !== null) g.handedOut = true;
    return g;
  }

  set grad(g: Tensor | null) {
    if (g !== null) g.handedOut = true;
    this.setGrad(g);
  }

  /** @internal The gradient, read by the library's own paths (optimizers, clipping, the engine): not marked as seen. */
  peekGrad(): Tensor | null { return this.gradSlot; }

  /** @internal Sets the gradient from the library's own paths; an unseen one it replaces is kept as the spare. */
  setGrad(g: Tensor | null): void {
    const old = this.gradSlot;
    if (old !== null && old !== g && !old.handedOut) this.spareGrad = old;
    this.gradSlot = g;
  }

  /**
   * @internal The spare gradient's storage for a new gradient of this leaf (its old values still
   * in it), or null when there is none of the right size; taken once.
   */
  takeSpareGrad(): Storage | null {
    const s = this.spareGrad;
    this.spareGrad = null;
    return s !== null && s.size === this.size && s.dtype === this.dtype && this.gradSlot === null ? s.storage : null;
  }
  /** The operation that produced this tensor, when gradients flow through it. */
  gradFn: GradFn | null = null;
  /** Keep `.grad` on this non-leaf tensor after backward (for diagnostics such as ∂L/∂h_t). */
  retainsGrad = false;

  /**
   * A tensor over `data`: a Storage (shared, as a view), or a typed array, which the tensor adopts
   * as its values without copying.
   */
  constructor(data: FloatArray | Storage, shape: Shape, requiresGrad = false) {
    checkShape(shape);
    if (data.length !== sizeOf(shape)) {
      throw new Error(`expected ${sizeOf(shape)} elements for shape ${formatShape(shape)}, got ${data.length}`);
    }
    safePoint();
    this.storage = data instanceof Storage ? data : Storage.wrap(data);
    this.shape = Object.freeze([...shape]);
    this.dtype = this.storage.dtype;
    this.requiresGrad = requiresGrad;
  }

  /**
   * The values as a JS typed array that reads and writes this tensor: reading it copies them out of
   * the backend's memory when a kernel wrote them there last, and writes through it reach the next
   * operation (which copies them back in). Take it afresh after operations that write this tensor
   * in place (an optimizer step): it is the tensor's host copy, not a live view of device memory.
   * For reading only, dataSync() avoids the copy back.
   */
  get data(): FloatArray { return this.storage.write(); }

  /**
   * The values as a JS typed array, for reading (as TensorFlow.js's dataSync): up to date now, not
   * to be written (writes may be lost), and no copy back into the backend's memory follows.
   */
  dataSync(): FloatArray { return this.storage.read(); }

  /**
   * The values as a JS typed array, for reading, once the backend has them back: on the WebGPU
   * backend, where values come back from the GPU only asynchronously, this is the read to await
   * before dataSync(), item() or toArray() (which then answer without waiting); elsewhere it is
   * dataSync() in a promise.
   */
  async read(): Promise<FloatArray> { return this.storage.readAsync(); }

  get size(): number { return this.storage.length; }
  get rank(): number { return this.shape.length; }
  get isLeaf(): boolean { return this.gradFn === null; }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1) throw new Error(`item() expects a tensor with one element, got shape ${formatShape(this.shape)}`);
    return this.storage.read()[0];
  }

  /** The elements as a flat array of numbers. */
  toArray(): number[] { return Array.from(this.storage.read()); }

  /** The elements as nested arrays following the shape. */
  tolist(): NestedArray {
    const data = this.storage.read();
    const build = (axis: number, offset: number): NestedArray => {
      if (axis === this.shape.length) return data[offset];
      const stride = sizeOf(this.shape.slice(axis + 1));
      const out: NestedArray[] = [];
      for (let i = 0; i < this.shape[axis]; i++) out.push(build(axis + 1, offset + i * stride));
      return out;
    };
    return build(0, 0);
  }

  /** Marks this tensor so that backward() keeps its gradient in `.grad`. */
  retainGrad(): this { this.retainsGrad = true; return this; }

  /** Enables or disables gradient tracking on a leaf, like torch's requires_grad_(). */
  requiresGrad_(flag = true): this {
    if (!this.isLeaf && !flag) throw new Error('requiresGrad_(false) applies to leaf tensors; use detach()');
    this.requiresGrad = flag;
    return this;
  }

  toString(): string {
    return `Tensor(shape=${formatShape(this.shape)}, dtype=${this.dtype}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}

// Depth-first flattening that checks every row against the shape inferred from the first ones.
function flatten(values: NestedArray, shape: readonly number[], axis: number, out: number[]): void {
  if (axis === shape.length) {
    if (typeof values !== 'number') throw new Error(`ragged nested array: expected a number at depth ${axis}, got an array`);
    out.push(values);
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[axis]) {
    const got = Array.isArray(values) ? `${values.length} entries` : 'a number';
    throw new Error(`ragged nested array: expected ${shape[axis]} entries at depth ${axis}, got ${got}`);
  }
  for (const v of values) flatten(v, shape, axis + 1, out);
}

function inferShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let v: NestedArray = values;
  while (Array.isArray(v)) { shape.push(v.length); if (v.length === 0) break; v = v[0]; }
  return shape;
}

/**
 * Makes a tensor from nested arrays (shape inferred) or from flat values with an explicit shape.
 * `tensor([[1, 2], [3, 4]])`, `tensor(new Float32Array(6), [2, 3])`.
 */
export function tensor(values: NestedArray | ArrayLike<number>, shape?: Shape, options: TensorOptions = {}): Tensor {
  const dtype = options.dtype ?? (values instanceof Float64Array ? 'float64' : 'float32');
  let flat: ArrayLike<number>;
  let sh: Shape;
  if (typeof values === 'number') { flat = [values]; sh = shape ?? []; }
  else if (Array.isArray(values) && shape === undefined) {
    const inferred = inferShape(values);
    const out: number[] = [];
    flatten(values, inferred, 0, out);
    flat = out; sh = inferred;
  } else {
    flat = values as ArrayLike<number>;
    sh = shape ?? [flat.length];
  }
  for (let i = 0; i < flat.length; i++) {
    if (typeof flat[i] !== 'number') throw new Error(`expected numbers in tensor data, got ${typeof flat[i]} at ${i}`);
  }
  return new Tensor(toBuffer(dtype, flat), sh, options.requiresGrad ?? false);
}

export function zeros(shape: Shape, options: TensorOptions = {}): Tensor {
  checkShape(shape);
  return new Tensor(new Storage(options.dtype ?? 'float32', sizeOf(shape)), shape, options.requiresGrad ?? false);
}

export function full(shape: Shape, value: number, options: TensorOptions = {}): Tensor {
  const t = zeros(shape, options);
  if (value !== 0) t.storage.overwrite().fill(value);
  return t;
}

export function ones(shape: Shape, options: TensorOptions = {}): Tensor {
  return full(shape, 1, options);
}

/** Standard normal entries. */
export function randn(shape: Shape, options: TensorOptions & { rng?: Rng } = {}): Tensor {
  const t = zeros(shape, options);
  const rng = options.rng ?? defaultRng();
  const d = t.storage.overwrite();
  for (let i = 0; i < d.length; i++) d[i] = rng.normal();
  return t;
}

/** Uniform entries in [lo, hi). */
export function rand(shape: Shape, options: TensorOptions & { rng?: Rng; lo?: number; hi?: number } = {}): Tensor {
  const t = zeros(shape, options);
  const rng = options.rng ?? defaultRng();
  const lo = options.lo ?? 0, hi = options.hi ?? 1;
  const d = t.storage.overwrite();
  for (let i = 0; i < d.length; i++) d[i] = rng.uniform(lo, hi);
  return t;
}

/** 0, 1, …, n−1. */
export function arange(n: number, options: TensorOptions = {}): Tensor {
  const t = zeros([n], options);
  const d = t.storage.overwrite();
  for (let i = 0; i < n; i++) d[i] = i;
  return t;
}
