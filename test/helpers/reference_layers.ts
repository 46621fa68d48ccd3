// The source of truth for the layer and wrapper tests: the RNN, LSTM and GRU steps written out on
// plain number arrays, one batch row at a time, and a runner over one row of a padded batch that
// takes its length, a direction, per-sequence dropout masks and zoneout at evaluation — each the
// textbook formula, with no library code. Also integer formulas to set weights and inputs.

import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import type { Module } from '../../src/nn/module.js';

export type Vec = number[];
export type Mat = number[][];
export type Kind = 'rnn' | 'lstm' | 'gru' | 'gru_before';

export interface W { wih: Mat; whh: Mat; bih: Vec; bhh: Vec }

export const gatesOf = (k: Kind): number => (k === 'lstm' ? 4 : k === 'rnn' ? 1 : 3);
const sig = (v: number): number => 1 / (1 + Math.exp(-v));

function aff(M: Mat, v: Vec, b: Vec, from: number, n: number): Vec {
  const out: Vec = [];
  for (let r = from; r < from + n; r++) {
    let s = b[r];
    for (let c = 0; c < v.length; c++) s += M[r][c] * v[c];
    out.push(s);
  }
  return out;
}

/**
 * One step of `kind` from state [h] or [h, c]. hMask (recurrent dropout) multiplies h where it enters
 * the recurrent products; the GRU's interpolation z ⊙ h uses the undropped h.
 */
export function step(kind: Kind, x: Vec, state: Vec[], w: W, hMask?: Vec): Vec[] {
  const h = state[0], H = h.length;
  const hd = hMask ? h.map((v, k) => v * hMask[k]) : h;
  if (kind === 'rnn') return [aff(w.wih, x, w.bih, 0, H).map((v, k) => Math.tanh(v + aff(w.whh, hd, w.bhh, 0, H)[k]))];
  if (kind === 'lstm') {
    const pre = (g: number): Vec => { const a = aff(w.wih, x, w.bih, g * H, H), b = aff(w.whh, hd, w.bhh, g * H, H); return a.map((v, k) => v + b[k]); };
    const i = pre(0).map(sig), f = pre(1).map(sig), g = pre(2).map(Math.tanh), o = pre(3).map(sig);
    const c = state[1].map((cv, k) => f[k] * cv + i[k] * g[k]);
    return [c.map((cv, k) => o[k] * Math.tanh(cv)), c];
  }
  const xr = aff(w.wih, x, w.bih, 0, H), xz = aff(w.wih, x, w.bih, H, H), xn = aff(w.wih, x, w.bih, 2 * H, H);
  const r = xr.map((v, k) => sig(v + aff(w.whh, hd, w.bhh, 0, H)[k]));
  const z = xz.map((v, k) => sig(v + aff(w.whh, hd, w.bhh, H, H)[k]));
  const hn = kind === 'gru' ? aff(w.whh, hd, w.bhh, 2 * H, H).map((v, k) => r[k] * v) : aff(w.whh, hd.map((v, k) => r[k] * v), w.bhh, 2 * H, H);
  const n = xn.map((v, k) => Math.tanh(v + hn[k]));
  return [n.map((nv, k) => (1 - z[k]) * nv + z[k] * h[k])];
}

export interface DirOptions {
  reverse?: boolean;
  init?: Vec[];
  /** Variational dropout masks (0 or 1/(1−p)), the same at every step. */
  xMask?: Vec;
  hMask?: Vec;
  /** Zoneout at evaluation: state_t = p·state_{t−1} + (1 − p)·new, per carry entry. */
  zoneout?: number[];
}

/**
 * One direction over one row: xs [T][I], of which steps 0 … len−1 are real.
 * Returns outputs [T][H] (zeros at padded steps) and the final state.
 */
