// Element-wise maps and their derivatives on f32 at byte addresses, with the contracts of the
// reference (src/backend/ref/pointwise.ts unary, unaryBackward, powScalar). neg, abs, square, relu
// and sqrt are exact in float32 as in the reference (one rounding); exp and sigmoid use the vector
// exp of ./vmath (about 2 ulp); tanh and log use the standard library's scalar float32 functions,
// which stay accurate near 0 (tanh as 1 − 2/(e^{2x} + 1) would lose its relative precision there).

import { expv } from './vmath';

// Operation codes, as ../wasm_backend.ts sends them (the order of UnaryOp there).
const NEG: i32 = 0;
const EXP: i32 = 1;
const LOG: i32 = 2;
const TANH: i32 = 3;
const SIGMOID: i32 = 4;
const RELU: i32 = 5;
const SQRT: i32 = 6;
const ABS: i32 = 7;
const SQUARE: i32 = 8;

// @ts-ignore: decorator
@inline function sigmoidv(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, expv(f32x4.neg(x))));
}

/** out[i] = op(x[i]) for i < n; out may be x. */
export function unaryMap(op: i32, n: i32, x: usize, out: usize): void {
  const n4 = n & ~3;
  let i = 0;
  const zero = f32x4.splat(0);
  if (op == NEG) for (; i < n4; i += 4) { const o = <usize>i << 2; v128.store(out + o, f32x4.neg(v128.load(x + o))); }
  else if (op == EXP) for (; i < n4; i += 4) { const o = <usize>i << 2; v128.store(out + o, expv(v128.load(x + o))); }
  else if (op == SIGMOID) for (; i < n4; i += 4) { const o = <usize>i << 2; v128.store(out + o, sigmoidv(v128.load(x + o))); }
  else if (op == RELU) for (; i < n4; i += 4) { const o = <usize>i << 2; const v = v128.load(x + o); v128.store(out + o, v128.bitselect(v, zero, f32x4.gt(v, zero))); }
  else if (op == SQRT) for (; i < n4; i += 4) { const o = <usize>i << 2; v128.store(out + o, f32x4.sqrt(v128.load(x + o))); }
  else if (op == ABS) for (; i < n4; i += 4) { const o = <usize>i << 2; v128.store(out + o, f32x4.abs(v128.load(x + o))); }
  else if (op == SQUARE) for (; i < n4; i += 4) { const o = <usize>i << 2; const v = v128.load(x + o); v128.store(out + o, f32x4.mul(v, v)); }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    let y: f32;
    if (op == NEG) y = -v;
    else if (op == EXP) y = f32x4.extract_lane(expv(f32x4.splat(v)), 0);
    else if (op == LOG) y = Mathf.log(v);
    else if (op == TANH) y = Mathf.tanh(v);
    else if (op == SIGMOID) y = f32x4.extract_lane(sigmoidv(f32x4.splat(v)), 0);
    else if (op == RELU) y = v > 0 ? v : 0;
    else if (op == SQRT) y = Mathf.sqrt(v);
    else if (op == ABS) y = Mathf.abs(v);
    else y = v * v;
    store<f32>(out + o, y);
  }
}

/** gx[i] = g[i]·op'(x[i]), from the input x and the output y = op(x); gx may be g. */
export function unaryGrad(op: i32, n: i32, x: usize, y: usize, g: usize, gx: usize): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const gv = load<f32>(g + o);
    let d: f32;
    if (op == NEG) d = -gv;
    else if (op == EXP) d = gv * load<f32>(y + o);
    else if (op == LOG) d = gv / load<f32>(x + o);
    else if (op == TANH) { const t = load<f32>(y + o); d = gv * (1 - t * t); }
    else if (op == SIGMOID) { const s = load<f32>(y + o); d = gv * s * (1 - s); }
    else if (op == RELU) d = load<f32>(x + o) > 0 ? gv : 0;
    else if (op == SQRT) d = (0.5 * gv) / load<f32>(y + o);
    else if (op == ABS) { const v = load<f32>(x + o); d = v > 0 ? gv : v < 0 ? -gv : 0; }
    else d = 2 * load<f32>(x + o) * gv;
    store<f32>(gx + o, d);
  }
}

/** out[i] = x[i] ** p for a constant p (x·x when p = 2, as the reference); out may be x. */
export function powConst(n: i32, x: usize, p: f32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    store<f32>(out + o, p == 2 ? v * v : Mathf.pow(v, p));
  }
}
