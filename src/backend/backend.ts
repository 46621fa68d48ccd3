// The backend interface: the kernels every tensor operation reduces to, over raw buffers only.
// The pure TypeScript backend (./ref) is the living specification; a faster backend must produce the
// same numbers on the same inputs, and is installed with setBackend().

import type { FloatArray } from './dtype.js';
import type { BinaryOp, UnaryOp } from './ref/pointwise.js';
import * as gemmRef from './ref/gemm.js';
import * as pointwise from './ref/pointwise.js';
import * as reduce from './ref/reduce.js';
import * as layout from './ref/layout.js';
import * as crossEntropy from './ref/cross_entropy.js';
import * as optim from './ref/optim.js';
import type { AdamStep, SgdStep } from './ref/optim.js';
import * as gemmWasm from './wasm/gemm.js';
import * as rowsWasm from './wasm/rows.js';
import * as crossEntropyWasm from './wasm/cross_entropy.js';
import * as gatherWasm from './wasm/gather.js';
import * as optimWasm from './wasm/optim.js';
import * as pointwiseWasm from './wasm/pointwise.js';

export type { BinaryOp, UnaryOp } from './ref/pointwise.js';
export type { AdamStep, SgdStep } from './ref/optim.js';

export interface Backend {
  readonly name: string;
  gemm(
    transA: boolean, transB: boolean, M: number, N: number, K: number,
    A: FloatArray, aOff: number, B: FloatArray, bOff: number, C: FloatArray, cOff: number, accumulate: boolean,
  ): void;
  unary(op: UnaryOp, x: FloatArray, out: FloatArray): void;
  powScalar(x: FloatArray, p: number, out: FloatArray): void;
  affineScalar(x: FloatArray, a: number, b: number, out: FloatArray): void;
  binary(
    op: BinaryOp, a: FloatArray, aShape: readonly number[], b: FloatArray, bShape: readonly number[],
    out: FloatArray, outShape: readonly number[],
  ): void;
  sumTo(x: FloatArray, shape: readonly number[], out: FloatArray, outShape: readonly number[]): void;
  /** Σ_i x[i]², accumulated in float64 (the squared 2-norm). */
  sumSquares(x: FloatArray): number;
  maxAxis(x: FloatArray, outer: number, size: number, inner: number, out: FloatArray, arg: Int32Array): void;
  softmaxRows(x: FloatArray, rows: number, n: number, out: FloatArray, log: boolean): void;
  permute(x: FloatArray, shape: readonly number[], perm: readonly number[], out: FloatArray): void;
  /** out[i, :] = table[index[i], :]. table [V, width], index [n] (each in [0, V)), out [n, width]. */
  gatherRows(table: FloatArray, width: number, index: Int32Array, out: FloatArray): void;
  /** table[index[i], :] += src[i, :] (repeated indices accumulate). src [n, width], index [n], table [V, width]. */
  scatterAddRows(src: FloatArray, width: number, index: Int32Array, table: FloatArray): void;
  /**
   * Softmax cross-entropy forward: logp[i, :] = log softmax(x[i, :]) and nll[i] = −logp[i, t_i], or 0
   * where t_i < 0 (a dropped row). x, logp [N, C]; targets, nll [N]; kept targets in [0, C).
   */
  crossEntropyForward(x: FloatArray, N: number, C: number, targets: Int32Array, logp: FloatArray, nll: FloatArray): void;
  /**
   * Softmax cross-entropy backward: gx[i, :] = exp(logp[i, :])·scale[i] − scale[i]·onehot(t_i), zeros
   * where t_i < 0. logp, gx [N, C]; targets, scale [N] (scale: the row's weight times the upstream
   * gradient of its loss).
   */
  crossEntropyBackward(logp: FloatArray, N: number, C: number, targets: Int32Array, scale: Float64Array, gx: FloatArray): void;
  /**
   * One Adam/AdamW update (torch.optim's order of operations, see ./ref/optim.ts) of one parameter, in
   * place: p, g, m (exp_avg), v (exp_avg_sq), vMax (max_exp_avg_sq, or null without amsgrad) all [n].
   */
  adamUpdate(p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, vMax: FloatArray | null, h: AdamStep): void;
  /**
   * One SGD update (torch.optim.SGD, see ./ref/optim.ts) of one parameter, in place: p, g and buf
   * (momentum_buffer, or null when momentum is 0) all [n].
   */
  sgdUpdate(p: FloatArray, g: FloatArray, buf: FloatArray | null, h: SgdStep): void;
}

