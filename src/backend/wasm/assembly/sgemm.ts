// Single-precision matrix multiply for WebAssembly SIMD, written in AssemblyScript (compiled by
// scripts/build-wasm.mjs into ../kernels_{plain,relaxed}_wasm.ts; this folder is not part of the TypeScript build).
//
// C[M,N] = (accumulate ? C : 0) + op(A)[M,K] · op(B)[K,N], all operands row-major in linear memory.
// The blocking is GotoBLAS's: for each depth block of KC, the KC×N slice of op(B) is packed into
// panels of NR columns and each MC×KC block of op(A) into panels of MR rows, so that the micro-kernel
// reads both operands contiguously. The micro-kernel keeps an MR×NR = 4×8 tile of C in eight f32x4
// registers, broadcasting one element of A against two vectors of B per step along K. Why 4×8 (measured
// 2026-12-03 on Zen 3 in Node 20, V8's TurboFan on x64, which keeps one of the sixteen xmm registers
// as scratch): TurboFan issues all of a step's loads before its multiply-adds, so the tile's live
// registers are accumulators + B vectors + every broadcast of A. 4×8 needs 8 + 2 + 4 = 14 and runs
// without spills; 6×8 (12 + 2 + 6) and an unroll of k by 2 spilled accumulators to the stack and
// ran 0.5–0.85× as fast in the whole gemm; 4×12 and XNNPACK-style splats of A by lane shuffle over
// 4 k spilled too and were slower alone; one shuffle-splat of a 4-row A vector per k, or KC = 256,
// measured the same as this kernel (bench/kernel_peak.mjs: about 55% of the FMA pipes' peak).
// Packing pads
// ragged panels with zeros; tiles that overhang C's edge go through a scratch tile and only their
// valid part is written. With fewer than MR rows (sampling: M = 1) packing would mostly be padding, so
// each row is a vector-matrix product over B in place instead (./row_products.ts). The plain build multiplies then adds in
// f32; the relaxed build fuses the two (madd: one rounding where the hardware has FMA, so its results
// may differ from the plain build's in the last bit). Either way only the rounding and the summation
// order differ from the reference, so results agree to float32 rounding. packB + sgemmPackedB split
// the packing of op(B) from the product, so a B used many times (a recurrent weight, once per time
// step) is packed once.

import { rows } from './row_products';
import { madd } from './vmath';

const MR: usize = 4;   // rows of C per micro-kernel call
const NR: usize = 8;   // columns of C per micro-kernel call (two f32x4)
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
  const mc = <f64>roundUp(min(M, MC), MR);
  return <f64>TILE_BYTES + (mc * kc + <f64>roundUp(N, NR) * kc + <f64>K) * 4;
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
  if (M < MR) {
    rows(transA, transB, M, N, K, a, lda, b, ldb, c, ldc, accumulate, work);
    return;
  }
  const packB = work + TILE_BYTES + ((roundUp(min(M, MC), MR) * min(K, KC)) << 2);
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
 * C (+)= op(A) · op(B) with op(B) already packed by packB (M >= 4; smaller M goes through sgemm).
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
 * op(B) into pb when a step has at least MR rows. With fewer (batch-1 sampling and decoding) a step
 * would be mostly padding in the 4-row micro-tile, and packing alone reads and writes the weight once
 * more than a step's product does, so the products read it where it lies (sgemm's M < MR path).
 * Pair with stepProduct, given the same M.
 */
export function packStepWeight(M: usize, transB: bool, N: usize, K: usize, b: usize, pb: usize): void {
  if (M >= MR) packB(transB, N, K, b, pb);
}

/** One time step's C (+)= A[M, K] · op(B), over the weight b as packStepWeight left it (pb). */
export function stepProduct(M: usize, transB: bool, N: usize, K: usize, a: usize, b: usize, pb: usize, c: usize, accumulate: bool, work: usize): void {
  if (M >= MR) sgemmPackedB(false, M, N, K, a, pb, c, accumulate, work);
  else sgemm(false, transB, M, N, K, a, b, c, accumulate, work);
}

