// What the fused LSTM, GRU and RNN ops share: their arguments and checks, the input projection of
// all time steps in one matrix product, the bias gradient as column sums, and the GradWriters that
// put each input's gradient straight into the engine's sums.
// T = time, B = batch, I = input, H = hidden, G = gate blocks (LSTM 4, GRU 3, RNN 1).

import { allocate, type FloatArray } from '../../backend/dtype.js';
import { getBackend } from '../../backend/backend.js';
import { hostGemm } from '../../backend/host_arrays.js';
import { Storage } from '../../backend/storage.js';
import { Tensor as TensorClass, type GradWriter, type InputGrad, type Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import type { WorkspacePool } from './workspace.js';
import type { IndexTensor } from '../../autograd/ops/gather.js';

/** The tensors of one direction of one layer. */
export interface FusedInputs {
  /**
   * [T, B, I], time-major; or, when weightIh is null, the input projection already made,
   * x·W_ihᵀ + b_ih [T, B, G·H]; or, when ids are given too, a table of projected rows [V, G·H]
   * (see foldInputProjection in ./route.ts).
   */
  x: Tensor;
  /**
   * With a table of projected rows as x: ids [T, B] (time-major), the row of x that is the input of
   * batch row b at step t. The op then never holds the [T, B, G·H] gathered rows as a tensor, and
   * x's gradient is their scatter-added sum, [V, G·H].
   */
  ids?: IndexTensor | null;
  /** [B, H]; zeros when null. */
  h0: Tensor | null;
  /** [G·H, I]; null when x is already projected (then biasIh is null too: it is in x). */
  weightIh: Tensor | null;
  /** [G·H, H] */
  weightHh: Tensor;
  /** [G·H] each, or null (bias: false). */
  biasIh: Tensor | null;
  biasHh: Tensor | null;
}

export interface FusedOptions {
  /** Run the steps t = T−1 … 0, as the backward half of a bidirectional layer (default false). */
  reverse?: boolean;
  /** Where the workspace comes from and goes back to (default: a new one per call). */
  pool?: WorkspacePool | null;
  /**
   * Valid steps per batch row, 1 <= len_b <= T (default: all T), as PyTorch's packed sequences:
   * steps t >= len_b leave the state alone and output zeros (their gradient is ignored), the
   * reverse direction starts at t = len_b − 1, and the final state is each row's own last one.
   */
  lengths?: Int32Array | null;
}

/** Checks lengths against B rows of at most T steps; null when every row has all T steps. */
export function checkLengths(op: string, lengths: Int32Array | null | undefined, T: number, B: number): Int32Array | null {
  if (lengths === null || lengths === undefined) return null;
  if (lengths.length !== B) throw new Error(`${op}: expected lengths of size ${B} (one per batch row), got ${lengths.length}`);
  let all = true;
  for (let b = 0; b < B; b++) {
    const n = lengths[b];
    if (!(n >= 1 && n <= T)) throw new Error(`${op}: expected every length in [1, ${T}], got ${n} for row ${b}`);
    if (n !== T) all = false;
  }
  return all ? null : lengths;
}

/**
 * The steps past a row's length are identity steps: the state blocks of step t copy those of its
 * h_prev for rows with t >= len_b (dst and src are block offsets, H = hidden).
 */
export function carryPadded(lengths: Int32Array, t: number, H: number, buf: FloatArray, dst: number, src: number): void {
  for (let b = 0; b < lengths.length; b++) {
    if (t < lengths[b]) continue;
    buf.copyWithin(dst + b * H, src + b * H, src + (b + 1) * H);
  }
}

/** Zeros rows b with t >= len_b of a [B, n] block at off (their gate gradients). */
export function zeroPadded(lengths: Int32Array, t: number, n: number, buf: FloatArray, off: number): void {
  for (let b = 0; b < lengths.length; b++) if (t >= lengths[b]) buf.fill(0, off + b * n, off + (b + 1) * n);
}

/** dst rows b with t >= len_b = keep rows ([B, H]: the gradient a padded step passes through). */
export function restorePadded(lengths: Int32Array, t: number, H: number, keep: FloatArray, dst: FloatArray): void {
  for (let b = 0; b < lengths.length; b++) if (t >= lengths[b]) for (let j = b * H; j < (b + 1) * H; j++) dst[j] = keep[j];
}

/** out[t, b, :] = 1 for t < len_b, else 0: [T, B, 1], to zero the outputs past each row's length. */
export function lengthMask(lengths: Int32Array, T: number, x: Tensor): Tensor {
  const B = lengths.length;
  const m = allocate(x.dtype, T * B);
  for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) m[t * B + b] = t < lengths[b] ? 1 : 0;
  return new TensorClass(m, [T, B, 1]);
}

