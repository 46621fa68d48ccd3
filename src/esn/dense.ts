// Dense linear algebra on row-major Float64Array matrices: the few routines an echo state network
// needs (matrix-vector products and Cholesky solves). Float64 throughout, because the normal
// equations of a readout can have condition numbers near 1e12, which float32 cannot carry.

/** y = A x for A of shape (rows, cols), row-major; writes into `out` when given. */
export function matVec(A: Float64Array, rows: number, cols: number, x: ArrayLike<number>, out: Float64Array = new Float64Array(rows)): Float64Array {
  if (A.length !== rows * cols) throw new Error(`expected a ${rows}×${cols} matrix (${rows * cols} values), got ${A.length}`);
  if (x.length !== cols) throw new Error(`expected a vector of size ${cols}, got ${x.length}`);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    const o = i * cols;
    for (let j = 0; j < cols; j++) s += A[o + j] * x[j];
    out[i] = s;
  }
  return out;
}

/** Thrown by {@link cholesky} when a pivot is not positive: the matrix is not (numerically) positive definite. */
export class NotPositiveDefiniteError extends Error {
  constructor(readonly row: number, readonly pivot: number, readonly size: number) {
    super(`expected a symmetric positive definite ${size}×${size} matrix, but the Cholesky pivot at row ${row} is ${pivot.toPrecision(3)} (not > 0)`);
    this.name = 'NotPositiveDefiniteError';
  }
}

/**
 * Cholesky factor of a symmetric positive definite matrix: A = L Lᵀ with L lower triangular.
 * Reads only the lower triangle of A (row-major, n×n) and returns L as a new n×n row-major matrix
 * whose strict upper triangle is zero.
 *
 *     L_jj = sqrt(A_jj − Σ_{k<j} L_jk²),   L_ij = (A_ij − Σ_{k<j} L_ik L_jk) / L_jj   (i > j)
 *
 * @throws NotPositiveDefiniteError when a pivot A_jj − Σ L_jk² is not positive (or not finite).
 */
export function cholesky(A: Float64Array, n: number): Float64Array {
  if (A.length !== n * n) throw new Error(`expected a ${n}×${n} matrix (${n * n} values), got ${A.length}`);
  const L = new Float64Array(n * n);
  // Row-oriented (Cholesky–Banachiewicz): each inner product runs over two contiguous row prefixes.
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = A[ri + j];
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) throw new NotPositiveDefiniteError(i, s, n);
        L[ri + i] = Math.sqrt(s);
      } else {
        L[ri + j] = s / L[rj + j];
      }
    }
  }
  return L;
}

/**
 * Solves (L Lᵀ) X = B in place for B of shape (n, nrhs), row-major, given the Cholesky factor L
 * from {@link cholesky}: forward substitution L Z = B, then back substitution Lᵀ X = Z.
 */
export function choleskySolve(L: Float64Array, n: number, B: Float64Array, nrhs = 1): Float64Array {
  if (B.length !== n * nrhs) throw new Error(`expected a right-hand side of ${n}×${nrhs} values, got ${B.length}`);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let c = 0; c < nrhs; c++) {
      let s = B[i * nrhs + c];
      for (let k = 0; k < i; k++) s -= L[ri + k] * B[k * nrhs + c];
      B[i * nrhs + c] = s / L[ri + i];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let c = 0; c < nrhs; c++) {
      let s = B[i * nrhs + c];
      for (let k = i + 1; k < n; k++) s -= L[k * n + i] * B[k * nrhs + c];
      B[i * nrhs + c] = s / L[i * n + i];
    }
  }
  return B;
}

/** Solves A X = B for symmetric positive definite A (n×n) and B (n×nrhs); returns X, leaving A and B unchanged. */
export function solveSPD(A: Float64Array, n: number, B: Float64Array, nrhs = 1): Float64Array {
  return choleskySolve(cholesky(A, n), n, B.slice(), nrhs);
}
