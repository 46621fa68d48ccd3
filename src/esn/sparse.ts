// Compressed sparse row (CSR) matrices: the recurrent weights of a reservoir are mostly zeros
// (1–10 % connectivity is usual), and a CSR product costs one multiply-add per stored weight,
// so a 1000-unit reservoir at 1 % steps a hundred times faster than its dense equivalent.

import type { Rng } from '../tensor/random.js';

/** A rows×cols matrix in CSR form: row i holds values[rowPtr[i] .. rowPtr[i+1]) at columns colIdx[...]. */
export class CsrMatrix {
  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly rowPtr: Int32Array,
    readonly colIdx: Int32Array,
    readonly values: Float64Array,
  ) {
    if (rowPtr.length !== rows + 1) throw new Error(`expected rowPtr of length ${rows + 1}, got ${rowPtr.length}`);
    if (colIdx.length !== values.length || rowPtr[rows] !== values.length) {
      throw new Error(`expected ${rowPtr[rows]} column indices and values, got ${colIdx.length} and ${values.length}`);
    }
  }

  /** Number of stored (non-zero) entries. */
  get nnz(): number { return this.values.length; }

  /** The CSR form of a dense row-major matrix, keeping its non-zero entries. */
  static fromDense(A: ArrayLike<number>, rows: number, cols: number): CsrMatrix {
    if (A.length !== rows * cols) throw new Error(`expected a ${rows}×${cols} matrix (${rows * cols} values), got ${A.length}`);
    const rowPtr = new Int32Array(rows + 1);
    const cols_: number[] = [], vals: number[] = [];
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const v = A[i * cols + j];
        if (v !== 0) { cols_.push(j); vals.push(v); }
      }
      rowPtr[i + 1] = vals.length;
    }
    return new CsrMatrix(rows, cols, rowPtr, Int32Array.from(cols_), Float64Array.from(vals));
  }

  /**
   * A random n×n matrix with `k = max(1, round(density · n))` non-zeros in every row, at distinct
   * columns drawn uniformly; values from `draw()`. A fixed in-degree (rather than a coin per entry)
   * gives every unit the same number of recurrent inputs, and costs O(n k) instead of O(n²).
   */
  static random(n: number, density: number, draw: () => number, rng: Rng): CsrMatrix {
    if (!(density > 0 && density <= 1)) throw new Error(`expected a density in (0, 1], got ${density}`);
    const k = Math.min(n, Math.max(1, Math.round(density * n)));
    const rowPtr = new Int32Array(n + 1);
    const colIdx = new Int32Array(n * k);
    const values = new Float64Array(n * k);
    const chosen = new Uint8Array(n);
    const row = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      rng.distinct(n, k, row, chosen);
      for (let m = 0; m < k; m++) {
        colIdx[i * k + m] = row[m];
        values[i * k + m] = draw();
      }
      rowPtr[i + 1] = (i + 1) * k;
    }
    return new CsrMatrix(n, n, rowPtr, colIdx, values);
  }

  /** out = A x (out must not alias x). */
  mulVec(x: ArrayLike<number>, out: Float64Array = new Float64Array(this.rows)): Float64Array {
    const { rowPtr, colIdx, values } = this;
    for (let i = 0; i < this.rows; i++) {
      let s = 0;
      for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) s += values[p] * x[colIdx[p]];
      out[i] = s;
    }
    return out;
  }

  /** Multiplies every stored value by `s`, in place. */
  scale(s: number): this {
    for (let p = 0; p < this.values.length; p++) this.values[p] *= s;
    return this;
  }

  /** The dense row-major form. */
  toDense(): Float64Array {
    const A = new Float64Array(this.rows * this.cols);
    for (let i = 0; i < this.rows; i++) {
      for (let p = this.rowPtr[i]; p < this.rowPtr[i + 1]; p++) A[i * this.cols + this.colIdx[p]] = this.values[p];
    }
    return A;
  }
}
