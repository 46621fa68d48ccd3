// The source of truth for the cell and layer tests: the RNN, LSTM and GRU equations written out
// with loops over plain number arrays (no library code at all), one batch row at a time, and a
// layer runner that stacks them (bidirectional: the reverse direction runs t = T−1 … 0 and its
// outputs are concatenated after the forward ones; final states indexed layer·D + direction).
// Also the integer formulas that set weights and inputs deterministically, shared with
// reference/torch_layers.py.

export type Vec = number[];
export type Mat = number[][]; // [rows][cols]

export interface CellWeights {
  wih: Mat; // [G·H][I]
  whh: Mat; // [G·H][H]
  bih: Vec | null; // [G·H]
  bhh: Vec | null;
}

export type Kind = 'rnn_tanh' | 'rnn_relu' | 'lstm' | 'gru' | 'gru_reset_before';

export const gatesOf = (kind: Kind): number => (kind === 'lstm' ? 4 : kind.startsWith('gru') ? 3 : 1);
export const carryOf = (kind: Kind): number => (kind === 'lstm' ? 2 : 1);

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

// rows [from, from + n) of W times v, plus rows of b
function affine(W: Mat, v: Vec, b: Vec | null, from: number, n: number): Vec {
  const out: Vec = [];
  for (let r = from; r < from + n; r++) {
    let s = b ? b[r] : 0;
    for (let c = 0; c < v.length; c++) s += W[r][c] * v[c];
    out.push(s);
  }
  return out;
}

/** h' = f(W_ih x + b_ih + W_hh h + b_hh). */
export function rnnStep(x: Vec, h: Vec, w: CellWeights, relu: boolean): Vec {
  const H = h.length;
  const a = affine(w.wih, x, w.bih, 0, H), b = affine(w.whh, h, w.bhh, 0, H);
  return a.map((v, k) => (relu ? Math.max(0, v + b[k]) : Math.tanh(v + b[k])));
}

/** Gate order i | f | g | o; c' = f c + i g; h' = o tanh(c'). Returns [h', c']. */
export function lstmStep(x: Vec, h: Vec, c: Vec, w: CellWeights): [Vec, Vec] {
  const H = h.length;
  const pre = (gate: number): Vec => {
    const a = affine(w.wih, x, w.bih, gate * H, H), b = affine(w.whh, h, w.bhh, gate * H, H);
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
 */
export function gruStep(x: Vec, h: Vec, w: CellWeights, resetAfter: boolean): Vec {
  const H = h.length;
  const xr = affine(w.wih, x, w.bih, 0, H), xz = affine(w.wih, x, w.bih, H, H), xn = affine(w.wih, x, w.bih, 2 * H, H);
  const hr = affine(w.whh, h, w.bhh, 0, H), hz = affine(w.whh, h, w.bhh, H, H);
  const r = xr.map((v, k) => sigmoid(v + hr[k]));
  const z = xz.map((v, k) => sigmoid(v + hz[k]));
  let hn: Vec;
  if (resetAfter) hn = affine(w.whh, h, w.bhh, 2 * H, H).map((v, k) => r[k] * v);
  else hn = affine(w.whh, h.map((v, k) => r[k] * v), w.bhh, 2 * H, H);
  const n = xn.map((v, k) => Math.tanh(v + hn[k]));
  return n.map((nv, k) => (1 - z[k]) * nv + z[k] * h[k]);
}

/** One step of any kind; state is [h] or [h, c]. */
export function cellStep(kind: Kind, x: Vec, state: Vec[], w: CellWeights): Vec[] {
  switch (kind) {
    case 'rnn_tanh': return [rnnStep(x, state[0], w, false)];
    case 'rnn_relu': return [rnnStep(x, state[0], w, true)];
    case 'lstm': return lstmStep(x, state[0], state[1], w);
    case 'gru': return [gruStep(x, state[0], w, true)];
    case 'gru_reset_before': return [gruStep(x, state[0], w, false)];
  }
}

export interface LayerResult {
  output: number[][][]; // [T][B][D·H]
  finals: number[][][][]; // per carry entry: [L·D][B][H]
}

/**
 * Runs a stack: weights[layer][direction]; xs [T][B][I]; init (optional), per carry entry,
 * [L·D][B][H]. Time-major; callers transpose for batch-first.
 */
export function runLayers(kind: Kind, weights: CellWeights[][], H: number, xs: number[][][], init?: number[][][][]): LayerResult {
  const T = xs.length, B = xs[0].length, L = weights.length, D = weights[0].length, nc = carryOf(kind);
  const finals: number[][][][] = Array.from({ length: nc }, () => []);
  let input = xs;
  for (let l = 0; l < L; l++) {
    const out: number[][][] = Array.from({ length: T }, () => Array.from({ length: B }, () => new Array<number>(D * H).fill(0)));
    for (let d = 0; d < D; d++) {
      const idx = l * D + d;
      for (let j = 0; j < nc; j++) finals[j][idx] = [];
      for (let b = 0; b < B; b++) {
        let state: Vec[] = Array.from({ length: nc }, (_, j) => (init ? [...init[j][idx][b]] : new Array<number>(H).fill(0)));
        for (let s = 0; s < T; s++) {
          const t = d === 0 ? s : T - 1 - s;
          state = cellStep(kind, input[t][b], state, weights[l][d]);
          for (let k = 0; k < H; k++) out[t][b][d * H + k] = state[0][k];
        }
        for (let j = 0; j < nc; j++) finals[j][idx][b] = state[j];
      }
    }
    input = out;
  }
  return { output: input, finals };
}

/** Parameter value by an integer formula, exact in any language: entry k of parameter p. */
export const paramValue = (p: number, k: number): number => (((k * 7 + p * 13) % 17) - 8) / 20;
/** Input value: entry k of the flat input. */
export const inputValue = (k: number): number => (((k * 5 + 3) % 11) - 5) / 5;
/** Initial-state value: entry k of carry entry j. */
export const stateValue = (j: number, k: number): number => (((k * 3 + j * 5 + 1) % 9) - 4) / 8;
/** Weights of the projection R in L = Σ output ⊙ R. */
export const projValue = (k: number): number => (((k * 3 + 1) % 7) - 3) / 3;

/** Splits flat row-major values into a [rows][cols] matrix. */
export function toMat(flat: ArrayLike<number>, rows: number, cols: number): Mat {
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => flat[r * cols + c]));
}

/** [A][B][C] nested from flat row-major values. */
export function to3(flat: ArrayLike<number>, A: number, B: number, C: number): number[][][] {
  return Array.from({ length: A }, (_, a) => toMat(Array.from({ length: B * C }, (_, k) => flat[a * B * C + k]), B, C));
}

export function flat(x: unknown): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x as number];
}
