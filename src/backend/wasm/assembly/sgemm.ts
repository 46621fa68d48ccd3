// Single-precision matrix multiply for WebAssembly SIMD, written in AssemblyScript (compiled by
// scripts/build-wasm.mjs into ../kernels_{plain,relaxed}_wasm.ts; this folder is not part of the TypeScript build).
//
// C[M,N] = (accumulate ? C : 0) + op(A)[M,K] · op(B)[K,N], all operands row-major in linear memory.
// The blocking is GotoBLAS's: for each depth block of KC, the KC×N slice of op(B) is packed into
// panels of NR columns and each MC×KC block of op(A) into panels of MR rows, so that the micro-kernel
// reads both operands contiguously. The micro-kernel keeps an MR×NR = 6×8 tile of C in twelve f32x4
// registers, broadcasting one element of A against two vectors of B per step along K; a block's last
// rows go through a 4×8 kernel (see panelRows). Why 6×8 (measured 2026-12-05 on Zen 3 in Node 20,
// V8's TurboFan on x64, which keeps one of the sixteen xmm registers as scratch): with two FMA pipes
// of 4 cycles' latency, at least 8 independent accumulators keep both busy; 4×8 has exactly 8, so any
// hiccup stalls it, and it spends 6 loads and 6 other instructions on 8 multiply-adds a step. 6×8
// needs 12 + 2 + 1 = 15 registers when each broadcast of A is used before the next is loaded, which
// TurboFan does as long as C is read before the loop (see tile). The loop runs a pointer to its
// end instead of a counter, an instruction less a step. bench/kernel_peak.mjs (M = 16, cut 6 + 6 + 4):
// 93% of the two pipes' peak, against 84% for the earlier 4×8 kernel; whole products of the LSTM and
// GRU training shapes took 0.85–0.94 of the time on one thread.
// Packing pads
// ragged panels with zeros; tiles that overhang C's edge go through a scratch tile and only their
// valid part is written. With fewer than MIN_ROWS rows (sampling: M = 1) packing would mostly be padding, so
// each row is a vector-matrix product over B in place instead (./row_products.ts). The plain build multiplies then adds in
// f32 (in 4×8 tiles only: panelRows); the relaxed build fuses the two (madd: one rounding where the hardware has FMA, so its results
// may differ from the plain build's in the last bit). Either way only the rounding and the summation
// order differ from the reference, so results agree to float32 rounding. packB + sgemmPackedB split
// the packing of op(B) from the product, so a B used many times (a recurrent weight, once per time
// step) is packed once.

import { rows } from './row_products';
import { madd } from './vmath';

const MR: usize = 6;   // rows of C per micro-kernel call (4 in a block's last panels: panelRows)
const NR: usize = 8;   // columns of C per micro-kernel call (two f32x4)
const MIN_ROWS: usize = 4; // fewer rows than this go through row products (./row_products.ts) instead
const KC: usize = 512; // depth of one packed block: a KC×NR panel of B (16 KiB) stays in L1
const MC: usize = 128; // rows of A per packed block: an MC×KC block (256 KiB) stays in L2
const TILE_BYTES: usize = MR * NR * 4;

/** First byte of linear memory past the compiler's static data: callers place operands from here. */
export function heapBase(): usize {
  return __heap_base;
}

/** Bytes of workspace sgemm needs for these sizes (scratch tile + packed A block + packed B slice). */
export function workspaceBytes(M: usize, N: usize, K: usize): f64 {
  const kc = <f64>min(K, KC);
  return <f64>TILE_BYTES + (<f64>packedARows(M) * kc + <f64>roundUp(N, NR) * kc + <f64>K) * 4;
}

// Rows of one packed block of op(A): the last panel may be padded by up to 3 rows (panelRows).
// @ts-ignore: decorator
@inline function packedARows(M: usize): usize {
  return min(M, MC) + 3;
}

// Rows of the packed panel that starts with rem rows of the block left: 6, except where a 6 would
// leave 1 to 3 rows (or 2 + 2) for a padded last panel, there 4 (8 = 4 + 4, 7 = 4 + 3, ≤ 4 = one padded 4).
// So a panel is padded only at the block's end, by at most 3 rows, and a batch of 16 rows a thread is
// 6 + 6 + 4 (6 + 5 + 5, with a 5-row tile, measured the same: 0.98–1.02 of the time per product).
// The plain build keeps to 4: its multiply then add needs a register for each product, and 6×8 then
// spills (1.14–1.24× the time of 4×8 in the whole gemm).
// @ts-ignore: decorator
@inline function panelRows(rem: usize): usize {
  if (!ASC_FEATURE_RELAXED_SIMD) return 4;
  return rem >= 9 || rem == 5 || rem == 6 ? 6 : 4;
}

