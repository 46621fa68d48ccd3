// The ridge readout against the normal equations solved independently (Gaussian elimination with
// partial pivoting, written out here), with and without an unpenalised intercept, by both solvers
// (Cholesky on the normal equations, incremental QR); and the Cholesky factor itself.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { RidgeAccumulator, RidgeQR, cholesky, choleskySolve, ridgeRegression, NotPositiveDefiniteError } from '../../src/esn/index.js';

// Solves M x = b (n×n, dense) by Gaussian elimination with partial pivoting.
function gaussSolve(M: number[][], b: number[]): number[] {
  const n = b.length;
  const A = M.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r][c]) > Math.abs(A[p][c])) p = r;
    [A[c], A[p]] = [A[p], A[c]];
    for (let r = c + 1; r < n; r++) {
      const f = A[r][c] / A[c][c];
      for (let k = c; k <= n; k++) A[r][k] -= f * A[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = A[r][n];
    for (let k = r + 1; k < n; k++) s -= A[r][k] * x[k];
    x[r] = s / A[r][r];
  }
  return x;
}

// W (L×F) from (ZᵀZ + λ P) Wᵀ = Zᵀ Y, P = diag(penalised ? 1 : 0), by Gaussian elimination.
function normalEquations(Z: number[][], Y: number[][], lambda: number, penalised: boolean[]): number[][] {
  const F = Z[0].length, L = Y[0].length;
  const M = Array.from({ length: F }, (_, i) => Array.from({ length: F }, (_, j) =>
    Z.reduce((s, z) => s + z[i] * z[j], 0) + (i === j && penalised[i] ? lambda : 0)));
  return Array.from({ length: L }, (_, l) => gaussSolve(M, Array.from({ length: F }, (_, i) => Z.reduce((s, z, t) => s + z[i] * Y[t][l], 0))));
}

function tinyProblem(T: number, F: number, L: number, withBias: boolean, seed: number): { Z: number[][]; Y: number[][] } {
  const rng = new Rng(seed);
  const Z = Array.from({ length: T }, () => Array.from({ length: F }, (_, j) => (withBias && j === 0 ? 1 : rng.uniform(-1, 1) + 0.5)));
  const Y = Array.from({ length: T }, (_, t) => Array.from({ length: L }, (_, l) => Z[t].reduce((s, z, j) => s + z * (j - l + 0.5), 0) + 0.3 * rng.normal()));
  return { Z, Y };
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

test('Cholesky: L Lᵀ reproduces A, the solve inverts it, and an indefinite matrix is named', () => {
  const A = new Float64Array([4, 2, 0.4, 2, 5, 1, 0.4, 1, 3]);
  const L = cholesky(A, 3);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    let s = 0;
    for (let k = 0; k < 3; k++) s += L[i * 3 + k] * L[j * 3 + k];
    assert.ok(Math.abs(s - A[i * 3 + j]) < 1e-14);
    if (j > i) assert.equal(L[i * 3 + j], 0);
  }
  const x = choleskySolve(L, 3, new Float64Array([1, 2, 3]));
  close(x, gaussSolve([[4, 2, 0.4], [2, 5, 1], [0.4, 1, 3]], [1, 2, 3]), 1e-13, 'x');
  assert.throws(() => cholesky(new Float64Array([1, 2, 2, 1]), 2),
    (e: unknown) => e instanceof NotPositiveDefiniteError && /expected a symmetric positive definite 2×2 matrix, but the Cholesky pivot at row 1 is -3\.00/.test(e.message));
});

test('the ridge readout equals the normal-equations solution (every weight penalised)', () => {
  const { Z, Y } = tinyProblem(9, 3, 2, false, 1);
  for (const lambda of [0, 0.1, 3]) {
    const want = normalEquations(Z, Y, lambda, [true, true, true]).flat();
    const W = ridgeRegression(Z.flat(), Y.flat(), 9, lambda);
    close(W, want, 1e-11, `cholesky λ=${lambda}`);
    const qr = new RidgeQR(3, 2, lambda);
    Z.forEach((z, t) => qr.add(z, Y[t]));
    close(qr.solve(), want, 1e-11, `qr λ=${lambda}`);
  }
});

test('with an intercept, the bias is unpenalised and the centred solution is the same minimiser', () => {
  // 150 steps: more than one 64-step block, with a partial last block.
  for (const T of [7, 150]) {
    const { Z, Y } = tinyProblem(T, 4, 2, true, T);
    for (const lambda of [0.01, 2]) {
      const want = normalEquations(Z, Y, lambda, [false, true, true, true]).flat();
      const acc = new RidgeAccumulator(4, 2, { intercept: true });
      Z.forEach((z, t) => acc.add(z, Y[t]));
      close(acc.solve(lambda), want, 1e-10, `intercept T=${T} λ=${lambda}`);
      const qr = new RidgeQR(4, 2, lambda, [0]);
      Z.forEach((z, t) => qr.add(z, Y[t]));
      close(qr.solve(), want, 1e-10, `qr T=${T} λ=${lambda}`);
      // The accumulated sums are the plain Z Zᵀ and Y Zᵀ.
      const G = acc.gram(), P = acc.crossProducts();
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) {
        assert.ok(Math.abs(G[i * 4 + j] - Z.reduce((s, z) => s + z[i] * z[j], 0)) < 1e-9);
      }
      for (let l = 0; l < 2; l++) for (let j = 0; j < 4; j++) {
        assert.ok(Math.abs(P[l * 4 + j] - Z.reduce((s, z, t) => s + Y[t][l] * z[j], 0)) < 1e-9);
      }
    }
  }
  const acc = new RidgeAccumulator(2, 1, { intercept: true });
  assert.throws(() => acc.add([0.5, 1], [1]), /expected feature 0 to be the constant 1 of the intercept, got 0.5/);
});

test('singular normal equations say so and suggest a larger ridge', () => {
  // Two identical feature columns and λ = 0.
  const Z = [1, 1, 2, 2, 3, 3, 4, 4], Y = [1, 2, 3, 4];
  assert.throws(() => ridgeRegression(Z, Y, 4, 0), /ridge normal equations \(2 features, 4 steps, λ = 0\) are singular.*use a larger ridge λ/);
  assert.throws(() => new RidgeAccumulator(2, 1).solve(1), /expected at least one training step/);
  assert.throws(() => ridgeRegression(Z, Y, 4, -1), /expected a ridge λ >= 0, got -1/);
});