/** The reference backend in plain TypeScript. */
export const refBackend: Backend = {
  name: 'ref',
  gemm: gemmRef.gemm,
  unary: pointwise.unary,
  powScalar: pointwise.powScalar,
  affineScalar: pointwise.affineScalar,
  binary: pointwise.binary,
  sumTo: reduce.sumTo,
  sumSquares: reduce.sumSquares,
  maxAxis: reduce.maxAxis,
  softmaxRows: reduce.softmaxRows,
  permute: layout.permute,
  gatherRows: layout.gatherRows,
  scatterAddRows: layout.scatterAddRows,
  crossEntropyForward: crossEntropy.crossEntropyForward,
  crossEntropyBackward: crossEntropy.crossEntropyBackward,
  adamUpdate: optim.adamUpdate,
  sgdUpdate: optim.sgdUpdate,
};

/**
 * The reference backend with gemm, same-shape arithmetic, the affine map and sum of squares, row
 * softmax, softmax cross-entropy, embedding gather/scatter-add and the optimizer updates on
 * WebAssembly for float32 (float64 keeps the reference). Each wasm
 * kernel was measured faster than the reference at the sizes of a char-model training step
 * (scripts/bench-kernels.mjs); each falls back to the reference where it would not pay (parameters
 * under 128 floats, fewer than 64 logits, tables over twice the rows moved).
 */
export const wasmBackend: Backend = {
  ...refBackend,
  name: 'wasm',
  gemm: gemmWasm.gemm,
  binary: (op, a, aShape, b, bShape, out, outShape) => pointwiseWasm.binary(op, a, aShape, b, bShape, out, outShape),
  affineScalar: (x, a, b, out) => pointwiseWasm.affineScalar(x, a, b, out),
  sumSquares: (x) => pointwiseWasm.sumSquares(x),
  softmaxRows: rowsWasm.softmaxRows,
  gatherRows: (table, width, index, out) => gatherWasm.gatherRows(table, width, index, out),
  scatterAddRows: (src, width, index, table) => gatherWasm.scatterAddRows(src, width, index, table),
  crossEntropyForward: (x, N, C, targets, logp, nll) => crossEntropyWasm.crossEntropyForward(x, N, C, targets, logp, nll),
  crossEntropyBackward: (logp, N, C, targets, scale, gx) => crossEntropyWasm.crossEntropyBackward(logp, N, C, targets, scale, gx),
  adamUpdate: (p, g, m, v, vMax, h) => optimWasm.adamUpdate(p, g, m, v, vMax, h),
  sgdUpdate: (p, g, buf, h) => optimWasm.sgdUpdate(p, g, buf, h),
};

// wasm where the engine has SIMD; UNFOLD_BACKEND=ref (Node) forces the reference.
function defaultBackend(): Backend {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const choice = env?.UNFOLD_BACKEND ?? '';
  if (choice !== '' && choice !== 'ref' && choice !== 'wasm') {
    throw new Error(`UNFOLD_BACKEND: expected 'ref' or 'wasm', got '${choice}'`);
  }
  return choice !== 'ref' && gemmWasm.wasmGemmAvailable() ? wasmBackend : refBackend;
}

let current: Backend = defaultBackend();

/** The backend that tensor operations currently run on. */
export function getBackend(): Backend { return current; }

/** Installs a backend for all later operations. */
export function setBackend(backend: Backend): void { current = backend; }