/**
 * C (+)= op(A) · op(B). a, b, c are byte addresses of A ([M,K], or [K,M] when transA), B ([K,N], or
 * [N,K] when transB) and C ([M,N]); work is workspaceBytes(M, N, K) bytes of scratch.
 */
export function sgemm(
  transA: bool, transB: bool, M: usize, N: usize, K: usize,
  a: usize, b: usize, c: usize, accumulate: bool, work: usize,
): void {
  sgemmLd(transA, transB, M, N, K, a, transA ? M : K, b, transB ? K : N, c, N, accumulate, work);
}

/**
 * sgemm on sub-matrices: A, B and C have lda, ldb, ldc floats between the starts of their stored
 * rows, so that a thread can take any block of rows or columns of C in place. Each element of C is
 * computed the same way whatever the block, so results do not depend on how C is cut.
 */
export function sgemmLd(
  transA: bool, transB: bool, M: usize, N: usize, K: usize,
  a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize, accumulate: bool, work: usize,
): void {
  if (M == 0 || N == 0) return;
  if (K == 0) {
    if (!accumulate) for (let i: usize = 0; i < M; i++) memory.fill(c + ((i * ldc) << 2), 0, N << 2);
    return;
  }
  if (M < MIN_ROWS) {
    rows(transA, transB, M, N, K, a, lda, b, ldb, c, ldc, accumulate, work);
    return;
  }
  const packB = work + TILE_BYTES + ((packedARows(M) * min(K, KC)) << 2);
  for (let pc: usize = 0; pc < K; pc += KC) {
    const kc = min(KC, K - pc);
    packBBlock(transB, N, ldb, pc, kc, b, packB);
    block(transA, M, N, lda, pc, kc, a, packB, c, ldc, accumulate || pc > 0, work);
  }
}

/** Bytes of op(B) [K, N] packed by packB: every depth block's panels, K·roundUp(N, 8) floats. */
export function packedBBytes(N: usize, K: usize): f64 {
  return <f64>(K * roundUp(N, NR)) * 4;
}

/**
 * Packs op(B) [K, N] (B stored [K, N], or [N, K] when transB) once into dst (packedBBytes), for
 * products that reuse the same B many times (a recurrent weight, once per step): see sgemmPackedB.
 */
export function packB(transB: bool, N: usize, K: usize, b: usize, dst: usize): void {
  const np = roundUp(N, NR);
  for (let pc: usize = 0; pc < K; pc += KC) packBBlock(transB, N, transB ? K : N, pc, min(KC, K - pc), b, dst + ((pc * np) << 2));
}

/**
 * C (+)= op(A) · op(B) with op(B) already packed by packB (M >= MIN_ROWS = 4; smaller M goes through sgemm).
 * work: workspaceBytes(M, N, K).
 */
export function sgemmPackedB(transA: bool, M: usize, N: usize, K: usize, a: usize, pb: usize, c: usize, accumulate: bool, work: usize): void {
  if (M == 0 || N == 0) return;
  if (K == 0) {
    if (!accumulate) memory.fill(c, 0, (M * N) << 2);
    return;
  }
  const np = roundUp(N, NR);
  for (let pc: usize = 0; pc < K; pc += KC) {
    block(transA, M, N, transA ? M : K, pc, min(KC, K - pc), a, pb + ((pc * np) << 2), c, N, accumulate || pc > 0, work);
  }
}

/**
 * A weight used once per time step (W_hh in the recurrent loops) with steps of M rows of A: packs
 * op(B) into pb when a step has at least MIN_ROWS rows. With fewer (batch-1 sampling and decoding) a step
 * would be mostly padding in the 4-row micro-tile, and packing alone reads and writes the weight once
 * more than a step's product does, so the products read it where it lies (sgemm's M < MIN_ROWS path).
 * Pair with stepProduct, given the same M.
 */
export function packStepWeight(M: usize, transB: bool, N: usize, K: usize, b: usize, pb: usize): void {
  if (M >= MIN_ROWS) packB(transB, N, K, b, pb);
}

