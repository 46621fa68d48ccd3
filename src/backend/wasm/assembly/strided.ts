// Kernels over shapes with strides, on f32 at byte addresses, with the contracts of the reference
// (src/backend/ref/pointwise.ts binary, ref/reduce.ts sumTo, ref/layout.ts permute): binary ops with
// NumPy broadcasting, the sum back over broadcast axes, and axis permutation. The caller passes
// the output's shape and each operand's element strides over it (0 along a broadcast axis) as i32
// arrays of `rank` entries; an odometer walks the outer axes, and the innermost axis runs as a
// vector loop whenever both operands step by 1 or 0 along it.

// Operation codes, as ../wasm_backend.ts sends them.
const ADD: i32 = 0;
const SUB: i32 = 1;
const MUL: i32 = 2;
const DIV: i32 = 3;
const MAX: i32 = 4;
const MIN: i32 = 5;

// maximum / minimum pick a where a >= b (a <= b), else b: the reference's comparison, NaN included.
// @ts-ignore: decorator
@inline function opv(op: i32, x: v128, y: v128): v128 {
  if (op == ADD) return f32x4.add(x, y);
  if (op == SUB) return f32x4.sub(x, y);
  if (op == MUL) return f32x4.mul(x, y);
  if (op == DIV) return f32x4.div(x, y);
  if (op == MAX) return v128.bitselect(x, y, f32x4.ge(x, y));
  return v128.bitselect(x, y, f32x4.le(x, y));
}

// @ts-ignore: decorator
@inline function ops(op: i32, x: f32, y: f32): f32 {
  if (op == ADD) return x + y;
  if (op == SUB) return x - y;
  if (op == MUL) return x * y;
  if (op == DIV) return x / y;
  if (op == MAX) return x >= y ? x : y;
  return x <= y ? x : y;
}

// One contiguous run of n outputs: a and b step by sa, sb ∈ {0, 1} elements (0: broadcast).
// @ts-ignore: decorator
@inline function run(op: i32, n: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize): void {
  const n4 = n & ~3;
  let k = 0;
  if (sa == 1 && sb == 1) {
    for (; k < n4; k += 4) { const o = <usize>k << 2; v128.store(out + o, opv(op, v128.load(a + o), v128.load(b + o))); }
  } else if (sa == 1 && sb == 0) {
    const bv = v128.load32_splat(b);
    for (; k < n4; k += 4) { const o = <usize>k << 2; v128.store(out + o, opv(op, v128.load(a + o), bv)); }
  } else if (sa == 0 && sb == 1) {
    const av = v128.load32_splat(a);
    for (; k < n4; k += 4) { const o = <usize>k << 2; v128.store(out + o, opv(op, av, v128.load(b + o))); }
  }
  for (; k < n; k++) {
    store<f32>(out + (<usize>k << 2), ops(op, load<f32>(a + (<usize>(k * sa) << 2)), load<f32>(b + (<usize>(k * sb) << 2))));
  }
}

// The odometer: one run per combination of the outer axes, operand offsets kept in step.
// @ts-ignore: decorator
@inline function walk(op: i32, rank: i32, shape: usize, sa: usize, sb: usize, a: usize, b: usize, out: usize, idx: usize): void {
  const r1 = rank - 1;
  const inner = load<i32>(shape + (<usize>r1 << 2));
  const isa = load<i32>(sa + (<usize>r1 << 2)), isb = load<i32>(sb + (<usize>r1 << 2));
  let total = 1;
  for (let d = 0; d < rank; d++) total *= load<i32>(shape + (<usize>d << 2));
  if (total == 0) return;
  for (let d = 0; d < r1; d++) store<i32>(idx + (<usize>d << 2), 0);
  let ia = 0, ib = 0;
  for (let io = 0; io < total; io += inner) {
    if ((isa == 0 || isa == 1) && (isb == 0 || isb == 1)) {
      run(op, inner, a + (<usize>ia << 2), isa, b + (<usize>ib << 2), isb, out + (<usize>io << 2));
    } else {
      for (let k = 0; k < inner; k++) {
        store<f32>(out + (<usize>(io + k) << 2), ops(op, load<f32>(a + (<usize>(ia + k * isa) << 2)), load<f32>(b + (<usize>(ib + k * isb) << 2))));
      }
    }
    for (let d = r1 - 1; d >= 0; d--) {
      const dp = <usize>d << 2;
      const i = load<i32>(idx + dp) + 1;
      const sad = load<i32>(sa + dp), sbd = load<i32>(sb + dp);
      ia += sad; ib += sbd;
      if (i < load<i32>(shape + dp)) { store<i32>(idx + dp, i); break; }
      const n = load<i32>(shape + dp);
      ia -= sad * n; ib -= sbd * n;
      store<i32>(idx + dp, 0);
    }
  }
}

