// Row-wise kernels: column sums (the bias gradients of the fused ops) and softmax / log-softmax of
// each row (cross-entropy), on f32 at byte addresses. Same contracts as the TypeScript reference
// (src/nn/fused/fused_common.ts columnSums, src/backend/ref/reduce.ts softmaxRows).

import { expv } from './vmath';

/** dst[j] = Σ_r src[r, j] for src [rows, n]. */
export function colSums(rows: i32, n: i32, src: usize, dst: usize): void {
  const n4 = n & ~3;
  const line = <usize>n << 2;
  memory.fill(dst, 0, line);
  for (let r = 0; r < rows; r++) {
    const s = src + <usize>r * line;
    let j = 0;
    for (; j < n4; j += 4) {
      const o = <usize>j << 2;
      v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(s + o)));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      store<f32>(dst + o, load<f32>(dst + o) + load<f32>(s + o));
    }
  }
}

/** dst[j] = Σ_r src[r·ld + j] for j < n: the column sums of n columns of a [rows, ld] matrix. */
export function colSumsRange(rows: i32, n: i32, ld: i32, src: usize, dst: usize): void {
  const n4 = n & ~3;
  const line = <usize>ld << 2;
  memory.fill(dst, 0, <usize>n << 2);
  for (let r = 0; r < rows; r++) {
    const s = src + <usize>r * line;
    let j = 0;
    for (; j < n4; j += 4) {
      const o = <usize>j << 2;
      v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(s + o)));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      store<f32>(dst + o, load<f32>(dst + o) + load<f32>(s + o));
    }
  }
}

/** out[r, :] = softmax(x[r, :]), or log-softmax when `log`, for x [rows, n]. */
export function softmaxRows(rows: i32, n: i32, x: usize, out: usize, log: bool): void {
  const n4 = n & ~3;
  const line = <usize>n << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * line, yr = out + <usize>r * line;
    // row maximum, four lanes at a time (f32x4.max, like max, lets a NaN through)
    let mv = f32x4.splat(-Infinity);
    let j = 0;
    for (; j < n4; j += 4) mv = f32x4.max(mv, v128.load(xr + (<usize>j << 2)));
    let m: f32 = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
    for (; j < n; j++) m = max(m, load<f32>(xr + (<usize>j << 2)));
    mv = f32x4.splat(m);
    let sv = f32x4.splat(0), sw = f32x4.splat(0);
    const n8 = n & ~7;
    j = 0;
    // exp(x − m), summed four lanes at a time (and kept in out for the softmax); two vectors per
    // trip with two sums, so that one exp's polynomial latency overlaps the other's
    for (; j < n8; j += 8) {
      const o = <usize>j << 2;
      const ea = expv(f32x4.sub(v128.load(xr + o), mv)), eb = expv(f32x4.sub(v128.load(xr + o + 16), mv));
      if (!log) { v128.store(yr + o, ea); v128.store(yr + o + 16, eb); }
      sv = f32x4.add(sv, ea);
      sw = f32x4.add(sw, eb);
    }
    sv = f32x4.add(sv, sw);
    for (; j < n4; j += 4) {
      const o = <usize>j << 2;
      const ev = expv(f32x4.sub(v128.load(xr + o), mv));
      if (!log) v128.store(yr + o, ev);
      sv = f32x4.add(sv, ev);
    }
    let s: f32 = f32x4.extract_lane(sv, 0) + f32x4.extract_lane(sv, 1) + f32x4.extract_lane(sv, 2) + f32x4.extract_lane(sv, 3);
    for (; j < n; j++) {
      const o = <usize>j << 2;
      const ev = f32x4.extract_lane(expv(f32x4.splat(load<f32>(xr + o) - m)), 0);
      if (!log) store<f32>(yr + o, ev);
      s += ev;
    }
    if (log) {
      // (x − m) − log s, not x − (m + log s): m + log s would round to the ulp of m (large logits)
      const ls: f32 = Mathf.log(s);
      const lv = f32x4.splat(ls);
      let k = 0;
      for (; k < n4; k += 4) {
        const o = <usize>k << 2;
        v128.store(yr + o, f32x4.sub(f32x4.sub(v128.load(xr + o), mv), lv));
      }
      for (; k < n; k++) store<f32>(yr + (<usize>k << 2), (load<f32>(xr + (<usize>k << 2)) - m) - ls);
    } else {
      const iv = f32x4.splat(<f32>1 / s);
      let k = 0;
      for (; k < n4; k += 4) {
        const o = <usize>k << 2;
        v128.store(yr + o, f32x4.mul(v128.load(yr + o), iv));
      }
      const inv: f32 = 1 / s;
      for (; k < n; k++) store<f32>(yr + (<usize>k << 2), load<f32>(yr + (<usize>k << 2)) * inv);
    }
  }
}
