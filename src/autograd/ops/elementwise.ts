// Element-wise operations with NumPy broadcasting, each beside its derivative. Gradients are summed
// back over broadcast axes, so every input's gradient has that input's shape.

import { Storage } from '../../backend/storage.js';
import { getBackend, type BinaryOp, type UnaryOp } from '../../backend/backend.js';
import { Tensor } from '../../tensor/tensor.js';
import { broadcastShapes, sameShape, sizeOf, type Shape } from '../../tensor/shape.js';
import { record, sameDtype } from '../record.js';
import { scalar, spreadTo } from './broadcast_buffer.js';

export type TensorLike = Tensor | number;

function asTensor(x: TensorLike, like: Tensor): Tensor {
  return x instanceof Tensor ? x : scalar(x, like.dtype);
}

// g (shape outShape) reduced to `shape`: the adjoint of broadcasting.
function reduceTo(g: Storage, outShape: Shape, t: Tensor): Storage {
  if (sameShape(outShape, t.shape) || g.length === t.size) return g;
  const out = new Storage(t.dtype, t.size);
  getBackend().sumTo(g, outShape, out, t.shape);
  return out;
}

// elementwise product of g (outShape) with x broadcast to outShape
function mulBroadcast(g: Storage, outShape: Shape, x: Tensor): Storage {
  const out = new Storage(x.dtype, g.length);
  getBackend().binary('mul', g, outShape, x.storage, x.shape, out, outShape);
  return out;
}

function binaryForward(op: BinaryOp, a: Tensor, b: Tensor): { data: Storage; shape: number[] } {
  sameDtype(op, a, b);
  const shape = broadcastShapes(a.shape, b.shape);
  const data = new Storage(a.dtype, sizeOf(shape));
  getBackend().binary(op, a.storage, a.shape, b.storage, b.shape, data, shape);
  return { data, shape };
}

function negated(g: Storage): Storage {
  const out = new Storage(g.dtype, g.length);
  getBackend().affineScalar(g, -1, 0, out);
  return out;
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
  return record('sub', data, shape, [a, b], (g) => [reduceTo(g, shape, a), b.requiresGrad ? negated(reduceTo(g, shape, b)) : null]);
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
    let ga: Storage | null = null, gb: Storage | null = null;
    if (a.requiresGrad) {
      const t = new Storage(a.dtype, g.length);
      be.binary('div', g, shape, b.storage, b.shape, t, shape);
      ga = reduceTo(t, shape, a);
    }
    if (b.requiresGrad) {
      const t = new Storage(b.dtype, g.length);
      be.binary('mul', g, shape, data, shape, t, shape);
      be.binary('div', t, shape, b.storage, b.shape, t, shape);
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
    const data = new Storage(x.dtype, x.size);
    be.powScalar(x.storage, p, data);
    return record('pow', data, x.shape, [x], (g) => {
      const d = new Storage(x.dtype, x.size);
      if (p === 0) return [d]; // x^0 is constant; p·x^(p−1) would be 0·∞ = NaN at x = 0
      be.powScalar(x.storage, p - 1, d);
      be.binary('mul', d, x.shape, g, x.shape, d, x.shape);
      be.affineScalar(d, p, 0, d);
      return [d];
    });
  }
  const { data, shape } = binaryForward('pow', x, p);
  return record('pow', data, shape, [x, p], (g) => {
    let gx: Storage | null = null, gp: Storage | null = null;
    const gv = g.read();
    if (x.requiresGrad) {
      // p * x^(p-1) = p * out / x, computed directly to stay finite at x = 0
      const t = new Storage(x.dtype, g.length);
      const pm1 = new Storage(x.dtype, p.size);
      be.affineScalar(p.storage, 1, -1, pm1);
      be.binary('pow', x.storage, x.shape, pm1, p.shape, t, shape);
      be.binary('mul', t, shape, p.storage, p.shape, t, shape);
      const pe = spreadTo(p.storage, p.shape, shape, p.dtype).read(), tv = t.write();
      // where p = 0 the derivative is 0, not 0·x^(−1) (NaN at x = 0), as in PyTorch
      for (let i = 0; i < tv.length; i++) tv[i] = pe[i] === 0 ? 0 : tv[i] * gv[i];
      gx = reduceTo(t, shape, x);
    }
    if (p.requiresGrad) {
      const lx = new Storage(x.dtype, x.size);
      be.unary('log', x.storage, lx);
      const t = new Storage(x.dtype, g.length);
      be.binary('mul', data, shape, lx, x.shape, t, shape);
      const xe = spreadTo(x.storage, x.shape, shape, x.dtype).read(), pe = spreadTo(p.storage, p.shape, shape, p.dtype).read();
      const tv = t.write();
      // x^p·log x → 0 as x → 0 for p ≥ 0 (PyTorch masks these too); the product would be NaN or ∞
      for (let i = 0; i < tv.length; i++) tv[i] = xe[i] === 0 && pe[i] >= 0 ? 0 : tv[i] * gv[i];
      gp = reduceTo(t, shape, p);
    }
    return [gx, gp];
  });
}

/** Element-wise maximum; the gradient goes to the larger (to `a` on ties). */
export function maximum(a: Tensor, b: Tensor): Tensor {
  const { data, shape } = binaryForward('maximum', a, b);
  return record('maximum', data, shape, [a, b], (g) => {
    const ea = spreadTo(a.storage, a.shape, shape, a.dtype).read(), eb = spreadTo(b.storage, b.shape, shape, b.dtype).read();
    const gv = g.read();
    const ga = new Storage(a.dtype, g.length), gb = new Storage(a.dtype, g.length);
    const gav = ga.overwrite(), gbv = gb.overwrite();
    for (let i = 0; i < gv.length; i++) { if (ea[i] >= eb[i]) { gav[i] = gv[i]; gbv[i] = 0; } else { gbv[i] = gv[i]; gav[i] = 0; } }
    return [reduceTo(ga, shape, a), reduceTo(gb, shape, b)];
  });
}

function unaryOp(op: UnaryOp, x: Tensor): Tensor {
  const be = getBackend();
  const y = new Storage(x.dtype, x.size);
  be.unary(op, x.storage, y);
  return record(op, y, x.shape, [x], (g) => {
    const gx = new Storage(x.dtype, x.size);
    be.unaryBackward(op, x.storage, y, g, gx);
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
