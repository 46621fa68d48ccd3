// The source of truth for the cell, layer, wrapper and sequence tests: every recurrence's equations
// written out with loops over plain number arrays (no library code at all), one batch row at a time:
// the RNN, LSTM and GRU steps (with a recurrent dropout mask), one direction over one row of a
// padded batch (its own length, reverse, per-sequence dropout masks, zoneout at evaluation), stacks
// and bidirectional layers, and the leaky, skip and Jordan recurrences. Also the integer formulas
// that set weights and inputs deterministically, shared with nn/layers/reference/torch_layers.py.

export type Vec = number[];
export type Mat = number[][]; // [rows][cols]

/** A rows×cols matrix with entries from f(r, c). */
export const mat = (rows: number, cols: number, f: (r: number, c: number) => number): Mat =>
  Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => f(r, c)));
export const vec = <T = number>(n: number, f: (k: number) => T): T[] => Array.from({ length: n }, (_, k) => f(k));

/** Splits flat row-major values into a [rows][cols] matrix. */
export function toMat(flatValues: ArrayLike<number>, rows: number, cols: number): Mat {
  return mat(rows, cols, (r, c) => flatValues[r * cols + c]);
}

/** [A][B][C] nested from flat row-major values. */
export function to3(flatValues: ArrayLike<number>, A: number, B: number, C: number): number[][][] {
  return vec(A, (a) => toMat(Array.from({ length: B * C }, (_, k) => flatValues[a * B * C + k]), B, C));
}

/** Every number of nested arrays or typed arrays, in order. */
export function flat(x: unknown): number[] {
  if (typeof x === 'number') return [x];
  return Array.from(x as ArrayLike<unknown>).flatMap(flat);
}

/** Rows [from, from + n) of W v, plus the same rows of b (when given). */
export function affine(W: Mat, v: Vec, b: Vec | null = null, from = 0, n = W.length - from): Vec {
  const out: Vec = [];
  for (let r = from; r < from + n; r++) {
    let s = b ? b[r] : 0;
    for (let c = 0; c < v.length; c++) s += W[r][c] * v[c];
    out.push(s);
  }
  return out;
}
export const addv = (...vs: Vec[]): Vec => vs[0].map((_, k) => vs.reduce((s, v) => s + v[k], 0));
export const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

export type Kind = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru' | 'gru_reset_before';

export const gatesOf = (kind: Kind): number => (kind === 'lstm' ? 4 : kind.startsWith('gru') ? 3 : 1);
export const carryOf = (kind: Kind): number => (kind === 'lstm' ? 2 : 1);

export interface CellWeights {
  wih: Mat; // [G·H][I]
  whh: Mat; // [G·H][H]
  bih: Vec | null; // [G·H]
  bhh: Vec | null;
}

// h where it enters the recurrent products: times the recurrent dropout mask when there is one.
const dropped = (h: Vec, hMask?: Vec): Vec => (hMask ? h.map((v, k) => v * hMask[k]) : h);

/** h' = f(W_ih x + b_ih + W_hh h + b_hh). */
export function rnnStep(x: Vec, h: Vec, w: CellWeights, relu: boolean, hMask?: Vec): Vec {
  const H = h.length;
  const a = affine(w.wih, x, w.bih, 0, H), b = affine(w.whh, dropped(h, hMask), w.bhh, 0, H);
  return a.map((v, k) => (relu ? Math.max(0, v + b[k]) : Math.tanh(v + b[k])));
}

/** Gate order i | f | g | o; c' = f c + i g; h' = o tanh(c'). Returns [h', c']. */
export function lstmStep(x: Vec, h: Vec, c: Vec, w: CellWeights, hMask?: Vec): [Vec, Vec] {
  const H = h.length, hd = dropped(h, hMask);
  const pre = (gate: number): Vec => {
    const a = affine(w.wih, x, w.bih, gate * H, H), b = affine(w.whh, hd, w.bhh, gate * H, H);
    return a.map((v, k) => v + b[k]);
  };
  const i = pre(0).map(sigmoid), f = pre(1).map(sigmoid), g = pre(2).map(Math.tanh), o = pre(3).map(sigmoid);
  const cNew = c.map((cv, k) => f[k] * cv + i[k] * g[k]);
  const hNew = cNew.map((cv, k) => o[k] * Math.tanh(cv));
  return [hNew, cNew];
}

/**
 * Gate order r | z | n; h' = (1 − z) n + z h, with
 *   resetAfter:  n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))   (PyTorch)
 *   otherwise:   n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)   (Keras reset_after=False)
 * A recurrent dropout mask multiplies h in the products; the interpolation z h uses h undropped.
 */
export function gruStep(x: Vec, h: Vec, w: CellWeights, resetAfter: boolean, hMask?: Vec): Vec {
  const H = h.length, hd = dropped(h, hMask);
  const xr = affine(w.wih, x, w.bih, 0, H), xz = affine(w.wih, x, w.bih, H, H), xn = affine(w.wih, x, w.bih, 2 * H, H);
  const hr = affine(w.whh, hd, w.bhh, 0, H), hz = affine(w.whh, hd, w.bhh, H, H);
  const r = xr.map((v, k) => sigmoid(v + hr[k]));
  const z = xz.map((v, k) => sigmoid(v + hz[k]));
  let hn: Vec;
  if (resetAfter) hn = affine(w.whh, hd, w.bhh, 2 * H, H).map((v, k) => r[k] * v);
  else hn = affine(w.whh, hd.map((v, k) => r[k] * v), w.bhh, 2 * H, H);
  const n = xn.map((v, k) => Math.tanh(v + hn[k]));
  return n.map((nv, k) => (1 - z[k]) * nv + z[k] * h[k]);
}

