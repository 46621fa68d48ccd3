// Element-wise operations with NumPy broadcasting, each beside its derivative. Gradients are summed
// back over broadcast axes, so every input's gradient has that input's shape.

import { allocate, type FloatArray } from '../../backend/dtype.js';
import { getBackend, type BinaryOp, type UnaryOp } from '../../backend/backend.js';
import { Tensor } from '../../tensor/tensor.js';
import { broadcastShapes, sameShape, type Shape } from '../../tensor/shape.js';
import { record, sameDtype } from '../record.js';
import { scalar, spreadTo } from './broadcast_buffer.js';

export type TensorLike = Tensor | number;

function asTensor(x: TensorLike, like: Tensor): Tensor {
  return x instanceof Tensor ? x : scalar(x, like.dtype);
}

// g (shape outShape) reduced to `shape`: the adjoint of broadcasting.
function reduceTo(g: FloatArray, outShape: Shape, t: Tensor): FloatArray {
  if (sameShape(outShape, t.shape) || g.length === t.size) return g;
  const out = allocate(t.dtype, t.size);
  getBackend().sumTo(g, outShape, out, t.shape);
  return out;
}

// elementwise product of g (outShape) with x broadcast to outShape
function mulBroadcast(g: FloatArray, outShape: Shape, x: Tensor): FloatArray {
  const out = allocate(x.dtype, g.length);
  getBackend().binary('mul', g, outShape, x.data, x.shape, out, outShape);
  return out;
}

function binaryForward(op: BinaryOp, a: Tensor, b: Tensor): { data: FloatArray; shape: number[] } {
  sameDtype(op, a, b);
  const shape = broadcastShapes(a.shape, b.shape);
  let n = 1;
  for (const d of shape) n *= d;
  const data = allocate(a.dtype, n);
  getBackend().binary(op, a.data, a.shape, b.data, b.shape, data, shape);
  return { data, shape };
}

export function add(x: TensorLike, y: TensorLike): Tensor {
  const a = x instanceof Tensor ? x : asTensor(x, y as Tensor);
  const b = asTensor(y, a);
  const { data, shape } = binaryForward('add', a, b);
  return record('add', data, shape, [a, b], (g) => [reduceTo(g, shape, a), reduceTo(g, shape, b)]);
}

export function sub(x: TensorLike, y: TensorLike): Tensor {
  const a = x instanceof Tensor ? x : asTensor(x, y as Tensor);
  const b = asTensor(y, a);
  const { data, shape } = binaryForward('sub', a, b);
  return record('sub', data, shape, [a, b], (g) => {
    const gb = reduceTo(g, shape, b);
    const neg = allocate(b.dtype, gb.length);
    getBackend().affineScalar(gb, -1, 0, neg);
    return [reduceTo(g, shape, a), neg];
  });
}

export function mul(x: TensorLike, y: TensorLike): Tensor {
  const a = x instanceof Tensor ? x : asTensor(x, y as Tensor);
  const b = asTensor(y, a);
  const { data, shape } = binaryForward('mul', a, b);
  return record('mul', data, shape, [a, b], (g) => [
    a.requiresGrad ? reduceTo(mulBroadcast(g, shape, b), shape, a) : null,
    b.requiresGrad ? reduceTo(mulBroadcast(g, shape, a), shape, b) : null,
  ]);
}

export function div(x: TensorLike, y: TensorLike): Tensor {
  const a = x instanceof Tensor ? x : asTensor(x, y as Tensor);
  const b = asTensor(y, a);
  const { data, shape } = binaryForward('div', a, b);
  return record('div', data, shape, [a, b], (g) => {
    const be = getBackend();
    // d(a/b)/da = 1/b; d(a/b)/db = -(a/b)/b
    let ga: FloatArray | null = null, gb: FloatArray | null = null;
    if (a.requiresGrad) {
      const t = allocate(a.dtype, g.length);
      be.binary('div', g, shape, b.data, b.shape, t, shape);
      ga = reduceTo(t, shape, a);
    }
    if (b.requiresGrad) {
      const t = allocate(b.dtype, g.length);
      be.binary('mul', g, shape, data, shape, t, shape);
      be.binary('div', t, shape, b.data, b.shape, t, shape);
      be.affineScalar(t, -1, 0, t);
      gb = reduceTo(t, shape, b);
    }
    return [ga, gb];
  });
}

