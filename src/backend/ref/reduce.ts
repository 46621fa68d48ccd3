// Reductions over axes: sums (the adjoint of broadcasting), maxima with their positions, and
// row-wise softmax / log-softmax over the last axis.

import type { FloatArray } from '../dtype.js';
import { broadcastStrides } from './pointwise.js';

/**
 * Sums x (shape `shape`) into out (shape `outShape`, same rank or fewer axes, right-aligned) so that
 * every input element lands in the output element it broadcasts from. out is overwritten.
 */
export function sumTo(x: FloatArray, shape: readonly number[], out: FloatArray, outShape: readonly number[]): void {
  out.fill(0);
  const n = x.length;
  if (n === 0) return;
  if (out.length === n) { out.set(x); return; }
  if (out.length === 1) { let s = 0; for (let i = 0; i < n; i++) s += x[i]; out[0] = s; return; }
  const rank = shape.length;
  const so = broadcastStrides(outShape, shape);
  const inner = shape[rank - 1];
  const iso = so[rank - 1];
  const idx = new Array<number>(rank).fill(0);
  let io = 0;
  for (let ix = 0; ix < n; ix += inner) {
    if (iso === 0) { let s = 0; for (let k = 0; k < inner; k++) s += x[ix + k]; out[io] += s; }
    else for (let k = 0; k < inner; k++) out[io + k] += x[ix + k];
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]++; io += so[d];
      if (idx[d] < shape[d]) break;
      io -= so[d] * shape[d]; idx[d] = 0;
    }
  }
}

/** Σ_i x[i]², summed in float64 in index order (the squared 2-norm, as gradient clipping needs it). */
export function sumSquares(x: FloatArray): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}

/** out[j] (+)= Σ_r x[r, j], x [rows, n]: a bias gradient (accumulate adds to out). */
export function colSums(x: FloatArray, rows: number, n: number, out: FloatArray, accumulate: boolean): void {
  if (!accumulate) out.fill(0, 0, n);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    for (let j = 0; j < n; j++) out[j] += x[base + j];
  }
}

/** Maximum along one axis; shape [outer, size, inner] in effect. Writes values and argmax positions. */
export function maxAxis(
  x: FloatArray, outer: number, size: number, inner: number, out: FloatArray, arg: Int32Array,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = -Infinity, at = 0;
      for (let s = 0; s < size; s++) {
        const v = x[(o * size + s) * inner + i];
        // NaN wins, so that a NaN is never hidden by max.
        if (v > best || v !== v) { best = v; at = s; if (v !== v) break; }
      }
      out[o * inner + i] = best;
      arg[o * inner + i] = at;
    }
  }
}

/** Row-wise softmax (log: log-softmax) over rows of length n. */
export function softmaxRows(x: FloatArray, rows: number, n: number, out: FloatArray, log: boolean): void {
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let m = -Infinity;
    for (let k = 0; k < n; k++) if (x[o + k] > m) m = x[o + k];
    let s = 0;
    for (let k = 0; k < n; k++) s += Math.exp(x[o + k] - m);
    if (log) { const ls = m + Math.log(s); for (let k = 0; k < n; k++) out[o + k] = x[o + k] - ls; }
    else { const inv = 1 / s; for (let k = 0; k < n; k++) out[o + k] = Math.exp(x[o + k] - m) * inv; }
  }
}
