// Vector exp, sigmoid and tanh on f32x4 for the gate kernels (and scalar twins with the same
// formulas for ragged tails). exp is the Cephes expf scheme: x = n·ln2 + r with |r| <= ln2/2, a
// degree-6 polynomial for e^r, and 2^n put straight into the exponent bits; relative error about
// 2 ulp over the clamped range. σ(x) = 1/(1 + e^−x); tanh(x) = 1 − 2/(e^{2x} + 1), whose absolute
// error stays at float32 rounding (its relative error grows only where tanh itself is near 0).

const LOG2E: f32 = 1.44269504088896341;
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const X_MAX: f32 = 88.0;  // e^88 < f32 max; larger inputs saturate σ and tanh anyway
const X_MIN: f32 = -87.0; // 2^−126 stays a normal number
const MAGIC_2N: f32 = 8388735.0; // 2^23 + 127
const P0: f32 = 1.9875691500e-4;
const P1: f32 = 1.3981999507e-3;
const P2: f32 = 8.3334519073e-3;
const P3: f32 = 4.1665795894e-2;
const P4: f32 = 1.6666665459e-1;
const P5: f32 = 5.0000001201e-1;

// @ts-ignore: decorator
@inline export function expv(x: v128): v128 {
  // pmax/pmin (one instruction each on x86, where min/max need a NaN-fixing sequence) with x first:
  // a NaN x fails both comparisons and comes through, as with min/max
  x = f32x4.pmin(f32x4.pmax(x, f32x4.splat(X_MIN)), f32x4.splat(X_MAX));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  // Multiply-adds (fused in the relaxed-SIMD build): the gate kernels spend most of their time here.
  const r = nmadd(n, f32x4.splat(LN2_LO), nmadd(n, f32x4.splat(LN2_HI), x));
  let p = madd(f32x4.splat(P0), r, f32x4.splat(P1));
  p = madd(p, r, f32x4.splat(P2));
  p = madd(p, r, f32x4.splat(P3));
  p = madd(p, r, f32x4.splat(P4));
  p = madd(p, r, f32x4.splat(P5));
  p = f32x4.add(madd(f32x4.mul(p, r), r, r), f32x4.splat(1));
  // 2^n without a float-to-int conversion (a saturating one is several instructions on x86): n + 127
  // is an integer in [1, 254], so in 2^23 + 127 + n it fills the low mantissa bits, and a shift by 23
  // moves it into the exponent field and pushes the rest out.
  const e = i32x4.shl(f32x4.add(n, f32x4.splat(MAGIC_2N)), 23);
  return f32x4.mul(p, e);
}

// @ts-ignore: decorator
@inline export function sigmoidv(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.div(one, f32x4.add(one, expv(f32x4.neg(x))));
}

// @ts-ignore: decorator
@inline export function tanhv(x: v128): v128 {
  const one = f32x4.splat(1);
  return f32x4.sub(one, f32x4.div(f32x4.splat(2), f32x4.add(expv(f32x4.add(x, x)), one)));
}

// Scalar twins: the lane-0 result of the vector forms.
// @ts-ignore: decorator
@inline export function sigmoids(x: f32): f32 {
  return f32x4.extract_lane(sigmoidv(f32x4.splat(x)), 0);
}

// @ts-ignore: decorator
@inline export function tanhs(x: f32): f32 {
  return f32x4.extract_lane(tanhv(f32x4.splat(x)), 0);
}

// c + a·b on four lanes: fused where the relaxed-SIMD build runs on FMA hardware.
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// c − a·b on four lanes, fused as madd is.
// @ts-ignore: decorator
@inline export function nmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_nmadd(a, b, c);
  return f32x4.sub(c, f32x4.mul(a, b));
}