/** One time step's C (+)= A[M, K] · op(B), over the weight b as packStepWeight left it (pb). */
export function stepProduct(M: usize, transB: bool, N: usize, K: usize, a: usize, b: usize, pb: usize, c: usize, accumulate: bool, work: usize): void {
  if (M >= MIN_ROWS) sgemmPackedB(false, M, N, K, a, pb, c, accumulate, work);
  else sgemm(false, transB, M, N, K, a, b, c, accumulate, work);
}

// op(B)[pc.., j..] panels of one depth block into packB: element (k, j) is B[k*ldb + j], or B[j*ldb + k] when transB.
function packBBlock(transB: bool, N: usize, ldb: usize, pc: usize, kc: usize, b: usize, packB: usize): void {
  if (!transB) {
    packPanels(packB, b + ((pc * ldb) << 2), ldb, N, kc);
    return;
  }
  for (let j: usize = 0; j < N; j += NR) {
    packStrided(packB + ((j * kc) << 2), b + ((j * ldb + pc) << 2), ldb, NR, min(NR, N - j), kc);
  }
}

// One depth block [pc, pc + kc) of C (+)= op(A) · op(B), op(B)'s block packed at packB.
function block(
  transA: bool, M: usize, N: usize, lda: usize, pc: usize, kc: usize, a: usize, packB: usize, c: usize, ldc: usize, add: bool, work: usize,
): void {
  const scratch = work;
  const packA = work + TILE_BYTES;
  for (let ic: usize = 0; ic < M; ic += MC) {
    const mc = min(MC, M - ic);
    // op(A)[ic.., pc..] in panels of panelRows rows: element (i, k) is A[i*lda + k], or A[k*lda + i] when transA.
    if (transA) packLines(packA, a + ((pc * lda + ic) << 2), lda, mc, kc);
    else {
      for (let i: usize = 0; i < mc;) {
        const w = panelRows(mc - i);
        packStrided(packA + ((i * kc) << 2), a + (((ic + i) * lda + pc) << 2), lda, w, min(w, mc - i), kc);
        i += w;
      }
    }
    for (let j: usize = 0; j < N; j += NR) {
      const nr = min(NR, N - j);
      const pb = packB + ((j * kc) << 2);
      for (let i: usize = 0; i < mc;) {
        const w = panelRows(mc - i);
        const mr = min(w, mc - i);
        const pa = packA + ((i * kc) << 2);
        const cp = c + (((ic + i) * ldc + j) << 2);
        if (mr == w && nr == NR) {
          kernel(w, kc, pa, pb, cp, ldc, add);
        } else {
          // A tile past C's edge (a padded panel, or the last columns) runs in the scratch tile, from
          // C's values as a whole tile does, so that each element is C + Σ_k in the same order
          // whatever tile it falls in: where a thread's rows end decides which rows are padded.
          for (let r: usize = 0; r < w; r++) {
            for (let s: usize = 0; s < NR; s++) {
              store<f32>(scratch + ((r * NR + s) << 2), add && r < mr && s < nr ? load<f32>(cp + ((r * ldc + s) << 2)) : 0);
            }
          }
          kernel(w, kc, pa, pb, scratch, NR, add);
          for (let r: usize = 0; r < mr; r++) {
            for (let s: usize = 0; s < nr; s++) store<f32>(cp + ((r * ldc + s) << 2), load<f32>(scratch + ((r * NR + s) << 2)));
          }
        }
        i += w;
      }
    }
  }
}