/** One step of any kind; state is [h] or [h, c]. */
export function cellStep(kind: Kind, x: Vec, state: Vec[], w: CellWeights, hMask?: Vec): Vec[] {
  switch (kind) {
    case 'rnn_tanh': return [rnnStep(x, state[0], w, false, hMask)];
    case 'rnn_relu': return [rnnStep(x, state[0], w, true, hMask)];
    case 'lstm': return lstmStep(x, state[0], state[1], w, hMask);
    case 'gru': return [gruStep(x, state[0], w, true, hMask)];
    case 'gru_reset_before': return [gruStep(x, state[0], w, false, hMask)];
  }
}

export interface DirOptions {
  reverse?: boolean;
  /** The state before the first step, per carry entry (default zeros). */
  init?: Vec[];
  /** Variational dropout masks (0 or 1/(1−p)), the same at every step. */
  xMask?: Vec;
  hMask?: Vec;
  /** Zoneout at evaluation: state_t = p·state_{t−1} + (1 − p)·new, per carry entry. */
  zoneout?: number[];
}

/**
 * One direction over one row: xs [T][I], of which steps 0 … len−1 are real (the reverse direction
 * starts at len − 1). Returns outputs [T][H] (zeros at padded steps) and the final state.
 */
export function runDirection(kind: Kind, w: CellWeights, H: number, xs: Vec[], len: number, o: DirOptions = {}): { out: Vec[]; final: Vec[] } {
  const T = xs.length;
  let state = o.init ? o.init.map((v) => [...v]) : vec(carryOf(kind), () => new Array<number>(H).fill(0));
  const out = vec(T, () => new Array<number>(H).fill(0));
  for (let s = 0; s < len; s++) {
    const t = o.reverse ? len - 1 - s : s;
    const x = o.xMask ? xs[t].map((v, k) => v * o.xMask![k]) : xs[t];
    let next = cellStep(kind, x, state, w, o.hMask);
    if (o.zoneout) next = next.map((v, j) => v.map((nv, k) => (o.zoneout![j] ?? 0) * state[j][k] + (1 - (o.zoneout![j] ?? 0)) * nv));
    state = next;
    out[t] = [...state[0]];
  }
  return { out, final: state };
}

/**
 * A stack over one row: weights[layer][direction] (direction 1 runs backward from the row's end;
 * outputs [fwd, bwd] concatenated), init per layer·D + direction. Returns outputs [T][D·H] and
 * finals[layer·D + direction].
 */
export function runStack(kind: Kind, weights: CellWeights[][], H: number, xs: Vec[], len: number, init?: Vec[][]): { out: Vec[]; finals: Vec[][] } {
  let input = xs;
  const finals: Vec[][] = [];
  weights.forEach((row, l) => {
    const dirs = row.map((w, d) => runDirection(kind, w, H, input, len, { reverse: d === 1, init: init?.[l * row.length + d] }));
    dirs.forEach((r) => finals.push(r.final));
    input = input.map((_, t) => dirs.flatMap((r) => r.out[t]));
  });
  return { out: input, finals };
}

export interface LayerResult {
  output: number[][][]; // [T][B][D·H]
  finals: number[][][][]; // per carry entry: [L·D][B][H]
}

/**
 * A stack over a whole batch, every row T steps: xs [T][B][I]; init (optional), per carry entry,
 * [L·D][B][H]. Time-major; callers transpose for batch-first.
 */
export function runLayers(kind: Kind, weights: CellWeights[][], H: number, xs: number[][][], init?: number[][][][]): LayerResult {
  const T = xs.length, B = xs[0].length, LD = weights.length * weights[0].length, nc = carryOf(kind);
  const rows = vec(B, (b) => runStack(kind, weights, H, xs.map((x) => x[b]), T, init && vec(LD, (i) => vec(nc, (j) => init[j][i][b]))));
  return {
    output: vec(T, (t) => rows.map((r) => r.out[t])),
    finals: vec(nc, (j) => vec(LD, (i) => rows.map((r) => r.finals[i][j]))),
  };
}

/** Leaky unit: h' = α h + (1 − α) f(W_ih x + b_ih + W_hh h + b_hh). */
export function leakyStep(x: Vec, h: Vec, w: CellWeights, alpha: Vec, relu = false): Vec {
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

/** Hand-set RNN weights, I inputs and H units: multiples of 0.1 from formulas on (r, c). */
export function handRnn(I: number, H: number, seed = 0): { wih: Mat; whh: Mat; bih: Vec; bhh: Vec } {
  return {
    wih: mat(H, I, (r, c) => 0.1 * (((r + 2 * c + seed) % 5) - 2)),
    whh: mat(H, H, (r, c) => 0.1 * (((2 * r + c + seed) % 7) - 3)),
    bih: vec(H, (r) => 0.05 * ((r + seed) % 4) - 0.07),
    bhh: vec(H, (r) => 0.02 * (r - 2)),
  };
}

/** Parameter value by an integer formula, exact in any language: entry k of parameter p. */
export const paramValue = (p: number, k: number): number => (((k * 7 + p * 13) % 17) - 8) / 20;
/** Input value: entry k of the flat input. */
export const inputValue = (k: number): number => (((k * 5 + 3) % 11) - 5) / 5;
/** Initial-state value: entry k of carry entry j. */
export const stateValue = (j: number, k: number): number => (((k * 3 + j * 5 + 1) % 9) - 4) / 8;
/** Weights of the projection R in L = Σ output ⊙ R. */
export const projValue = (k: number): number => (((k * 3 + 1) % 7) - 3) / 3;
