// Eigenvalues and spectral radius: the exact method (Hessenberg + shifted QR) recovers eigenvalues
// planted in matrices with known spectra, block power iteration agrees with it (also when the
// dominant eigenvalue is a complex pair), and a reservoir's recurrent matrix has exactly the
// requested spectral radius after rescaling, by either method.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { CsrMatrix, Reservoir, eigenvalues, spectralRadiusExact, spectralRadiusPower, spectralRadiusSparse } from '../../src/esn/index.js';

// A = Q D Qᵀ with Q a product of random Householder reflections (orthogonal, so A has D's
// eigenvalues) and D block diagonal: 2×2 blocks r·[cos θ, −sin θ; sin θ, cos θ] with eigenvalues
// r e^{±iθ}, and 1×1 real blocks. A little upper-triangular coupling makes D non-normal.
function plantedMatrix(n: number, seed: number): { A: Float64Array; eig: { re: number; im: number }[] } {
  const rng = new Rng(seed);
  const D = new Float64Array(n * n);
  const eig: { re: number; im: number }[] = [];
  let i = 0;
  while (i < n) {
    if (i + 1 < n && rng.random() < 0.5) {
      const r = rng.uniform(0.2, 2), th = rng.uniform(0.1, 3);
      D[i * n + i] = r * Math.cos(th); D[i * n + i + 1] = -r * Math.sin(th);
      D[(i + 1) * n + i] = r * Math.sin(th); D[(i + 1) * n + i + 1] = r * Math.cos(th);
      eig.push({ re: r * Math.cos(th), im: r * Math.sin(th) }, { re: r * Math.cos(th), im: -r * Math.sin(th) });
      i += 2;
    } else {
      const v = rng.uniform(-2, 2);
      D[i * n + i] = v;
      eig.push({ re: v, im: 0 });
      i += 1;
    }
  }
  for (let a = 0; a < n; a++) for (let b = a + 2; b < n; b++) D[a * n + b] = 0.1 * rng.uniform(-1, 1);
  let A = D;
  for (let h = 0; h < 3; h++) {
    const v = Array.from({ length: n }, () => rng.normal());
    const vv = v.reduce((s, x) => s + x * x, 0);
    // A ← H A H with H = I − 2 v vᵀ / vᵀv.
    const B = new Float64Array(n * n);
    const w = new Float64Array(n);
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) w[b] += v[a] * A[a * n + b];
    for (let a = 0; a < n; a++) for (let b = 0; b < n; b++) B[a * n + b] = A[a * n + b] - (2 * v[a] * w[b]) / vv;
    for (let a = 0; a < n; a++) {
      let d = 0;
      for (let b = 0; b < n; b++) d += B[a * n + b] * v[b];
      for (let b = 0; b < n; b++) B[a * n + b] -= (2 * d * v[b]) / vv;
    }
    A = B;
  }
  return { A, eig };
}

// Sorts eigenvalues by real part, then imaginary part, for comparison.
const order = (e: { re: number; im: number }[]): { re: number; im: number }[] =>
  [...e].sort((p, q) => (Math.abs(p.re - q.re) > 1e-6 ? p.re - q.re : p.im - q.im));

test('exact eigenvalues of planted matrices, complex pairs included', () => {
  for (const n of [1, 2, 3, 6, 17, 40]) {
    const { A, eig } = plantedMatrix(n, n);
    const got = eigenvalues(A, n);
    const g = order(Array.from(got.re, (re, k) => ({ re, im: got.im[k] })));
    const w = order(eig);
    for (let k = 0; k < n; k++) {
      assert.ok(Math.abs(g[k].re - w[k].re) < 1e-8 && Math.abs(g[k].im - w[k].im) < 1e-8,
        `n=${n}: eigenvalue ${k} is ${g[k].re}+${g[k].im}i, expected ${w[k].re}+${w[k].im}i`);
    }
  }
});

