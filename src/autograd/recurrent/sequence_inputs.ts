// What the LSTM, GRU and RNN sequence ops share: their arguments and checks, the input projection of
// all time steps at once (one matrix product, or a gather of rows from a table already projected),
// and the GradWriters that put each input's gradient straight into the engine's sums. Everything
// here runs through the backend's kernels on Storages, so on wasm nothing leaves linear memory.
// T = time, B = batch, I = input, H = hidden, G = gate blocks · H (LSTM 4H, GRU 3H, RNN H).

import { getBackend, type TableRows } from '../../backend/backend.js';
import { Storage } from '../../backend/storage.js';
import { Tensor, type GradWriter, type InputGrad } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { checkLengths } from '../../tensor/sequence_mask.js';
import type { IndexTensor } from '../ops/gather.js';
import { biasRows } from '../ops/matmul.js';
import type { WorkspacePool } from './workspace_pool.js';

/** The tensors of one direction of one layer. */
export interface SequenceInputs {
  /**
   * [T, B, I], time-major; or, when weightIh is null, the input projection already made,
   * x·W_ihᵀ + b_ih [T, B, G·H]; or, when ids are given too, a table of projected rows [V, G·H]
   * (see foldInputProjection in src/nn/fused/route.ts).
   */
  x: Tensor;
  /**
   * With a table of projected rows as x: ids [T, B] (time-major), the row of x that is the input of
   * batch row b at step t. x's gradient is then those rows' gradients scatter-added, [V, G·H].
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

export interface SequenceOptions {
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
  /**
   * The caller keeps every view of the outputs to itself and hands on only copies (a batch-first
   * layer's transpose, a bidirectional layer's concat, the carry's stack) or feeds them to a later
   * op of the same graph (the next layer). The packed buffer then comes from the workspace and is
   * reused once the engine has run this op's backward (default false: a new buffer per call, since
   * a returned view may be kept by the user for as long as they like).
   */
  internal?: boolean;
}

/** Checks lengths against B rows of at most T steps; null when every row has all T steps. */
export function fullOrLengths(op: string, lengths: Int32Array | null | undefined, T: number, B: number): Int32Array | null {
  if (lengths === null || lengths === undefined) return null;
  checkLengths(lengths, T, B, { who: op });
  return lengths.every((n) => n === T) ? null : lengths;
}

export interface Dims { T: number; B: number; I: number; H: number }

function expectShape(op: string, what: string, t: Tensor, shape: number[]): void {
  if (t.rank !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`${op}: expected ${what} of shape ${formatShape(shape)}, got ${formatShape(t.shape)}`);
  }
}

/** Checks shapes and dtypes against x [T, B, I] and weight_hh [G·H, H]; returns the sizes. */
export function checkInputs(op: string, a: SequenceInputs, G: number, c0: Tensor | null = null): Dims {
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
 * With a table of projected rows and no bias to add, the rows the time loop reads from the table
 * itself (Backend.lstmForward's `rows`: the wasm loops gather each step's rows as they use them),
 * and projectInputs is skipped; null otherwise.
 */
export function tableRowsOf(a: SequenceInputs, biases: readonly (Tensor | null)[]): TableRows | null {
  return a.ids && biases.every((b) => b === null) ? { table: a.x.storage, ids: a.ids.data } : null;
}

/**
 * out [T·B, G] = x_r·W_ihᵀ + Σ biases for the T·B rows r. With W_ih null, x is the projection
 * already ([T·B, G]); with ids too, x is a table of projected rows and row r is x[ids[r]].
 */
export function projectInputs(a: SequenceInputs, rows: number, G: number, I: number, biases: readonly (Tensor | null)[], out: Storage): void {
  const be = getBackend();
  const bs = biases.filter((b): b is Tensor => b !== null);
  // one bias vector [G]: the sum of those given (both of the LSTM's add to the same pre-activation)
  let bias: Storage | null = bs.length === 0 ? null : bs[0].storage;
  if (bs.length > 1) {
    bias = new Storage(out.dtype, G);
    be.binary('add', bs[0].storage, [G], bs[1].storage, [G], bias, [G]);
  }
  const shape = [rows, G];
  if (a.weightIh !== null) {
    if (bias === null) { be.gemm(false, true, rows, G, I, a.x.storage, 0, a.weightIh.storage, 0, out, 0, false); return; }
    biasRows(bias, rows, G, out);
    be.gemm(false, true, rows, G, I, a.x.storage, 0, a.weightIh.storage, 0, out, 0, true);
    return;
  }
  if (a.ids) be.gatherRows(a.x.storage, G, a.ids.data, out);
  else be.copy(a.x.storage, 0, out, 0, rows * G);
  if (bias !== null) be.binary('add', out, shape, bias, [G], out, shape);
}

/** A gradient already made in a storage (exactly the input's size). */
export function copyWriter(src: Storage): GradWriter {
  return {
    write(dst, accumulate) {
      const be = getBackend();
      if (accumulate) be.addInto(src, 0, dst, 0, src.length);
      else be.copy(src, 0, dst, 0, src.length);
    },
  };
}

/** A gradient that is one matrix product, written (or added) into the engine's sum by the kernel. */
export function gemmWriter(transA: boolean, transB: boolean, M: number, N: number, K: number, A: Storage, aOff: number, B: Storage, bOff: number): GradWriter {
  return { write: (dst, accumulate) => getBackend().gemm(transA, transB, M, N, K, A, aOff, B, bOff, dst, 0, accumulate) };
}

/** A bias gradient: the column sums of d [rows, n]. */
export function columnSumWriter(d: Storage, rows: number, n: number): GradWriter {
  return { write: (dst, accumulate) => getBackend().colSums(d, rows, n, dst, accumulate) };
}

/**
 * The gradient of x from dZ [T·B, G], the pre-activation gradient of the input side: dZ · W_ih
 * [T·B, I]; dZ itself when x is the projection already; with ids, dZ's rows added into the rows of
 * the table they were read from ([V, G]).
 */
export function inputGradWriter(a: SequenceInputs, dz: Storage, rows: number, I: number, G: number): GradWriter {
  const ids = a.ids?.data ?? null;
  if (ids) {
    return {
      write(dst, accumulate) {
        const be = getBackend();
        if (!accumulate) be.fill(dst, 0, 0, dst.length);
        be.scatterAddRows(dz, G, ids, dst);
      },
    };
  }
  if (a.weightIh === null) return copyWriter(dz);
  return gemmWriter(false, false, rows, I, G, dz, 0, a.weightIh.storage, 0); // [T·B, G] · [G, I]
}

/** dW_ih [G, I] = dZᵀ · X, or no gradient when there is no W_ih (x already projected). */
export function weightIhGradWriter(a: SequenceInputs, dz: Storage, rows: number, I: number, G: number): GradWriter | null {
  return a.weightIh === null ? null : gemmWriter(true, false, G, I, rows, dz, 0, a.x.storage, 0);
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

/** Copies t's values into s's block `block` of B·H (zeros when t is null). */
export function putBlock(t: Tensor | null, s: Storage, block: number, BH: number): void {
  const be = getBackend();
  if (t) be.copy(t.storage, 0, s, block * BH, BH);
  else be.fill(s, 0, block * BH, BH);
}
