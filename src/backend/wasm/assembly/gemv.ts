// Matrix-vector products over a weight kept packed for them: y (+)= W·x with W [N, K] row-major,
// the batch-1 step of sampling, where each weight is read once per character. Packing puts six rows'
// four consecutive k side by side (panel j of 6 rows: [K4/4][6][4] floats, K4 = K rounded up to 4,
// rows and k past the edge zero), so one pointer walks one contiguous stream with the six loads of a
// step at fixed offsets. Why six (measured 2026-12-04, Zen 3, Node 20): each row's sum is one chain of
// multiply-adds, and sgemm's M = 1 path (rowTimesBt: four rows in place, an address add per load)
// leaves the FMA latency exposed at about 21–25 GF/s; eight packed rows spill (TurboFan issues a
// step's loads before its multiply-adds: 8 sums + 8 loaded vectors + x exceed its 15 registers) and
// ran no faster; six fit in 13 and ran 1.2–1.6× sgemm's M = 1 (27–34 GF/s; 1024 × 512 in L2: 1.23–1.35×);
// seven were no better; six rows in place, without the packing, were no faster than four.
// Each row's summation order (one f32x4 sum along k, then its lanes) is sgemm's at M = 1 over the
// same W (rowTimesBt in ./row_products.ts) for the rows it takes four at a time (all when 4 divides N), so
// there the two give the same bits.

import { roundUp, stepProduct } from './sgemm';
import { addTail, laneSums } from './row_products';
import { madd } from './vmath';

const ROWS: usize = 6;

/** Bytes of W [N, K] packed by packRows. */
export function packedRowsBytes(N: usize, K: usize): f64 {
  return f64(roundUp(N, ROWS) * roundUp(K, 4) * 4);
}

/** Packs W [N, K] (row stride ldw floats) at w into dst for gemvPacked. */
export function packRows(N: usize, K: usize, w: usize, ldw: usize, dst: usize): void {
  const K4 = roundUp(K, 4);
  for (let j: usize = 0; j < N; j += ROWS) {
    const panel = dst + ((j * K4) << 2);
    for (let r: usize = 0; r < ROWS; r++) {
      const row = w + (((j + r) * ldw) << 2);
      for (let k: usize = 0; k < K4; k++) {
        const v: f32 = j + r < N && k < K ? load<f32>(row + (k << 2)) : 0;
        store<f32>(panel + ((((k >> 2) * ROWS + r) * 4 + (k & 3)) << 2), v);
      }
    }
  }
}

/** y[j] (+)= Σ_k W[j, k]·x[k] for j < N, W packed by packRows (x: K floats, y: N floats). */
export function gemvPacked(N: usize, K: usize, x: usize, pw: usize, y: usize, add: bool): void {
  const k4 = K & ~3;
  let p = pw;
  for (let j: usize = 0; j < N; j += ROWS) {
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    let s4 = f32x4.splat(0), s5 = f32x4.splat(0);
    for (let k: usize = 0; k < k4; k += 4, p += ROWS * 16) {
      const xv = v128.load(x + (k << 2));
      s0 = madd(xv, v128.load(p), s0);
      s1 = madd(xv, v128.load(p, 16), s1);
      s2 = madd(xv, v128.load(p, 32), s2);
      s3 = madd(xv, v128.load(p, 48), s3);
      s4 = madd(xv, v128.load(p, 64), s4);
      s5 = madd(xv, v128.load(p, 80), s5);
    }
    let lo = laneSums(s0, s1, s2, s3), hi = laneSums(s4, s5, s4, s5);
    if (k4 < K) {
      // the last k (fewer than four), one at a time: x past K is never read; row r's are at p + 16·r
      lo = addTail(lo, x, k4, K, p, p + 16, p + 32, p + 48);
      hi = addTail(hi, x, k4, K, p + 64, p + 80, p + 64, p + 80); // lanes 2, 3 repeat rows 4, 5, not stored
      p += ROWS * 16;
    }
    const q = y + (j << 2);
    if (j + ROWS <= N) {
      v128.store(q, add ? f32x4.add(v128.load(q), lo) : lo);
      v128.store64_lane(q, add ? f32x4.add(v128.load64_zero(q + 16), hi) : hi, 0, 16);
    } else {
      for (let r: usize = 0; j + r < N; r++) {
        const v = r < 4 ? laneOf(lo, r) : laneOf(hi, r - 4);
        const at = q + (r << 2);
        store<f32>(at, add ? load<f32>(at) + v : v);
      }
    }
  }
}

// @ts-ignore: decorator
@inline function laneOf(v: v128, r: usize): f32 {
  if (r == 0) return f32x4.extract_lane(v, 0);
  if (r == 1) return f32x4.extract_lane(v, 1);
  if (r == 2) return f32x4.extract_lane(v, 2);
  return f32x4.extract_lane(v, 3);
}

/**
 * One time step's C (+)= A[M, K]·Wᵀ in a forward loop (W [N, K], the recurrent weight): with one row
 * and pw set, gemvPacked over W as packRows left it (the caller's copy, kept across calls: see
 * src/backend/wasm/packed_weights.ts); otherwise stepProduct over W as packStepWeight left it, which
 * leaves pw untouched below four rows. The same bits either way when 4 divides N.
 */
export function forwardStep(M: usize, N: usize, K: usize, a: usize, w: usize, pw: usize, c: usize, accumulate: bool, work: usize): void {
  if (M == 1 && pw != 0) gemvPacked(N, K, a, pw, c, accumulate);
  else stepProduct(M, true, N, K, a, w, pw, c, accumulate, work);
}