/**
 * out = a op b over `shape` (rank ≥ 1, out contiguous) with a and b read through strides sa, sb
 * (0 along broadcast axes). op: 0 add, 1 sub, 2 mul, 3 div, 4 maximum, 5 minimum. idx: rank i32s of
 * scratch. out may be a or b where that operand is not broadcast.
 */
export function binaryStrided(op: i32, rank: i32, shape: usize, sa: usize, sb: usize, a: usize, b: usize, out: usize, idx: usize): void {
  if (op == ADD) walk(ADD, rank, shape, sa, sb, a, b, out, idx);
  else if (op == SUB) walk(SUB, rank, shape, sa, sb, a, b, out, idx);
  else if (op == MUL) walk(MUL, rank, shape, sa, sb, a, b, out, idx);
  else if (op == DIV) walk(DIV, rank, shape, sa, sb, a, b, out, idx);
  else if (op == MAX) walk(MAX, rank, shape, sa, sb, a, b, out, idx);
  else walk(MIN, rank, shape, sa, sb, a, b, out, idx);
}

/**
 * out (+)= x summed over the axes it broadcasts along: x is contiguous over `shape`, and element
 * x[i…] lands in out at the strides `so` (0 along reduced axes). out must hold zeros (or what is
 * to be added to) on entry. idx: rank i32s of scratch.
 */
export function sumToStrided(rank: i32, shape: usize, so: usize, x: usize, out: usize, idx: usize): void {
  const r1 = rank - 1;
  const inner = load<i32>(shape + (<usize>r1 << 2));
  const iso = load<i32>(so + (<usize>r1 << 2));
  let total = 1;
  for (let d = 0; d < rank; d++) total *= load<i32>(shape + (<usize>d << 2));
  if (total == 0) return;
  for (let d = 0; d < r1; d++) store<i32>(idx + (<usize>d << 2), 0);
  const n4 = inner & ~3;
  let io = 0;
  for (let ix = 0; ix < total; ix += inner) {
    const xs = x + (<usize>ix << 2), os = out + (<usize>io << 2);
    let k = 0;
    if (iso == 0) {
      let acc = f32x4.splat(0);
      for (; k < n4; k += 4) acc = f32x4.add(acc, v128.load(xs + (<usize>k << 2)));
      let s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
      for (; k < inner; k++) s += load<f32>(xs + (<usize>k << 2));
      store<f32>(os, load<f32>(os) + s);
    } else if (iso == 1) {
      for (; k < n4; k += 4) { const o = <usize>k << 2; v128.store(os + o, f32x4.add(v128.load(os + o), v128.load(xs + o))); }
      for (; k < inner; k++) { const o = <usize>k << 2; store<f32>(os + o, load<f32>(os + o) + load<f32>(xs + o)); }
    } else {
      for (; k < inner; k++) { const o = os + (<usize>(k * iso) << 2); store<f32>(o, load<f32>(o) + load<f32>(xs + (<usize>k << 2))); }
    }
    for (let d = r1 - 1; d >= 0; d--) {
      const dp = <usize>d << 2;
      const i = load<i32>(idx + dp) + 1;
      const sd = load<i32>(so + dp);
      io += sd;
      if (i < load<i32>(shape + dp)) { store<i32>(idx + dp, i); break; }
      io -= sd * load<i32>(shape + dp);
      store<i32>(idx + dp, 0);
    }
  }
}

/**
 * out = x permuted: out is contiguous over `outShape`, and reads x at the strides `st` (x's stride of
 * the axis that became each output axis). idx: rank i32s of scratch.
 */
export function permuteStrided(rank: i32, outShape: usize, st: usize, x: usize, out: usize, idx: usize): void {
  const r1 = rank - 1;
  const inner = load<i32>(outShape + (<usize>r1 << 2));
  const sInner = load<i32>(st + (<usize>r1 << 2));
  let total = 1;
  for (let d = 0; d < rank; d++) total *= load<i32>(outShape + (<usize>d << 2));
  if (total == 0) return;
  for (let d = 0; d < r1; d++) store<i32>(idx + (<usize>d << 2), 0);
  let ix = 0;
  for (let io = 0; io < total; io += inner) {
    const os = out + (<usize>io << 2);
    if (sInner == 1) memory.copy(os, x + (<usize>ix << 2), <usize>inner << 2);
    else for (let k = 0; k < inner; k++) store<f32>(os + (<usize>k << 2), load<f32>(x + (<usize>(ix + k * sInner) << 2)));
    for (let d = r1 - 1; d >= 0; d--) {
      const dp = <usize>d << 2;
      const i = load<i32>(idx + dp) + 1;
      const sd = load<i32>(st + dp);
      ix += sd;
      if (i < load<i32>(outShape + dp)) { store<i32>(idx + dp, i); break; }
      ix -= sd * load<i32>(outShape + dp);
      store<i32>(idx + dp, 0);
    }
  }
}
