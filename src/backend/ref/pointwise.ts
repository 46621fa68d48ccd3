// Element-wise kernels: unary maps, binary ops with NumPy broadcasting, and the derivative maps the
// autograd layer needs. The op is switched on once per contiguous run, never per element.

import type { FloatArray } from '../dtype.js';

export type UnaryOp = 'neg' | 'exp' | 'log' | 'tanh' | 'sigmoid' | 'relu' | 'sqrt' | 'abs' | 'square';
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';

export function unary(op: UnaryOp, x: FloatArray, out: FloatArray): void {
  const n = x.length;
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) out[i] = -x[i]; break;
    case 'exp': for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]); break;
    case 'log': for (let i = 0; i < n; i++) out[i] = Math.log(x[i]); break;
    case 'tanh': for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]); break;
    case 'sigmoid':
      // Split by sign so that exp never overflows.
      for (let i = 0; i < n; i++) {
        const v = x[i];
        if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
        else { const e = Math.exp(v); out[i] = e / (1 + e); }
      }
      break;
    case 'relu': for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? x[i] : 0; break;
    case 'sqrt': for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]); break;
    case 'abs': for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]); break;
    case 'square': for (let i = 0; i < n; i++) out[i] = x[i] * x[i]; break;
  }
}

/**
 * gx = g ⊙ op'(x), from the input x and the output y = op(x): one loop per op, so that each stays
 * monomorphic and fast. relu, abs and square read x; exp, tanh, sigmoid and sqrt read y.
 */
export function unaryBackward(op: UnaryOp, x: FloatArray, y: FloatArray, g: FloatArray, gx: FloatArray): void {
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

/** out[i] = x[i] ** p for a constant exponent. */
export function powScalar(x: FloatArray, p: number, out: FloatArray): void {
  const n = x.length;
  if (p === 2) for (let i = 0; i < n; i++) out[i] = x[i] * x[i];
  else for (let i = 0; i < n; i++) out[i] = Math.pow(x[i], p);
}

/** out[i] = a * x[i] + b: scaling and shifting by constants. */
export function affineScalar(x: FloatArray, a: number, b: number, out: FloatArray): void {
  const n = x.length;
  for (let i = 0; i < n; i++) out[i] = a * x[i] + b;
}

// One contiguous run: n elements, operands stepping by sa / sb (0 means broadcast).
function run(
  op: BinaryOp, a: FloatArray, ia: number, sa: number, b: FloatArray, ib: number, sb: number,
  out: FloatArray, io: number, n: number,
): void {
  switch (op) {
    case 'add': for (let k = 0; k < n; k++, ia += sa, ib += sb) out[io + k] = a[ia] + b[ib]; break;
    case 'sub': for (let k = 0; k < n; k++, ia += sa, ib += sb) out[io + k] = a[ia] - b[ib]; break;
    case 'mul': for (let k = 0; k < n; k++, ia += sa, ib += sb) out[io + k] = a[ia] * b[ib]; break;
    case 'div': for (let k = 0; k < n; k++, ia += sa, ib += sb) out[io + k] = a[ia] / b[ib]; break;
    case 'pow': for (let k = 0; k < n; k++, ia += sa, ib += sb) out[io + k] = Math.pow(a[ia], b[ib]); break;
    case 'maximum':
      for (let k = 0; k < n; k++, ia += sa, ib += sb) out[io + k] = a[ia] >= b[ib] ? a[ia] : b[ib];
      break;
    case 'minimum':
      for (let k = 0; k < n; k++, ia += sa, ib += sb) out[io + k] = a[ia] <= b[ib] ? a[ia] : b[ib];
      break;
  }
}

/** Strides of `shape` laid inside `outShape` (right-aligned), 0 along broadcast axes. */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const od = rank - shape.length + d;
    strides[od] = shape[d] === 1 && outShape[od] !== 1 ? 0 : s;
    s *= shape[d];
  }
  return strides;
}

/** out = a ⊙ b with broadcasting; outShape must be the broadcast of both shapes. */
export function binary(
  op: BinaryOp, a: FloatArray, aShape: readonly number[], b: FloatArray, bShape: readonly number[],
  out: FloatArray, outShape: readonly number[],
): void {
  const n = out.length;
  if (n === 0) return;
  if (a.length === n && b.length === n) return run(op, a, 0, 1, b, 0, 1, out, 0, n);
  if (b.length === 1 && a.length === n) return run(op, a, 0, 1, b, 0, 0, out, 0, n);
  if (a.length === 1 && b.length === n) return run(op, a, 0, 0, b, 0, 1, out, 0, n);
  const rank = outShape.length;
  const sa = broadcastStrides(aShape, outShape);
  const sb = broadcastStrides(bShape, outShape);
  const inner = outShape[rank - 1];
  const isa = sa[rank - 1], isb = sb[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let ia = 0, ib = 0;
  for (let io = 0; io < n; io += inner) {
    run(op, a, ia, isa, b, ib, isb, out, io, inner);
    // Odometer over the outer axes, keeping operand offsets in step.
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++; ia += sa[d]; ib += sb[d];
      if (idx[d] < outShape[d]) break;
      ia -= sa[d] * outShape[d]; ib -= sb[d] * outShape[d]; idx[d] = 0;
    }
  }
}
