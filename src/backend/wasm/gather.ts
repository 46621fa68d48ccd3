// Embedding row gather and scatter-add on WebAssembly (./assembly/gather.ts) with the reference's
// contracts (../ref/layout.ts). The whole table is copied in (and, for scatter-add, back out), so
// wasm is used only when the table is at most TABLE_RATIO times the rows moved (`force` skips that
// test, for tests and benchmarks); float64, indices outside the table and short arrays go to the
// reference.

import type { FloatArray } from '../dtype.js';
import { gatherRows as gatherRef, scatterAddRows as scatterRef } from '../ref/layout.js';
import { Scratch, get, put, putI32, wasmModule } from './module.js';

/**
 * Largest table size, in multiples of the floats moved, that still takes wasm by default. Measured
 * (rows of 64 floats): 32 rows against a 65-row table (ratio 2) run 2.4× (gather) and 4× (scatter-add)
 * faster in wasm; one row against it (ratio 65) and 2048 rows against a 10,000-row table (ratio 4.9)
 * run slower.
 */
export const TABLE_RATIO = 2;

function indicesFit(index: Int32Array, V: number): boolean {
  for (let i = 0; i < index.length; i++) { const r = index[i]; if (r < 0 || r >= V) return false; }
  return true;
}

/** out[i, :] = table[index[i], :]: table [V, width], index [n], out [n, width]; as ../ref/layout.ts. */
export function gatherRows(table: FloatArray, width: number, index: Int32Array, out: FloatArray, force = false): void {
  const e = wasmModule();
  const n = index.length, rows = n * width, V = Math.floor(table.length / Math.max(width, 1));
  if (
    e === null || !(table instanceof Float32Array) || !(out instanceof Float32Array) || width === 0 || n === 0 ||
    out.length < rows || (!force && table.length > TABLE_RATIO * rows) || !indicesFit(index, V)
  ) {
    gatherRef(table, width, index, out);
    return;
  }
  const s = new Scratch();
  const tP = s.take(V * width), iP = s.take(n), oP = s.take(rows);
  if (!s.commit(e)) { gatherRef(table, width, index, out); return; }
  put(table, tP, 0, V * width);
  putI32(index, iP);
  e.gatherRows(n, width, tP, iP, oP);
  get(oP, rows, out);
}

/** table[index[i], :] += src[i, :]: src [n, width], index [n], table [V, width]; as ../ref/layout.ts. */
export function scatterAddRows(src: FloatArray, width: number, index: Int32Array, table: FloatArray, force = false): void {
  const e = wasmModule();
  const n = index.length, rows = n * width, V = Math.floor(table.length / Math.max(width, 1));
  if (
    e === null || !(src instanceof Float32Array) || !(table instanceof Float32Array) || width === 0 || n === 0 ||
    src.length < rows || (!force && table.length > TABLE_RATIO * rows) || !indicesFit(index, V)
  ) {
    scatterRef(src, width, index, table);
    return;
  }
  const s = new Scratch();
  const sP = s.take(rows), iP = s.take(n), tP = s.take(V * width);
  if (!s.commit(e)) { scatterRef(src, width, index, table); return; }
  put(src, sP, 0, rows);
  putI32(index, iP);
  put(table, tP, 0, V * width);
  e.scatterAddRows(n, width, sP, iP, tP);
  get(tP, V * width, table);
}
