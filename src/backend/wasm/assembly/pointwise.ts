// Elementwise kernels over whole buffers on f32x4: the same-shape binary ops (a gradient summed into
// another, a data-parallel share's gradient added to the main one), the affine map a·x + b (a
// gradient clipped by its norm) and the float64 sum of squares (that norm). Each gives the
// reference's numbers bit for bit: a float32 add, subtract, multiply or divide rounds once either
// way (float64 holds the exact result of two float32 operands well enough that rounding it to
// float32 again changes nothing), the affine map runs in float64 as the reference's JavaScript does,
// and only the sum of squares adds in another order (float64, so that order moves it by ~1e-16).

// Operation codes of binarySame, as ../pointwise.ts sends them.
const ADD: i32 = 0;
const SUB: i32 = 1;
const MUL: i32 = 2;
const DIV: i32 = 3;

// @ts-ignore: decorator
@inline function opv(op: i32, x: v128, y: v128): v128 {
  if (op == ADD) return f32x4.add(x, y);
  if (op == SUB) return f32x4.sub(x, y);
  if (op == MUL) return f32x4.mul(x, y);
  return f32x4.div(x, y);
}

// @ts-ignore: decorator
@inline function ops(op: i32, x: f32, y: f32): f32 {
  if (op == ADD) return x + y;
  if (op == SUB) return x - y;
  if (op == MUL) return x * y;
  return x / y;
}

// One loop per operation, so that the choice is made once, not per element.
// @ts-ignore: decorator
@inline function binaryLoop(op: i32, n: usize, a: usize, b: usize, out: usize): void {
  const n4 = n & ~3;
  let i: usize = 0;
  for (; i < n4; i += 4) {
    const o = i << 2;
    v128.store(out + o, opv(op, v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = i << 2;
    store<f32>(out + o, ops(op, load<f32>(a + o), load<f32>(b + o)));
  }
}

/** out[i] = a[i] op b[i] for i < n (op: 0 add, 1 sub, 2 mul, 3 div); out may be a or b. */
export function binarySame(op: i32, n: usize, a: usize, b: usize, out: usize): void {
  if (op == ADD) binaryLoop(ADD, n, a, b, out);
  else if (op == SUB) binaryLoop(SUB, n, a, b, out);
  else if (op == MUL) binaryLoop(MUL, n, a, b, out);
  else binaryLoop(DIV, n, a, b, out);
}

/** out[i] = a·x[i] + b for i < n, computed in float64 and rounded once; out may be x. */
export function affine(n: usize, x: usize, a: f64, b: f64, out: usize): void {
  const av = f64x2.splat(a), bv = f64x2.splat(b);
  const n4 = n & ~3;
  let i: usize = 0;
  for (; i < n4; i += 4) {
    const o = i << 2;
    const v = v128.load(x + o);
    const lo = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(v), av), bv);
    const hi = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3)), av), bv);
    v128.store(out + o, i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
  }
  for (; i < n; i++) {
    const o = i << 2;
    store<f32>(out + o, <f32>(a * <f64>load<f32>(x + o) + b));
  }
}

/** Σ_i x[i]² over i < n, in float64 (four running sums, added at the end). */
export function sumSquares(n: usize, x: usize): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  const n4 = n & ~3;
  let i: usize = 0;
  for (; i < n4; i += 4) {
    const v = v128.load(x + (i << 2));
    const lo = f64x2.promote_low_f32x4(v), hi = f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3));
    s0 = f64x2.add(s0, f64x2.mul(lo, lo));
    s1 = f64x2.add(s1, f64x2.mul(hi, hi));
  }
  const t = f64x2.add(s0, s1);
  let s = f64x2.extract_lane(t, 0) + f64x2.extract_lane(t, 1);
  for (; i < n; i++) {
    const v = <f64>load<f32>(x + (i << 2));
    s += v * v;
  }
  return s;
}