test('exact eigenvalues of a triangular matrix are its diagonal', () => {
  const n = 12, rng = new Rng(5), A = new Float64Array(n * n), diag: number[] = [];
  for (let i = 0; i < n; i++) {
    diag.push(i - 5.5);
    for (let j = i; j < n; j++) A[i * n + j] = i === j ? i - 5.5 : rng.uniform(-1, 1);
  }
  const { re, im } = eigenvalues(A, n);
  assert.deepEqual(Array.from(re).sort((a, b) => a - b).map((v) => Math.round(v * 1e9) / 1e9), diag);
  for (const v of im) assert.equal(v, 0);
  assert.ok(Math.abs(spectralRadiusExact(A, n) - 5.5) < 1e-12);
});

test('block power iteration agrees with the exact radius, also for a dominant complex pair', () => {
  // Rotation block of radius 3 dominates a diagonal of radius < 2: power iteration of one vector
  // would rotate forever; the block method must give exactly 3.
  const n = 30, rng = new Rng(11), A = new Float64Array(n * n);
  A[0] = 0; A[1] = -3; A[n] = 3; A[n + 1] = 0;
  for (let i = 2; i < n; i++) A[i * n + i] = rng.uniform(-1.9, 1.9);
  const mul = (x: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < n; j++) s += A[i * n + j] * x[j]; out[i] = s; }
  };
  assert.ok(Math.abs(spectralRadiusPower(mul, n) - 3) < 1e-9);
  assert.ok(Math.abs(spectralRadiusExact(A, n) - 3) < 1e-12);
  for (const seed of [1, 2, 3]) {
    const { A: P } = plantedMatrix(25, 100 + seed);
    const exact = spectralRadiusExact(P, 25);
    const power = spectralRadiusSparse(CsrMatrix.fromDense(P, 25, 25), { tol: 1e-13, maxIterations: 20000 });
    assert.ok(Math.abs(power - exact) < 1e-8 * exact, `seed ${seed}: power ${power} vs exact ${exact}`);
  }
});

test('the spectral radius after scaling equals the target, by either method', () => {
  const cases: { units: number; density: number; radiusMethod: 'exact' | 'power'; spectralRadius: number }[] = [
    { units: 80, density: 0.1, radiusMethod: 'exact', spectralRadius: 1.25 },
    { units: 80, density: 0.1, radiusMethod: 'power', spectralRadius: 1.25 },
    { units: 150, density: 0.05, radiusMethod: 'power', spectralRadius: 0.9 },
    { units: 50, density: 1, radiusMethod: 'exact', spectralRadius: 0.5 },
  ];
  for (const c of cases) {
    const r = new Reservoir({ ...c, inputSize: 1, seed: 3 });
    const after = spectralRadiusExact(r.W.toDense(), c.units);
    assert.ok(Math.abs(after - c.spectralRadius) < 1e-9 * c.spectralRadius,
      `${JSON.stringify(c)}: radius after scaling ${after}, expected ${c.spectralRadius}`);
    assert.ok(r.initialRadius > 0);
  }
  // Every unit has round(density · N) recurrent inputs.
  const r = new Reservoir({ units: 200, inputSize: 2, density: 0.05, seed: 1 });
  for (let i = 0; i < 200; i++) assert.equal(r.W.rowPtr[i + 1] - r.W.rowPtr[i], 10);
});

test('bad matrices and reservoir settings are refused with the expected value named', () => {
  assert.throws(() => eigenvalues([1, 2, 3], 2), /expected a 2×2 matrix \(4 values\), got 3/);
  assert.throws(() => eigenvalues([1, NaN, 0, 1], 2), /expected a finite matrix, got NaN at \(0, 1\)/);
  assert.throws(() => new Reservoir({ units: 10, inputSize: 1, density: 0 }), /expected density in \(0, 1\], got 0/);
  assert.throws(() => new Reservoir({ units: 10, inputSize: 1, leakRate: 1.5 }), /expected leakRate in \(0, 1\], got 1.5/);
  assert.throws(() => new Reservoir({ units: 0, inputSize: 1 }), /expected units to be an integer >= 1, got 0/);
});
