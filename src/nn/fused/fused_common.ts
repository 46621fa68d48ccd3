// What the fused LSTM, GRU and RNN ops share: their arguments and checks, the input projection of
// all time steps in one matrix product, the bias gradient as column sums, and the GradWriters that
// put each input's gradient straight into the engine's sums.
// T = time, B = batch, I = input, H = hidden, G = gate blocks (LSTM 4, GRU 3, RNN 1).

import type { FloatArray } from '../../backend/dtype.js';
import { getBackend } from '../../backend/backend.js';
import type { GradWriter, InputGrad, Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import type { WorkspacePool } from './workspace.js';

/** The tensors of one direction of one layer. */
export interface FusedInputs {
  /** [T, B, I], time-major. */
  x: Tensor;
  /** [B, H]; zeros when null. */
  h0: Tensor | null;
  /** [G·H, I] */
  weightIh: Tensor;
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
}

export interface Dims { T: number; B: number; I: number; H: number }

function expectShape(op: string, what: string, t: Tensor, shape: number[]): void {
  if (t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`${op}: expected ${what} of shape ${formatShape(shape)}, got ${formatShape(t.shape)}`);
  }
}

/** Checks shapes and dtypes against x [T, B, I] and weight_hh [G·H, H]; returns the sizes. */
export function checkInputs(op: string, a: FusedInputs, G: number, c0: Tensor | null = null): Dims {
  const { x, weightHh } = a;
  if (x.rank !== 3 || x.shape[0] < 1) throw new Error(`${op}: expected input of shape [T >= 1, B, I], got ${formatShape(x.shape)}`);
  if (weightHh.rank !== 2 || weightHh.shape[0] !== G * weightHh.shape[1]) {
    throw new Error(`${op}: expected weight_hh of shape [${G}·H, H], got ${formatShape(weightHh.shape)}`);
  }
  const [T, B, I] = x.shape, H = weightHh.shape[1];
  expectShape(op, 'weight_ih', a.weightIh, [G * H, I]);
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
 * x [T·B, I], W_ih [G·H, I], bias [G·H] or null, out [T·B, G·H].
 */
export function projectInputs(x: FloatArray, wIh: FloatArray, bias: FloatArray | null, rows: number, GH: number, I: number, out: FloatArray, outOff: number): void {
  if (bias !== null) for (let r = 0; r < rows; r++) out.set(bias, outOff + r * GH);
  getBackend().gemm(false, true, rows, GH, I, x, 0, wIh, 0, out, outOff, bias !== null);
}

/** b_ih + b_hh into out [G·H] (the forward adds both biases once, in the projection); false if neither. */
export function sumBiases(a: FusedInputs, out: FloatArray): boolean {
  if (!a.biasIh && !a.biasHh) return false;
  out.fill(0);
  for (const b of [a.biasIh, a.biasHh]) if (b) for (let j = 0; j < out.length; j++) out[j] += b.data[j];
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
      if (accumulate) for (let i = 0; i < src.length; i++) dst[i] += src[i];
      else dst.set(src);
    },
  };
}

/** A gradient that is one matrix product, written (or added) into the engine's sum by the kernel. */
export function gemmWriter(transA: boolean, transB: boolean, M: number, N: number, K: number, A: FloatArray, B: FloatArray, bOff = 0): GradWriter {
  return { write: (dst, accumulate) => getBackend().gemm(transA, transB, M, N, K, A, 0, B, bOff, dst, 0, accumulate) };
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