/** x ** p, p a constant or a tensor (broadcast). */
export function pow(x: Tensor, p: TensorLike): Tensor {
  const be = getBackend();
  if (!(p instanceof Tensor)) {
    const data = allocate(x.dtype, x.size);
    be.powScalar(x.data, p, data);
    return record('pow', data, x.shape, [x], (g) => {
      const d = allocate(x.dtype, x.size);
      if (p === 0) return [d]; // x^0 is constant; p·x^(p−1) would be 0·∞ = NaN at x = 0
      be.powScalar(x.data, p - 1, d);
      for (let i = 0; i < d.length; i++) d[i] *= p * g[i];
      return [d];
    });
  }
  const { data, shape } = binaryForward('pow', x, p);
  return record('pow', data, shape, [x, p], (g) => {
    let gx: FloatArray | null = null, gp: FloatArray | null = null;
    if (x.requiresGrad) {
      // p * x^(p-1) = p * out / x, computed directly to stay finite at x = 0
      const t = allocate(x.dtype, g.length);
      const pm1 = allocate(x.dtype, p.size);
      be.affineScalar(p.data, 1, -1, pm1);
      be.binary('pow', x.data, x.shape, pm1, p.shape, t, shape);
      be.binary('mul', t, shape, p.data, p.shape, t, shape);
      const pe = spreadTo(p.data, p.shape, shape, p.dtype);
      // where p = 0 the derivative is 0, not 0·x^(−1) (NaN at x = 0), as in PyTorch
      for (let i = 0; i < t.length; i++) t[i] = pe[i] === 0 ? 0 : t[i] * g[i];
      gx = reduceTo(t, shape, x);
    }
    if (p.requiresGrad) {
      const lx = allocate(x.dtype, x.size);
      be.unary('log', x.data, lx);
      const t = allocate(x.dtype, g.length);
      be.binary('mul', data, shape, lx, x.shape, t, shape);
      const xe = spreadTo(x.data, x.shape, shape, x.dtype), pe = spreadTo(p.data, p.shape, shape, p.dtype);
      // x^p·log x → 0 as x → 0 for p ≥ 0 (PyTorch masks these too); the product would be NaN or ∞
      for (let i = 0; i < t.length; i++) t[i] = xe[i] === 0 && pe[i] >= 0 ? 0 : t[i] * g[i];
      gp = reduceTo(t, shape, p);
    }
    return [gx, gp];
  });
}

/** Element-wise maximum; the gradient goes to the larger (to `a` on ties). */
export function maximum(a: Tensor, b: Tensor): Tensor {
  const { data, shape } = binaryForward('maximum', a, b);
  return record('maximum', data, shape, [a, b], (g) => {
    const ea = spreadTo(a.data, a.shape, shape, a.dtype), eb = spreadTo(b.data, b.shape, shape, b.dtype);
    const ga = allocate(a.dtype, g.length), gb = allocate(a.dtype, g.length);
    for (let i = 0; i < g.length; i++) { if (ea[i] >= eb[i]) ga[i] = g[i]; else gb[i] = g[i]; }
    return [reduceTo(ga, shape, a), reduceTo(gb, shape, b)];
  });
}

// dL/dx for a unary map, from the input x, the output y and dL/dy. One loop per op, so that each
// stays monomorphic and fast.
function unaryBackward(op: UnaryOp, x: FloatArray, y: FloatArray, g: FloatArray, gx: FloatArray): void {
  const n = gx.length;
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) gx[i] = -g[i]; break;
    case 'exp': for (let i = 0; i < n; i++) gx[i] = g[i] * y[i]; break;
    case 'log': for (let i = 0; i < n; i++) gx[i] = g[i] / x[i]; break;
    case 'tanh': for (let i = 0; i < n; i++) gx[i] = g[i] * (1 - y[i] * y[i]); break;
    case 'sigmoid': for (let i = 0; i < n; i++) gx[i] = g[i] * y[i] * (1 - y[i]); break;
    case 'relu': for (let i = 0; i < n; i++) gx[i] = x[i] > 0 ? g[i] : 0; break;
    case 'sqrt': for (let i = 0; i < n; i++) gx[i] = (0.5 * g[i]) / y[i]; break;
    case 'abs': for (let i = 0; i < n; i++) gx[i] = x[i] > 0 ? g[i] : x[i] < 0 ? -g[i] : 0; break;
    case 'square': for (let i = 0; i < n; i++) gx[i] = 2 * x[i] * g[i]; break;
  }
}

function unaryOp(op: UnaryOp, x: Tensor): Tensor {
  const y = allocate(x.dtype, x.size);
  getBackend().unary(op, x.data, y);
  return record(op, y, x.shape, [x], (g) => {
    const gx = allocate(x.dtype, x.size);
    unaryBackward(op, x.data, y, g, gx);
    return [gx];
  });
}

export const neg = (x: Tensor): Tensor => unaryOp('neg', x);
export const exp = (x: Tensor): Tensor => unaryOp('exp', x);
export const log = (x: Tensor): Tensor => unaryOp('log', x);
export const tanh = (x: Tensor): Tensor => unaryOp('tanh', x);
export const sigmoid = (x: Tensor): Tensor => unaryOp('sigmoid', x);
export const relu = (x: Tensor): Tensor => unaryOp('relu', x);
export const sqrt = (x: Tensor): Tensor => unaryOp('sqrt', x);
export const abs = (x: Tensor): Tensor => unaryOp('abs', x);
export const square = (x: Tensor): Tensor => unaryOp('square', x);