// The R×8 tile at c (row stride ldc floats) (+)= packed A panel [kc][R] · packed B panel [kc][8], R = 4
// or 6 (a constant at each use, so each kernel below compiles to its own straight loop). With add the
// tile starts from C's values instead of zeros: adding C after the loop kept all the accumulators and
// C's rows live together past it, and TurboFan then issued every load of a step before its
// multiply-adds and spilled accumulators to the stack (6×8: 20 GFLOP/s against 49).
// @ts-ignore: decorator
@inline function tile(R: i32, kc: usize, pa: usize, pb: usize, c: usize, ldc: usize, add: bool): void {
  const row = ldc << 2;
  const c1 = c + row, c2 = c1 + row, c3 = c2 + row, c4 = c3 + row, c5 = c4 + row;
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0);
  let a10 = f32x4.splat(0), a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0), a21 = f32x4.splat(0);
  let a30 = f32x4.splat(0), a31 = f32x4.splat(0);
  let a40 = f32x4.splat(0), a41 = f32x4.splat(0);
  let a50 = f32x4.splat(0), a51 = f32x4.splat(0);
  if (add) {
    a00 = v128.load(c); a01 = v128.load(c, 16);
    a10 = v128.load(c1); a11 = v128.load(c1, 16);
    a20 = v128.load(c2); a21 = v128.load(c2, 16);
    a30 = v128.load(c3); a31 = v128.load(c3, 16);
    if (R > 4) {
      a40 = v128.load(c4); a41 = v128.load(c4, 16);
      a50 = v128.load(c5); a51 = v128.load(c5, 16);
    }
  }
  const end = pb + (kc << 5);
  while (pb < end) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    a00 = madd(x, b0, a00); a01 = madd(x, b1, a01);
    x = v128.load32_splat(pa, 4);
    a10 = madd(x, b0, a10); a11 = madd(x, b1, a11);
    x = v128.load32_splat(pa, 8);
    a20 = madd(x, b0, a20); a21 = madd(x, b1, a21);
    x = v128.load32_splat(pa, 12);
    a30 = madd(x, b0, a30); a31 = madd(x, b1, a31);
    if (R > 4) {
      x = v128.load32_splat(pa, 16);
      a40 = madd(x, b0, a40); a41 = madd(x, b1, a41);
      x = v128.load32_splat(pa, 20);
      a50 = madd(x, b0, a50); a51 = madd(x, b1, a51);
    }
    pa += <usize>R << 2; pb += 32;
  }
  v128.store(c, a00); v128.store(c, a01, 16);
  v128.store(c1, a10); v128.store(c1, a11, 16);
  v128.store(c2, a20); v128.store(c2, a21, 16);
  v128.store(c3, a30); v128.store(c3, a31, 16);
  if (R > 4) {
    v128.store(c4, a40); v128.store(c4, a41, 16);
    v128.store(c5, a50); v128.store(c5, a51, 16);
  }
}

function kernel6(kc: usize, pa: usize, pb: usize, c: usize, ldc: usize, add: bool): void { tile(6, kc, pa, pb, c, ldc, add); }
function kernel4(kc: usize, pa: usize, pb: usize, c: usize, ldc: usize, add: bool): void { tile(4, kc, pa, pb, c, ldc, add); }

// The tile of a panel of w rows (panelRows) at c.
// @ts-ignore: decorator
@inline function kernel(w: usize, kc: usize, pa: usize, pb: usize, c: usize, ldc: usize, add: bool): void {
  if (w == 6) kernel6(kc, pa, pb, c, ldc, add);
  else kernel4(kc, pa, pb, c, ldc, add);
}

// op(B)'s panels of NR = 8 columns, of n columns whose lines lie along them: panel p at
// dst + p·kc·8 floats holds element (k, r) = src[k*ld + p*8 + r] (k < kc), zeros past column n.
// The full panels are filled a 64-byte line at a time (two lines of src per line of a panel), all
// panels per pair of lines, so each line of src is read once while it is in cache; one panel after
// another would read src at a stride of ld floats and, when ld·4 is a multiple of 4 KiB, evict
// every line from L1 before its next 8 floats are wanted.
function packPanels(dst: usize, src: usize, ld: usize, n: usize, kc: usize): void {
  const full = n / NR;
  const step = ld << 2, panel = (kc * NR) << 2;
  let k: usize = 0;
  for (; k + 2 <= kc; k += 2) {
    let s = src + k * step, d = dst + (k << 5);
    for (let p: usize = 0; p < full; p++, s += 32, d += panel) {
      v128.store(d, v128.load(s)); v128.store(d, v128.load(s, 16), 16);
      v128.store(d, v128.load(s + step), 32); v128.store(d, v128.load(s + step, 16), 48);
    }
  }
  // A line left over (kc odd).
  if (k < kc) {
    for (let p: usize = 0; p < full; p++) packContiguous(dst + p * panel + ((k * NR) << 2), src + k * step + ((p * NR) << 2), ld, NR, kc - k);
  }
  if (full * NR < n) packContiguous(dst + full * panel, src + ((full * NR) << 2), ld, n - full * NR, kc);
}

