// The Tensor: a contiguous row-major buffer with a shape and dtype, plus the slots reverse-mode
// autodiff fills in (requiresGrad, grad, gradFn). Operations live in the autograd layer, which adds
// them to this class as methods; this file knows nothing of derivatives.

import { allocate, toBuffer, type DType, type FloatArray } from '../backend/dtype.js';
import { checkShape, formatShape, sizeOf, type Shape } from './shape.js';
import { defaultRng, type Rng } from './random.js';

/**
 * A gradient that is zero outside one contiguous range of an input: `data` lands at `offset`.
 * Slicing step t out of a [T, B, G] tensor returns one of these, so backward through T slices costs
 * O(T·B·G) instead of O(T²·B·G).
 */
export interface GradSlice {
  readonly offset: number;
  readonly data: FloatArray;
}

/**
 * A gradient the op writes straight into the engine's sum buffer (accumulate: add to what is
 * there). A weight used at every time step gets all its per-step products added by the matrix
 * kernel itself, with no per-step buffer and no separate addition pass.
 */
export interface GradWriter {
  write(dst: FloatArray, accumulate: boolean): void;
}

/** What a backward function may return per input. */
export type InputGrad = FloatArray | GradSlice | GradWriter | null;

/** How a non-leaf tensor was made: its inputs and the vector-Jacobian product back to them. */
export interface GradFn {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  /** Given dL/d(output) (same size as the output), returns dL/d(input) for each input (null: none). */
  backward(grad: FloatArray): InputGrad[];
  /**
   * Called once when backward drops this node (a backward without retainGraph, after the input
   * gradients, writers included, have been consumed), so that an op can hand the workspace it
   * saved for backward back to a pool. Never called for a graph that is kept or just dropped.
   */
  release?(): void;
}

export type NestedArray = number | NestedArray[];

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export class Tensor {
  readonly data: FloatArray;
  readonly shape: Shape;
  readonly dtype: DType;
  /** Whether gradients flow into this tensor. Leaves with this set receive `.grad`. */
  requiresGrad: boolean;
  /** Accumulated dL/d(this) for leaves (and for tensors marked with retainGrad()). */
  grad: Tensor | null = null;
  /** The operation that produced this tensor, when gradients flow through it. */
  gradFn: GradFn | null = null;
  /** Keep `.grad` on this non-leaf tensor after backward (for diagnostics such as ∂L/∂h_t). */
  retainsGrad = false;

  constructor(data: FloatArray, shape: Shape, requiresGrad = false) {
    checkShape(shape);
    if (data.length !== sizeOf(shape)) {
      throw new Error(`expected ${sizeOf(shape)} elements for shape ${formatShape(shape)}, got ${data.length}`);
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.dtype = data instanceof Float64Array ? 'float64' : 'float32';
    this.requiresGrad = requiresGrad;
  }

  get size(): number { return this.data.length; }
  get rank(): number { return this.shape.length; }
  get isLeaf(): boolean { return this.gradFn === null; }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1) throw new Error(`item() expects a tensor with one element, got shape ${formatShape(this.shape)}`);
    return this.data[0];
  }

  /** The elements as a flat array of numbers. */
  toArray(): number[] { return Array.from(this.data); }

  /** The elements as nested arrays following the shape. */
  tolist(): NestedArray {
    const build = (axis: number, offset: number): NestedArray => {
      if (axis === this.shape.length) return this.data[offset];
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
  return new Tensor(allocate(options.dtype ?? 'float32', sizeOf(shape)), shape, options.requiresGrad ?? false);
}

export function full(shape: Shape, value: number, options: TensorOptions = {}): Tensor {
  const t = zeros(shape, options);
  t.data.fill(value);
  return t;
}

export function ones(shape: Shape, options: TensorOptions = {}): Tensor {
  return full(shape, 1, options);
}

/** Standard normal entries. */
export function randn(shape: Shape, options: TensorOptions & { rng?: Rng } = {}): Tensor {
  const t = zeros(shape, options);
  const rng = options.rng ?? defaultRng();
  for (let i = 0; i < t.size; i++) t.data[i] = rng.normal();
  return t;
}

/** Uniform entries in [lo, hi). */
export function rand(shape: Shape, options: TensorOptions & { rng?: Rng; lo?: number; hi?: number } = {}): Tensor {
  const t = zeros(shape, options);
  const rng = options.rng ?? defaultRng();
  const lo = options.lo ?? 0, hi = options.hi ?? 1;
  for (let i = 0; i < t.size; i++) t.data[i] = rng.uniform(lo, hi);
  return t;
}

/** 0, 1, …, n−1. */
export function arange(n: number, options: TensorOptions = {}): Tensor {
  const t = zeros([n], options);
  for (let i = 0; i < n; i++) t.data[i] = i;
  return t;
}
