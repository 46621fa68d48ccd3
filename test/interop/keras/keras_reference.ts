// Keras' recurrent layers written out in plain loops from Keras' own equations (keras/src/layers/rnn
// lstm.py and gru.py: kernels [in, G·H] with gates in Keras' order, one bias, or two rows of bias
// for the GRU with reset_after), in float64: the truth for the forms TensorFlow.js cannot run (the
// GRU's reset_after=True, Keras 3's hard_sigmoid). Independent of unfold's code and of its layout
// conversion.

export type Act = (v: number) => number;
export const sigmoid: Act = (v) => 1 / (1 + Math.exp(-v));
export const tanh: Act = Math.tanh;
/** Keras 3's hard_sigmoid: relu6(x + 3) / 6. */
export const hardSigmoid3: Act = (v) => Math.min(Math.max(v + 3, 0), 6) / 6;

// row·M[:, from:to] for M [rows, cols] row-major.
function dot(row: ArrayLike<number>, m: ArrayLike<number>, cols: number, from: number, to: number): number[] {
  const out = new Array<number>(to - from).fill(0);
  for (let i = 0; i < row.length; i++) for (let j = from; j < to; j++) out[j - from] += row[i] * m[i * cols + j];
  return out;
}

/** A Keras GRU over one sequence xs[t] (each [in]): the outputs h_t. bias: [3H] or, reset_after, [2·3H]. */
export function kerasGru(xs: number[][], k: ArrayLike<number>, rk: ArrayLike<number>, bias: ArrayLike<number>, H: number, resetAfter: boolean, act: Act = tanh, rec: Act = sigmoid): number[][] {
  let h = new Array<number>(H).fill(0);
  const out: number[][] = [];
  for (const x of xs) {
    const xp = dot(x, k, 3 * H, 0, 3 * H).map((v, j) => v + bias[j]);
    let z: number[], r: number[], hh: number[];
    if (resetAfter) {
      const inner = dot(h, rk, 3 * H, 0, 3 * H).map((v, j) => v + bias[3 * H + j]);
      z = xp.slice(0, H).map((v, j) => rec(v + inner[j]));
      r = xp.slice(H, 2 * H).map((v, j) => rec(v + inner[H + j]));
      hh = xp.slice(2 * H).map((v, j) => act(v + r[j] * inner[2 * H + j]));
    } else {
      const inner = dot(h, rk, 3 * H, 0, 2 * H);
      z = xp.slice(0, H).map((v, j) => rec(v + inner[j]));
      r = xp.slice(H, 2 * H).map((v, j) => rec(v + inner[H + j]));
      const rh = dot(h.map((v, j) => r[j] * v), rk, 3 * H, 2 * H, 3 * H);
      hh = xp.slice(2 * H).map((v, j) => act(v + rh[j]));
    }
    h = h.map((v, j) => z[j] * v + (1 - z[j]) * hh[j]);
    out.push(h);
  }
  return out;
}

/** A Keras LSTM over one sequence: the outputs h_t (gates i, f, c, o). */
export function kerasLstm(xs: number[][], k: ArrayLike<number>, rk: ArrayLike<number>, bias: ArrayLike<number>, H: number, act: Act = tanh, rec: Act = sigmoid): number[][] {
  let h = new Array<number>(H).fill(0), c = new Array<number>(H).fill(0);
  const out: number[][] = [];
  for (const x of xs) {
    const zx = dot(x, k, 4 * H, 0, 4 * H), zh = dot(h, rk, 4 * H, 0, 4 * H);
    const z = zx.map((v, j) => v + zh[j] + bias[j]);
    const i = z.slice(0, H).map(rec), f = z.slice(H, 2 * H).map(rec), g = z.slice(2 * H, 3 * H).map(act), o = z.slice(3 * H).map(rec);
    c = c.map((v, j) => f[j] * v + i[j] * g[j]);
    h = o.map((v, j) => v * act(c[j]));
    out.push(h);
  }
  return out;
}

/** x·K + b for a Dense kernel [in, out]. */
export function kerasDense(x: number[], k: ArrayLike<number>, b: ArrayLike<number>, out: number): number[] {
  return dot(x, k, out, 0, out).map((v, j) => v + b[j]);
}
