// The source of truth for the cell and sequence tests: each architecture's equations written out
// with loops over plain number arrays, one batch row at a time, no library code. Plus the small
// integer formulas that set weights and inputs by hand, and the helpers that load them into
// float64 tensors.

import { tensor, type Tensor } from '../../src/tensor/tensor.js';

export type Vec = number[];
export type Mat = number[][]; // [rows][cols]

/** A rows×cols matrix with entries from f(r, c). */
export const mat = (rows: number, cols: number, f: (r: number, c: number) => number): Mat =>
  Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => f(r, c)));
export const vec = <T = number>(n: number, f: (k: number) => T): T[] => Array.from({ length: n }, (_, k) => f(k));

/** A float64 tensor from nested arrays. */
export const t64 = (v: number[] | number[][] | number[][][], requiresGrad = false): Tensor =>
  tensor(v, undefined, { dtype: 'float64', requiresGrad });

/** W v (+ b). */
export function affine(W: Mat, v: Vec, b: Vec | null = null): Vec {
  return W.map((row, r) => row.reduce((s, w, c) => s + w * v[c], b ? b[r] : 0));
}
export const addv = (...vs: Vec[]): Vec => vs[0].map((_, k) => vs.reduce((s, v) => s + v[k], 0));
export const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

export interface RnnWeights { wih: Mat; whh: Mat; bih: Vec; bhh: Vec }

/** Hand-set RNN weights, I inputs and H units: multiples of 0.1 from formulas on (r, c). */
export function handRnn(I: number, H: number, seed = 0): RnnWeights {
  return {
    wih: mat(H, I, (r, c) => 0.1 * (((r + 2 * c + seed) % 5) - 2)),
    whh: mat(H, H, (r, c) => 0.1 * (((2 * r + c + seed) % 7) - 3)),
    bih: vec(H, (r) => 0.05 * ((r + seed) % 4) - 0.07),
    bhh: vec(H, (r) => 0.02 * (r - 2)),
  };
}

/** Leaky unit: h' = α h + (1 − α) f(W_ih x + b_ih + W_hh h + b_hh). */
export function leakyStep(x: Vec, h: Vec, w: RnnWeights, alpha: Vec, relu = false): Vec {
  const pre = addv(affine(w.wih, x, w.bih), affine(w.whh, h, w.bhh));
  return pre.map((p, k) => alpha[k] * h[k] + (1 - alpha[k]) * (relu ? Math.max(0, p) : Math.tanh(p)));
}

/**
 * Skip RNN over a whole sequence xs[t] of one row: h_t = tanh(W_ih x_t + b_ih + Σ_d U_d h_{t−d} + b_hh),
 * with h_{t−d} = past[d − 1] for t − d < 0 (past[0] = h_{−1}, the newest).
 */
export function skipRun(xs: Vec[], w: { wih: Mat; bih: Vec; bhh: Vec; U: Map<number, Mat> }, past: Vec[]): Vec[] {
  const hist: Vec[] = [...past].reverse(); // oldest first: hist[len − 1] = h_{−1}
  const out: Vec[] = [];
  for (const x of xs) {
    let pre = addv(affine(w.wih, x, w.bih), w.bhh);
    for (const [d, U] of w.U) pre = addv(pre, affine(U, hist[hist.length - d]));
    const h = pre.map(Math.tanh);
    hist.push(h);
    out.push(h);
  }
  return out;
}

export interface JordanWeights { wih: Mat | null; wyh: Mat; whh: Mat | null; bh: Vec; who: Mat; bo: Vec }

/** Jordan step: h = tanh(W_ih x + W_yh y + W_hh h + b_h), o = W_ho h + b_o. */
export function jordanStep(x: Vec | null, h: Vec, y: Vec, w: JordanWeights): { h: Vec; o: Vec } {
  let pre = addv(affine(w.wyh, y), w.bh);
  if (w.wih && x) pre = addv(pre, affine(w.wih, x));
  if (w.whh) pre = addv(pre, affine(w.whh, h));
  const hn = pre.map(Math.tanh);
  return { h: hn, o: affine(w.who, hn, w.bo) };
}

export const oneHot = (c: number, n: number): Vec => vec(n, (k) => (k === c ? 1 : 0));
export const argmaxOf = (v: Vec): number => v.reduce((best, x, k) => (x > v[best] ? k : best), 0);