// op(B)[pc.., j..] panels of one depth block into packB: element (k, j) is B[k*ldb + j], or B[j*ldb + k] when transB.
function packBBlock(transB: bool, N: usize, ldb: usize, pc: usize, kc: usize, b: usize, packB: usize): void {
  if (!transB) {
    packPanels(packB, b + ((pc * ldb) << 2), ldb, NR, N, kc);
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
  const tile = work;
  const packA = work + TILE_BYTES;
  for (let ic: usize = 0; ic < M; ic += MC) {
    const mc = min(MC, M - ic);
    // op(A)[ic.., pc..] panels: element (i, k) is A[i*lda + k], or A[k*lda + i] when transA.
    if (transA) packPanels(packA, a + ((pc * lda + ic) << 2), lda, MR, mc, kc);
    else {
      for (let i: usize = 0; i < mc; i += MR) {
        packStrided(packA + ((i * kc) << 2), a + (((ic + i) * lda + pc) << 2), lda, MR, min(MR, mc - i), kc);
      }
    }
    for (let j: usize = 0; j < N; j += NR) {
      const nr = min(NR, N - j);
      const pb = packB + ((j * kc) << 2);
      for (let i: usize = 0; i < mc; i += MR) {
        const mr = min(MR, mc - i);
        const pa = packA + ((i * kc) << 2);
        const cp = c + (((ic + i) * ldc + j) << 2);
        if (mr == MR && nr == NR) {
          kernel(kc, pa, pb, cp, ldc, add);
        } else {
          kernel(kc, pa, pb, tile, NR, false);
          for (let r: usize = 0; r < mr; r++) {
            for (let s: usize = 0; s < nr; s++) {
              const q = cp + ((r * ldc + s) << 2);
              const t = load<f32>(tile + ((r * NR + s) << 2));
              store<f32>(q, add ? load<f32>(q) + t : t);
            }
          }
        }
      }
    }
  }
}

// The 4×8 tile at c (row stride ldc floats) (+)= packed A panel [kc][4] · packed B panel [kc][8].
function kernel(kc: usize, pa: usize, pb: usize, c: usize, ldc: usize, add: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k: usize = 0; k < kc; k++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
    x = v128.load32_splat(pa, 4);
    c10 = madd(x, b0, c10); c11 = madd(x, b1, c11);
    x = v128.load32_splat(pa, 8);
    c20 = madd(x, b0, c20); c21 = madd(x, b1, c21);
    x = v128.load32_splat(pa, 12);
    c30 = madd(x, b0, c30); c31 = madd(x, b1, c31);
    pa += 16; pb += 32;
  }
  const row = ldc << 2;
  const c1 = c + row, c2 = c1 + row, c3 = c2 + row;
  if (add) {
    c00 = f32x4.add(v128.load(c), c00); c01 = f32x4.add(v128.load(c, 16), c01);
    c10 = f32x4.add(v128.load(c1), c10); c11 = f32x4.add(v128.load(c1, 16), c11);
    c20 = f32x4.add(v128.load(c2), c20); c21 = f32x4.add(v128.load(c2, 16), c21);
    c30 = f32x4.add(v128.load(c3), c30); c31 = f32x4.add(v128.load(c3, 16), c31);
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c1, c10); v128.store(c1, c11, 16);
  v128.store(c2, c20); v128.store(c2, c21, 16);
  v128.store(c3, c30); v128.store(c3, c31, 16);
}

// The panels of w columns (w = 4 or 8) of n columns whose lines lie along them: panel p at
// dst + p·kc·w floats holds element (k, r) = src[k*ld + p*w + r] (k < kc), zeros past column n.
// The full panels are filled a 64-byte line at a time (16/w lines of src per line of a panel), all
// panels per group of lines, so each line of src is read once while it is in cache; one panel after
// another would read src at a stride of ld floats and, when ld·4 is a multiple of 4 KiB, evict
// every line from L1 before its next w floats are wanted.
function packPanels(dst: usize, src: usize, ld: usize, w: usize, n: usize, kc: usize): void {
  const full = n / w;
  const step = ld << 2, panel = (kc * w) << 2;
  let k: usize = 0;
  if (w == 8) {
    for (; k + 2 <= kc; k += 2) {
      let s = src + k * step, d = dst + (k << 5);
      for (let p: usize = 0; p < full; p++, s += 32, d += panel) {
        v128.store(d, v128.load(s)); v128.store(d, v128.load(s, 16), 16);
        v128.store(d, v128.load(s + step), 32); v128.store(d, v128.load(s + step, 16), 48);
      }
    }
  } else if (w == 4) {
    for (; k + 4 <= kc; k += 4) {
      let s = src + k * step, d = dst + (k << 4);
      for (let p: usize = 0; p < full; p++, s += 16, d += panel) {
        v128.store(d, v128.load(s)); v128.store(d, v128.load(s + step), 16);
        v128.store(d, v128.load(s + 2 * step), 32); v128.store(d, v128.load(s + 3 * step), 48);
      }
    }
  }
  // Lines left over (kc not a multiple of the group), or another w: one panel after another.
  if (k < kc) {
    for (let p: usize = 0; p < full; p++) packContiguous(dst + p * panel + ((k * w) << 2), src + k * step + ((p * w) << 2), ld, w, w, kc - k);
  }
  if (full * w < n) packContiguous(dst + full * panel, src + ((full * w) << 2), ld, w, n - full * w, kc);
}

// dst[k*w + r] = src[k*ld + r] for r < valid, 0 for valid <= r < w (k < kc): lines already along w.
function packContiguous(dst: usize, src: usize, ld: usize, w: usize, valid: usize, kc: usize): void {
  const step = ld << 2;
  if (valid == w) {
    if (w == 8) {
      for (let k: usize = 0; k < kc; k++, src += step, dst += 32) {
        v128.store(dst, v128.load(src)); v128.store(dst, v128.load(src, 16), 16);
      }
    } else {
      for (let k: usize = 0; k < kc; k++, src += step, dst += 16) v128.store(dst, v128.load(src));
    }
    return;
  }
  for (let k: usize = 0; k < kc; k++, src += step, dst += w << 2) {
    for (let r: usize = 0; r < w; r++) store<f32>(dst + (r << 2), r < valid ? load<f32>(src + (r << 2)) : 0);
  }
}

// dst[k*w + r] = src[r*ld + k] for r < valid, 0 for valid <= r < w (k < kc): lines along k, so this
// transposes, four lines by four k at a time with lane shuffles.
function packStrided(dst: usize, src: usize, ld: usize, w: usize, valid: usize, kc: usize): void {
  const line = ld << 2;
  const wb = w << 2;
  let k: usize = 0;
  if (valid == w) {
    for (; k + 4 <= kc; k += 4) {
      for (let g: usize = 0; g < w; g += 4) {
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
    }
  }
  for (; k < kc; k++) {
    for (let r: usize = 0; r < w; r++) {
      store<f32>(dst + k * wb + (r << 2), r < valid ? load<f32>(src + r * line + (k << 2)) : 0);
    }
  }
}

// @ts-ignore: decorator
@inline export function roundUp(x: usize, m: usize): usize {
  return (x + m - 1) / m * m;
}
