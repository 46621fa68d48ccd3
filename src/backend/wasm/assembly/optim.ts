// The optimizers' element-wise updates in WebAssembly (torch.optim's Adam/AdamW and SGD) on f32
// buffers at byte addresses, all [n]. Each pair of floats is widened to f64x2 and run through the
// reference's formulas in the reference's order (src/backend/ref/optim.ts), rounding to f32 exactly
// where the reference stores: the results equal the JavaScript loops bit for bit. A lone last
// element takes the same path in lane 0 (lane 1 computes on zeros and is never stored).
// The caller works out the per-step constants (bias corrections, 1 − β) in JavaScript.

// Two f32 at ptr (or one, in lane 0) widened to f64x2.
// @ts-ignore: decorator
@inline function ld(ptr: usize, pair: bool): v128 {
  return f64x2.promote_low_f32x4(pair ? v128.load64_zero(ptr) : v128.load32_zero(ptr));
}

// Rounds x to f32, stores two lanes (or lane 0) at ptr, and returns the rounded value widened again.
// @ts-ignore: decorator
@inline function st(ptr: usize, x: v128, pair: bool): v128 {
  const r = f32x4.demote_f64x2_zero(x);
  if (pair) v128.store64_lane(ptr, r, 0); else v128.store32_lane(ptr, r, 0);
  return f64x2.promote_low_f32x4(r);
}

// @ts-ignore: decorator
@inline function adamAt(
  o: usize, pair: bool, p: usize, g: usize, m: usize, v: usize, vMax: usize,
  sign: v128, l2: f64, decay: v128, decoupled: bool, b1: v128, omb1: v128, b2: v128, omb2: v128,
  stepSize: v128, bc2Sqrt: v128, eps: v128,
): void {
  let pv = ld(p + o, pair);
  if (decoupled) pv = st(p + o, f64x2.mul(pv, decay), pair);
  let gi = f64x2.mul(sign, ld(g + o, pair));
  if (l2 != 0) gi = f64x2.add(gi, f64x2.mul(f64x2.splat(l2), pv));
  const mi = st(m + o, f64x2.add(f64x2.mul(b1, ld(m + o, pair)), f64x2.mul(omb1, gi)), pair);
  let vi = st(v + o, f64x2.add(f64x2.mul(b2, ld(v + o, pair)), f64x2.mul(f64x2.mul(omb2, gi), gi)), pair);
  if (vMax != 0) vi = st(vMax + o, f64x2.max(ld(vMax + o, pair), vi), pair); // f64x2.max propagates NaN, as Math.max
  const den = f64x2.add(f64x2.div(f64x2.sqrt(vi), bc2Sqrt), eps);
  st(p + o, f64x2.sub(pv, f64x2.mul(stepSize, f64x2.div(mi, den))), pair);
}

/**
 * Adam/AdamW over n elements: p, g, m, v [n]; vMax [n] or 0 (no amsgrad). sign = −1 maximizes;
 * decay = 1 − γλ (applied when decoupled); l2 = λ for Adam's L2 (0 for AdamW); omb1 = 1 − β1,
 * omb2 = 1 − β2; stepSize = γ / (1 − β1^t); bc2Sqrt = √(1 − β2^t).
 */
export function adamUpdate(
  n: i32, p: usize, g: usize, m: usize, v: usize, vMax: usize,
  sign: f64, l2: f64, decay: f64, decoupled: bool, beta1: f64, omb1: f64, beta2: f64, omb2: f64,
  stepSize: f64, bc2Sqrt: f64, eps: f64,
): void {
  const sv = f64x2.splat(sign), dv = f64x2.splat(decay), b1 = f64x2.splat(beta1), o1 = f64x2.splat(omb1);
  const b2 = f64x2.splat(beta2), o2 = f64x2.splat(omb2), ss = f64x2.splat(stepSize), bc = f64x2.splat(bc2Sqrt);
  const ev = f64x2.splat(eps);
  const n2 = n & ~1;
  let i = 0;
  for (; i < n2; i += 2) adamAt(<usize>i << 2, true, p, g, m, v, vMax, sv, l2, dv, decoupled, b1, o1, b2, o2, ss, bc, ev);
  if (i < n) adamAt(<usize>i << 2, false, p, g, m, v, vMax, sv, l2, dv, decoupled, b1, o1, b2, o2, ss, bc, ev);
}

// @ts-ignore: decorator
@inline function sgdAt(
  o: usize, pair: bool, p: usize, g: usize, buf: usize,
  lr: v128, sign: v128, wd: f64, mom: v128, omd: v128, nesterov: bool, first: bool,
): void {
  const pv = ld(p + o, pair);
  let d = f64x2.mul(sign, ld(g + o, pair));
  if (buf == 0) {
    // plain SGD adds λθ even when λ = 0, as the reference does (0·∞ is NaN there too)
    st(p + o, f64x2.sub(pv, f64x2.mul(lr, f64x2.add(d, f64x2.mul(f64x2.splat(wd), pv)))), pair);
    return;
  }
  if (wd != 0) d = f64x2.add(d, f64x2.mul(f64x2.splat(wd), pv));
  const b = st(buf + o, first ? d : f64x2.add(f64x2.mul(mom, ld(buf + o, pair)), f64x2.mul(omd, d)), pair);
  st(p + o, f64x2.sub(pv, f64x2.mul(lr, nesterov ? f64x2.add(d, f64x2.mul(mom, b)) : b)), pair);
}

/**
 * SGD over n elements: p, g [n]; buf [n], the momentum buffer, or 0 for plain SGD (μ = 0).
 * sign = −1 maximizes; wd = λ; mom = μ; omd = 1 − τ; first: the buffer's first update (b ← d).
 */
export function sgdUpdate(
  n: i32, p: usize, g: usize, buf: usize, lr: f64, sign: f64, wd: f64, mom: f64, omd: f64, nesterov: bool, first: bool,
): void {
  const lv = f64x2.splat(lr), sv = f64x2.splat(sign), mv = f64x2.splat(mom), ov = f64x2.splat(omd);
  const n2 = n & ~1;
  let i = 0;
  for (; i < n2; i += 2) sgdAt(<usize>i << 2, true, p, g, buf, lv, sv, wd, mv, ov, nesterov, first);
  if (i < n) sgdAt(<usize>i << 2, false, p, g, buf, lv, sv, wd, mv, ov, nesterov, first);
}