export function runDirection(kind: Kind, w: W, H: number, xs: Vec[], len: number, o: DirOptions = {}): { out: Vec[]; final: Vec[] } {
  const T = xs.length, nc = kind === 'lstm' ? 2 : 1;
  let state = o.init ? o.init.map((v) => [...v]) : Array.from({ length: nc }, () => new Array<number>(H).fill(0));
  const out = Array.from({ length: T }, () => new Array<number>(H).fill(0));
  for (let s = 0; s < len; s++) {
    const t = o.reverse ? len - 1 - s : s;
    const x = o.xMask ? xs[t].map((v, k) => v * o.xMask![k]) : xs[t];
    let next = step(kind, x, state, w, o.hMask);
    if (o.zoneout) next = next.map((v, j) => v.map((nv, k) => (o.zoneout![j] ?? 0) * state[j][k] + (1 - (o.zoneout![j] ?? 0)) * nv));
    state = next;
    out[t] = [...state[0]];
  }
  return { out, final: state };
}

/** A stack over one row: weights[layer][direction]; outputs [T][D·H] and finals[layer·D + d]. */
export function runStack(kind: Kind, weights: W[][], H: number, xs: Vec[], len: number): { out: Vec[]; finals: Vec[][] } {
  let input = xs;
  const finals: Vec[][] = [];
  for (const row of weights) {
    const dirs = row.map((w, d) => runDirection(kind, w, H, input, len, { reverse: d === 1 }));
    dirs.forEach((r) => finals.push(r.final));
    input = input.map((_, t) => dirs.flatMap((r) => r.out[t]));
  }
  return { out: input, finals };
}

/** Deterministic parameter value: entry k of parameter p. */
export const paramValue = (p: number, k: number): number => (((k * 7 + p * 11) % 19) - 9) / 18;
/** Deterministic input value: entry k. */
export const inputValue = (k: number): number => (((k * 5 + 2) % 13) - 6) / 6;

/** Sets every parameter of a module by paramValue (in namedParameters order), float64. */
export function setParams(m: Module): void {
  m.parameters().forEach((p, pi) => { for (let k = 0; k < p.size; k++) p.data[k] = paramValue(pi, k); });
}

/** A cell's weights (weight_ih, weight_hh, bias_ih, bias_hh tensors) as plain matrices. */
export function weightsOf(p: { weight_ih: Tensor; weight_hh: Tensor; bias_ih: Tensor | null; bias_hh: Tensor | null }): W {
  const mat = (t: Tensor): Mat => Array.from({ length: t.shape[0] }, (_, r) => Array.from(t.data.subarray(r * t.shape[1], (r + 1) * t.shape[1])));
  const G = p.weight_hh.shape[0];
  return { wih: mat(p.weight_ih), whh: mat(p.weight_hh), bih: p.bias_ih ? Array.from(p.bias_ih.data) : new Array<number>(G).fill(0), bhh: p.bias_hh ? Array.from(p.bias_hh.data) : new Array<number>(G).fill(0) };
}

/** A float64 [T, B, I] input by inputValue, optionally requiring grad. */
export function inputTBI(T: number, B: number, I: number, grad = true): Tensor {
  return tensor(Array.from({ length: T * B * I }, (_, k) => inputValue(k)), [T, B, I], { dtype: 'float64', requiresGrad: grad });
}

/** Row b of a [T, B, F] tensor as [T][F]. */
export function rowOf(x: Tensor, b: number): Vec[] {
  const [T, B, F] = x.shape;
  return Array.from({ length: T }, (_, t) => Array.from(x.data.subarray((t * B + b) * F, (t * B + b + 1) * F)));
}

/** Asserts |a − e| ≤ tol element-wise over nested arrays or typed arrays. */
export function close(actual: ArrayLike<number> | Vec[] | Vec[][], expected: ArrayLike<number> | Vec[] | Vec[][], tol = 1e-12, what = ''): void {
  const a = flat(actual), e = flat(expected);
  if (a.length !== e.length) throw new Error(`${what}: length ${a.length}, expected ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - e[i]) <= tol)) throw new Error(`${what}[${i}]: got ${a[i]}, expected ${e[i]}`);
  }
}

function flat(x: unknown): number[] {
  if (typeof x === 'number') return [x];
  return Array.from(x as ArrayLike<unknown>).flatMap(flat);
}
