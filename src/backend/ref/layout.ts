// Data movement: axis permutation, and row gather / scatter-add (embedding lookups and their
// gradient).

import type { FloatArray } from '../dtype.js';

/** dst[dstOff + r·dstStride + i] = src[srcOff + r·srcStride + i] for r < rows, i < n (distinct ranges when src is dst). */
export function copyRows(src: FloatArray, srcOff: number, srcStride: number, dst: FloatArray, dstOff: number, dstStride: number, rows: number, n: number): void {
  for (let r = 0, a = srcOff, b = dstOff; r < rows; r++, a += srcStride, b += dstStride) {
    if (n >= 32) dst.set(src.subarray(a, a + n), b); // below ~32 elements a view costs more than the loop
    else for (let i = 0; i < n; i++) dst[b + i] = src[a + i];
  }
}

/** out = x permuted so that out axis i is x axis perm[i]. */
export function permute(x: FloatArray, shape: readonly number[], perm: readonly number[], out: FloatArray): void {
  const rank = shape.length;
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) { inStrides[d] = s; s *= shape[d]; }
  const outShape = perm.map((p) => shape[p]);
  const st = perm.map((p) => inStrides[p]);
  const n = x.length;
  if (n === 0) return;
  if (perm[rank - 1] === rank - 1 && rank > 1) {
    permuteRows(x, outShape, st, shape[rank - 1], out);
    return;
  }
  const inner = outShape[rank - 1], sInner = st[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let ix = 0;
  for (let io = 0; io < n; io += inner) {
    for (let k = 0, j = ix; k < inner; k++, j += sInner) out[io + k] = x[j];
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++; ix += st[d];
      if (idx[d] < outShape[d]) break;
      ix -= st[d] * outShape[d]; idx[d] = 0;
    }
  }
}

// The last axis stays last (e.g. [B, T, E] → [T, B, E]): whole rows of `w` move at once.
function permuteRows(x: FloatArray, outShape: readonly number[], st: readonly number[], w: number, out: FloatArray): void {
  const rank = outShape.length;
  const idx = new Array<number>(rank - 1).fill(0);
  let ix = 0;
  for (let io = 0; io < out.length; io += w) {
    if (w < 16) for (let k = 0; k < w; k++) out[io + k] = x[ix + k];
    else out.set(x.subarray(ix, ix + w), io);
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++; ix += st[d];
      if (idx[d] < outShape[d]) break;
      ix -= st[d] * outShape[d]; idx[d] = 0;
    }
  }
}

/** out[i, :] = table[index[i], :], rows of width `width`. */
export function gatherRows(table: FloatArray, width: number, index: Int32Array, out: FloatArray): void {
  for (let i = 0; i < index.length; i++) {
    const src = index[i] * width;
    out.set(table.subarray(src, src + width), i * width);
  }
}

/** table[index[i], :] += src[i, :]; repeated indices accumulate. */
export function scatterAddRows(src: FloatArray, width: number, index: Int32Array, table: FloatArray): void {
  for (let i = 0; i < index.length; i++) {
    const dst = index[i] * width, s = i * width;
    for (let k = 0; k < width; k++) table[dst + k] += src[s + k];
  }
}
