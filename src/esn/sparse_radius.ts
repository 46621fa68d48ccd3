// The spectral radius of a sparse reservoir matrix, by block power iteration over its product
// (the dense eigenvalue routines are in ../nn/eigen.ts).

import type { CsrMatrix } from './sparse.js';
import { spectralRadiusPower, type PowerIterationOptions } from '../nn/eigen.js';

/** Spectral radius of a sparse matrix by {@link spectralRadiusPower}. */
export function spectralRadiusSparse(W: CsrMatrix, opts: PowerIterationOptions = {}): number {
  if (W.rows !== W.cols) throw new Error(`expected a square matrix, got ${W.rows}×${W.cols}`);
  return spectralRadiusPower((x, out) => { W.mulVec(x, out); }, W.rows, opts);
}
