// Row-wise kernels on WebAssembly SIMD with the reference's contracts: softmax / log-softmax of each
// row (../ref/reduce.ts softmaxRows) and column sums. float64 and anything the module cannot take
// go to the reference.

import type { FloatArray } from '../dtype.js';
import { softmaxRows as softmaxRowsRef } from '../ref/reduce.js';
import { Scratch, get, put, wasmModule } from './module.js';

/** out[r, :] = softmax(x[r, :]) (or log-softmax), x [rows, n]; as ../ref/reduce.ts. */
export function softmaxRows(x: FloatArray, rows: number, n: number, out: FloatArray, log: boolean): void {
  const e = wasmModule();
  if (e === null || !(x instanceof Float32Array) || !(out instanceof Float32Array) || x.length < rows * n || out.length < rows * n || n === 0) {
    softmaxRowsRef(x, rows, n, out, log);
    return;
  }
  const s = new Scratch();
  const xP = s.take(rows * n), yP = s.take(rows * n);
  if (!s.commit(e)) { softmaxRowsRef(x, rows, n, out, log); return; }
  put(x, xP, 0, rows * n);
  e.softmaxRows(rows, n, xP, yP, log);
  get(yP, rows * n, out);
}
