// The backend interface: the kernels every tensor operation reduces to, over raw buffers only.
// The pure TypeScript backend (./ref) is the living specification; a faster backend must produce the
// same numbers on the same inputs, and is installed with setBackend().

import type { FloatArray } from './dtype.js';
import type { BinaryOp, UnaryOp } from './ref/pointwise.js';
import * as gemmRef from './ref/gemm.js';
import * as pointwise from './ref/pointwise.js';
import * as reduce from './ref/reduce.js';
import * as layout from './ref/layout.js';
import * as gemmWasm from './wasm/gemm.js';
import * as rowsWasm from './wasm/rows.js';

export type { BinaryOp, UnaryOp } from './ref/pointwise.js';

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
  maxAxis(x: FloatArray, outer: number, size: number, inner: number, out: FloatArray, arg: Int32Array): void;
  softmaxRows(x: FloatArray, rows: number, n: number, out: FloatArray, log: boolean): void;
  permute(x: FloatArray, shape: readonly number[], perm: readonly number[], out: FloatArray): void;
  gatherRows(table: FloatArray, width: number, index: Int32Array, out: FloatArray): void;
  scatterAddRows(src: FloatArray, width: number, index: Int32Array, table: FloatArray): void;
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
  maxAxis: reduce.maxAxis,
  softmaxRows: reduce.softmaxRows,
  permute: layout.permute,
  gatherRows: layout.gatherRows,
  scatterAddRows: layout.scatterAddRows,
};

/**
 * The reference backend with gemm and row softmax on WebAssembly SIMD for float32 (float64 keeps the
 * reference).
 */
export const wasmBackend: Backend = { ...refBackend, name: 'wasm', gemm: gemmWasm.gemm, softmaxRows: rowsWasm.softmaxRows };

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