export interface Dims { T: number; B: number; I: number; H: number }

function expectShape(op: string, what: string, t: Tensor, shape: number[]): void {
  if (t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`${op}: expected ${what} of shape ${formatShape(shape)}, got ${formatShape(t.shape)}`);
  }
}

/** Checks shapes and dtypes against x [T, B, I] and weight_hh [G·H, H]; returns the sizes. */
export function checkInputs(op: string, a: FusedInputs, G: number, c0: Tensor | null = null): Dims {
  const { x, weightHh, ids } = a;
  if (weightHh.rank !== 2 || weightHh.shape[0] !== G * weightHh.shape[1]) {
    throw new Error(`${op}: expected weight_hh of shape [${G}·H, H], got ${formatShape(weightHh.shape)}`);
  }
  const H = weightHh.shape[1];
  let T: number, B: number, I: number;
  if (ids) {
    if (a.weightIh) throw new Error(`${op}: expected no weight_ih with ids (x is then a table of projected rows), got one`);
    if (ids.shape.length !== 2 || ids.shape[0] < 1) throw new Error(`${op}: expected ids of shape [T >= 1, B], got ${formatShape(ids.shape)}`);
    if (x.rank !== 2 || x.shape[1] !== G * H) throw new Error(`${op}: expected a table of projected rows of shape [V, ${G * H}], got ${formatShape(x.shape)}`);
    [T, B] = ids.shape;
    I = G * H;
    const V = x.shape[0];
    for (let i = 0; i < ids.data.length; i++) {
      const v = ids.data[i];
      if (!(v >= 0 && v < V)) throw new Error(`${op}: expected ids in [0, ${V}), got ${v} at position ${i}`);
    }
  } else {
    if (x.rank !== 3 || x.shape[0] < 1) throw new Error(`${op}: expected input of shape [T >= 1, B, I], got ${formatShape(x.shape)}`);
    [T, B, I] = x.shape;
  }
  if (a.weightIh) expectShape(op, 'weight_ih', a.weightIh, [G * H, I]);
  else {
    if (I !== G * H) throw new Error(`${op}: expected a projected input (no weight_ih) of shape [T, B, ${G * H}], got ${formatShape(x.shape)}`);
    if (a.biasIh) throw new Error(`${op}: expected no bias_ih with a projected input (it belongs in the projection), got one`);
  }
  if (a.biasIh) expectShape(op, 'bias_ih', a.biasIh, [G * H]);
  if (a.biasHh) expectShape(op, 'bias_hh', a.biasHh, [G * H]);
  if (a.h0) expectShape(op, 'h0', a.h0, [B, H]);
  if (c0) expectShape(op, 'c0', c0, [B, H]);
  for (const t of [a.weightIh, weightHh, a.biasIh, a.biasHh, a.h0, c0]) {
    if (t && t.dtype !== x.dtype) throw new Error(`${op}: expected tensors of one dtype, got ${x.dtype} and ${t.dtype}`);
  }
  return { T, B, I, H };
}

/** Pool key of a workspace: op, dtype and sizes. */
export function workspaceKey(op: string, x: Tensor, d: Dims): string {
  return `${op}:${x.dtype}:${d.T},${d.B},${d.I},${d.H}`;
}

/**
 * out[r, :] = x[r, :]·W_ihᵀ + bias for all T·B rows at once, from outOff.
 * x [T·B, I], W_ih [G·H, I], bias [G·H] or null, out [T·B, G·H]. With W_ih null, x is the projection
 * already ([T·B, G·H]) and out[r, :] = x[r, :] + bias.
 */
export function projectInputs(
  x: FloatArray, wIh: FloatArray | null, bias: FloatArray | null, rows: number, GH: number, I: number, out: FloatArray, outOff: number,
  ids: Int32Array | null = null,
): void {
  if (wIh === null) {
    if (ids) gatherRowsInto(out, outOff, x, ids, GH);
    else out.set(x.subarray(0, rows * GH), outOff);
    if (bias !== null) addRows(out, outOff, bias, rows);
    return;
  }
  if (bias !== null) for (let r = 0; r < rows; r++) out.set(bias, outOff + r * GH);
  hostGemm(false, true, rows, GH, I, x, 0, wIh, 0, out, outOff, bias !== null);
}