// dst[k*8 + r] = src[k*ld + r] for r < valid, 0 for valid <= r < 8 (k < kc): one panel of op(B), lines already along it.
function packContiguous(dst: usize, src: usize, ld: usize, valid: usize, kc: usize): void {
  const step = ld << 2;
  if (valid == NR) {
    for (let k: usize = 0; k < kc; k++, src += step, dst += 32) {
      v128.store(dst, v128.load(src)); v128.store(dst, v128.load(src, 16), 16);
    }
    return;
  }
  for (let k: usize = 0; k < kc; k++, src += step, dst += NR << 2) {
    for (let r: usize = 0; r < NR; r++) store<f32>(dst + (r << 2), r < valid ? load<f32>(src + (r << 2)) : 0);
  }
}

// dst[k*w + r] = src[r*ld + k] for r < valid, 0 for valid <= r < w (k < kc): lines along k, so this
// transposes, four lines (then, for w = 6, the last two) by four k at a time with lane shuffles.
function packStrided(dst: usize, src: usize, ld: usize, w: usize, valid: usize, kc: usize): void {
  const line = ld << 2;
  const wb = w << 2;
  let k: usize = 0;
  if (valid == w) {
    for (; k + 4 <= kc; k += 4) {
      let g: usize = 0;
      for (; g + 4 <= w; g += 4) {
        const s = src + g * line + (k << 2);
        const r0 = v128.load(s), r1 = v128.load(s + line), r2 = v128.load(s + 2 * line), r3 = v128.load(s + 3 * line);
        const lo01 = i32x4.shuffle(r0, r1, 0, 4, 1, 5), lo23 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
        const hi01 = i32x4.shuffle(r0, r1, 2, 6, 3, 7), hi23 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
        const d = dst + k * wb + (g << 2);
        v128.store(d, i32x4.shuffle(lo01, lo23, 0, 1, 4, 5));
        v128.store(d + wb, i32x4.shuffle(lo01, lo23, 2, 3, 6, 7));
        v128.store(d + 2 * wb, i32x4.shuffle(hi01, hi23, 0, 1, 4, 5));
        v128.store(d + 3 * wb, i32x4.shuffle(hi01, hi23, 2, 3, 6, 7));
      }
      if (g + 2 == w) {
        const s = src + g * line + (k << 2);
        const r0 = v128.load(s), r1 = v128.load(s + line);
        const lo = i32x4.shuffle(r0, r1, 0, 4, 1, 5), hi = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
        const d = dst + k * wb + (g << 2);
        v128.store64_lane(d, lo, 0); v128.store64_lane(d + wb, lo, 1);
        v128.store64_lane(d + 2 * wb, hi, 0); v128.store64_lane(d + 3 * wb, hi, 1);
      }
    }
  }
  for (; k < kc; k++) {
    for (let r: usize = 0; r < w; r++) {
      store<f32>(dst + k * wb + (r << 2), r < valid ? load<f32>(src + r * line + (k << 2)) : 0);
    }
  }
}

// op(A)'s panels (panelRows rows each) of one block when A's lines run along the block's mc rows
// (transA): panel i holds element (k, r) = src[k*ld + i + r], zeros past row mc. Four lines at a time
// across all panels, so that each line of src is read once while it is in cache (see packPanels).
function packLines(dst: usize, src: usize, ld: usize, mc: usize, kc: usize): void {
  const step = ld << 2;
  for (let k: usize = 0; k < kc; k += 4) {
    const kn = min(4, kc - k);
    for (let i: usize = 0; i < mc;) {
      const w = panelRows(mc - i);
      const valid = min(w, mc - i);
      let s = src + k * step + (i << 2), d = dst + ((i * kc + k * w) << 2);
      if (valid == 6) {
        for (let l: usize = 0; l < kn; l++, s += step, d += 24) {
          v128.store(d, v128.load(s)); store<u64>(d, load<u64>(s, 16), 16);
        }
      } else if (valid == 4) {
        for (let l: usize = 0; l < kn; l++, s += step, d += 16) v128.store(d, v128.load(s));
      } else {
        for (let l: usize = 0; l < kn; l++, s += step, d += w << 2) {
          for (let r: usize = 0; r < w; r++) store<f32>(d + (r << 2), r < valid ? load<f32>(s + (r << 2)) : 0);
        }
      }
      i += w;
    }
  }
}

// @ts-ignore: decorator
@inline export function roundUp(x: usize, m: usize): usize {
  return (x + m - 1) / m * m;
}
