// Products of single rows over a matrix read where it lies: y (+)= x·B or x·Bᵀ for one row x at a
// time, the path sgemm takes below MIN_ROWS = 4 rows (sampling and decoding at batch 1), where packing a
// 4-row micro-tile would mostly be padding. Also the lane sums and ragged-k tails that gemvPacked
// (./gemv.ts) shares, so that an M = 1 product gives the same bits whichever of the two runs it.

import { madd } from './vmath';

// C (+)= op(A) · op(B) one row at a time, for M < MIN_ROWS, where a packed micro-tile would be mostly padding
// (sampling runs with M = 1): each row is a vector-matrix product reading B where it lies.
export function rows(
  transA: bool, transB: bool, M: usize, N: usize, K: usize,
  a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize, add: bool, work: usize,
): void {
  for (let i: usize = 0; i < M; i++) {
    let x = a + ((i * lda) << 2); // row i of op(A): contiguous, or column i of A gathered into work
    if (transA) {
      for (let k: usize = 0; k < K; k++) store<f32>(work + (k << 2), load<f32>(a + ((k * lda + i) << 2)));
      x = work;
    }
    const y = c + ((i * ldc) << 2);
    if (transB) rowTimesBt(x, b, ldb, y, N, K, add);
    else rowTimesB(x, b, ldb, y, N, K, add);
  }
}

// y[j] (+)= Σ_k x[k]·B[j*ldb + k]: dot products of x with four rows of B at a time, four k per step.
function rowTimesBt(x: usize, b: usize, ldb: usize, y: usize, N: usize, K: usize, add: bool): void {
  const k4 = K & ~3;
  const line = ldb << 2;
  let j: usize = 0;
  for (; j + 4 <= N; j += 4) {
    const b0 = b + j * line, b1 = b0 + line, b2 = b1 + line, b3 = b2 + line;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    for (let k: usize = 0; k < k4; k += 4) {
      const o = k << 2;
      const xv = v128.load(x + o);
      s0 = madd(xv, v128.load(b0 + o), s0);
      s1 = madd(xv, v128.load(b1 + o), s1);
      s2 = madd(xv, v128.load(b2 + o), s2);
      s3 = madd(xv, v128.load(b3 + o), s3);
    }
    const o4 = k4 << 2;
    const r = addTail(laneSums(s0, s1, s2, s3), x, k4, K, b0 + o4, b1 + o4, b2 + o4, b3 + o4);
    const q = y + (j << 2);
    v128.store(q, add ? f32x4.add(v128.load(q), r) : r);
  }
  for (; j < N; j++) {
    const bj = b + j * line;
    let s: f32 = 0;
    for (let k: usize = 0; k < K; k++) s += load<f32>(x + (k << 2)) * load<f32>(bj + (k << 2));
    const q = y + (j << 2);
    store<f32>(q, add ? load<f32>(q) + s : s);
  }
}

// Lane r = the horizontal sum of s_r, as (s[0] + s[2]) + (s[1] + s[3]): the order of every M = 1
// product here (rowTimesBt, ./gemv.ts), so that they agree bit for bit.
// @ts-ignore: decorator
@inline export function laneSums(s0: v128, s1: v128, s2: v128, s3: v128): v128 {
  const u01 = f32x4.add(i32x4.shuffle(s0, s1, 0, 4, 1, 5), i32x4.shuffle(s0, s1, 2, 6, 3, 7));
  const u23 = f32x4.add(i32x4.shuffle(s2, s3, 0, 4, 1, 5), i32x4.shuffle(s2, s3, 2, 6, 3, 7));
  return f32x4.add(i32x4.shuffle(u01, u23, 0, 1, 4, 5), i32x4.shuffle(u01, u23, 2, 3, 6, 7));
}

// r + the products of x[k] for k in [k4, K) with four rows, one k at a time after the lane sums; a0..a3
// point at each row's element k4, the rest of its k following contiguously.
// @ts-ignore: decorator
@inline export function addTail(r: v128, x: usize, k4: usize, K: usize, a0: usize, a1: usize, a2: usize, a3: usize): v128 {
  for (let k = k4; k < K; k++) {
    const l = (k - k4) << 2;
    let bv = f32x4.splat(load<f32>(a0 + l));
    bv = f32x4.replace_lane(bv, 1, load<f32>(a1 + l));
    bv = f32x4.replace_lane(bv, 2, load<f32>(a2 + l));
    bv = f32x4.replace_lane(bv, 3, load<f32>(a3 + l));
    r = f32x4.add(r, f32x4.mul(v128.load32_splat(x + (k << 2)), bv));
  }
  return r;
}

// y[j] (+)= Σ_k x[k]·B[k*ldb + j]: sixteen columns of y in registers while walking down B, then fours,
// then single columns.
function rowTimesB(x: usize, b: usize, ldb: usize, y: usize, N: usize, K: usize, add: bool): void {
  const line = ldb << 2;
  let j: usize = 0;
  for (; j + 16 <= N; j += 16) {
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    let p = b + (j << 2);
    for (let k: usize = 0; k < K; k++, p += line) {
      const xv = v128.load32_splat(x + (k << 2));
      s0 = madd(xv, v128.load(p), s0);
      s1 = madd(xv, v128.load(p, 16), s1);
      s2 = madd(xv, v128.load(p, 32), s2);
      s3 = madd(xv, v128.load(p, 48), s3);
    }
    const q = y + (j << 2);
    if (add) {
      s0 = f32x4.add(v128.load(q), s0); s1 = f32x4.add(v128.load(q, 16), s1);
      s2 = f32x4.add(v128.load(q, 32), s2); s3 = f32x4.add(v128.load(q, 48), s3);
    }
    v128.store(q, s0); v128.store(q, s1, 16); v128.store(q, s2, 32); v128.store(q, s3, 48);
  }
  for (; j + 4 <= N; j += 4) {
    let s0 = f32x4.splat(0);
    let p = b + (j << 2);
    for (let k: usize = 0; k < K; k++, p += line) s0 = madd(v128.load32_splat(x + (k << 2)), v128.load(p), s0);
    const q = y + (j << 2);
    v128.store(q, add ? f32x4.add(v128.load(q), s0) : s0);
  }
  for (; j < N; j++) {
    let s: f32 = 0;
    let p = b + (j << 2);
    for (let k: usize = 0; k < K; k++, p += line) s += load<f32>(x + (k << 2)) * load<f32>(p);
    const q = y + (j << 2);
    store<f32>(q, add ? load<f32>(q) + s : s);
  }
}