/** dst[off + r·w + j] = table[ids[r]·w + j] for r < ids.length, j < w: rows picked by id. */
export function gatherRowsInto(dst: FloatArray, off: number, table: FloatArray, ids: Int32Array, w: number): void {
  for (let r = 0; r < ids.length; r++) dst.set(table.subarray(ids[r] * w, (ids[r] + 1) * w), off + r * w);
}

/** out[off + r·n + j] += v[j] for r < rows, n = v.length. */
export function addRows(out: FloatArray, off: number, v: FloatArray, rows: number): void {
  const n = v.length;
  for (let r = 0, o = off; r < rows; r++, o += n) for (let j = 0; j < n; j++) out[o + j] += v[j];
}

/**
 * The gradient of the input x from dZ [T·B, G·H], the pre-activation gradient of the input side:
 * dZ · W_ih [T·B, I]; dZ itself when x is the projection already (W_ih null); with ids, dZ's rows
 * added into the rows of the table they were read from ([V, G·H]).
 */
export function inputGradWriter(dz: FloatArray, wIh: Tensor | null, rows: number, I: number, GH: number, ids: Int32Array | null = null): GradWriter {
  if (ids) {
    return {
      write(dst, accumulate) {
        const dv = accumulate ? dst.write() : dst.overwrite();
        if (!accumulate) dv.fill(0);
        for (let r = 0; r < rows; r++) {
          const d = ids[r] * GH, s = r * GH;
          for (let j = 0; j < GH; j++) dv[d + j] += dz[s + j];
        }
      },
    };
  }
  return wIh === null ? copyWriter(dz.subarray(0, rows * GH)) : gemmWriter(false, false, rows, I, GH, dz, wIh.dataSync());
}

/** dW_ih [G·H, I] = dZᵀ · X, or no gradient when there is no W_ih (x already projected). */
export function weightIhGradWriter(dz: FloatArray, x: Tensor, wIh: Tensor | null, rows: number, I: number, GH: number): GradWriter | null {
  return wIh === null ? null : gemmWriter(true, false, GH, I, rows, dz, x.dataSync());
}

/** b_ih + b_hh into out [G·H] (the forward adds both biases once, in the projection); false if neither. */
export function sumBiases(a: FusedInputs, out: FloatArray): boolean {
  if (!a.biasIh && !a.biasHh) return false;
  out.fill(0);
  for (const b of [a.biasIh, a.biasHh]) {
    if (!b) continue;
    const bv = b.dataSync();
    for (let j = 0; j < out.length; j++) out[j] += bv[j];
  }
  return true;
}

/** out[j] = Σ_r g[r, j], g [rows, n]: a bias gradient. */
export function columnSums(g: FloatArray, rows: number, n: number, out: FloatArray): void {
  out.fill(0);
  for (let r = 0; r < rows; r++) {
    const base = r * n;
    for (let j = 0; j < n; j++) out[j] += g[base + j];
  }
}

/** A gradient already computed in a workspace buffer (src is exactly the input's size). */
export function copyWriter(src: FloatArray): GradWriter {
  return {
    write(dst, accumulate) {
      if (accumulate) { const d = dst.write(); for (let i = 0; i < src.length; i++) d[i] += src[i]; }
      else dst.overwrite().set(src);
    },
  };
}

/** A gradient that is one matrix product, written (or added) into the engine's sum by the kernel. */
export function gemmWriter(transA: boolean, transB: boolean, M: number, N: number, K: number, A: FloatArray, B: FloatArray, bOff = 0): GradWriter {
  return { write: (dst, accumulate) => getBackend().gemm(transA, transB, M, N, K, Storage.wrap(A), 0, Storage.wrap(B), bOff, dst, 0, accumulate) };
}

/** The non-null tensors of a fixed argument list (the node's inputs), and their gradients in the same order. */
export function presentInputs(all: readonly (Tensor | null)[]): Tensor[] {
  return all.filter((t): t is Tensor => t !== null);
}

export function presentGrads(all: readonly (Tensor | null)[], grads: readonly InputGrad[]): InputGrad[] {
  const out: InputGrad[] = [];
  for (let i = 0; i < all.length; i++) if (all[i] !== null) out.push(all[i]!.requiresGrad ? grads[i] : null);
  return out;
}
