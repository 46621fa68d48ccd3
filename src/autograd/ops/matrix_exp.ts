// The matrix exponential exp(A) = Σ_k A^k / k! and its exact gradient. The orthogonal RNN keeps
// W_hh = exp(A) with A skew-symmetric (expRNN, Lezcano-Casado & Martínez-Rubio 2019): the
// exponential of a skew-symmetric matrix is orthogonal, so W_hh stays orthogonal however A moves.
//
// Forward: scaling and squaring with the [13/13] Padé approximant (Higham 2005), accurate to
// rounding in float64: exp(A) = (exp(A / 2^s))^(2^s) with s such that ‖A / 2^s‖₁ ≤ θ₁₃.
// Backward: for L(exp(A)) with G = ∂L/∂exp(A), ∂L/∂A = L_exp(Aᵀ, G), the Fréchet derivative of exp
// at Aᵀ in the direction G (the adjoint of L_exp(A, ·) is L_exp(Aᵀ, ·)), read off the upper-right
// block of exp([[Aᵀ, G], [0, Aᵀ]]) (Mathias 1996): the same exact algorithm, on a 2n × 2n matrix.
// Arithmetic is float64 whatever the dtype; the result is rounded once to the tensor's dtype.

import { Storage } from '../../backend/storage.js';
import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { record } from '../record.js';

/**
 * exp(A) of a square matrix.
 *
 * Input: A [n, n]. Output: exp(A) [n, n]; its gradient is exact (see the file's opening comment).
 */
export function matrixExp(a: Tensor): Tensor {
  if (a.rank !== 2 || a.shape[0] !== a.shape[1]) throw new Error(`matrixExp: expected a square matrix [n, n], got ${formatShape(a.shape)}`);
  const n = a.shape[0];
  const av = Float64Array.from(a.dataSync());
  const out = new Storage(a.dtype, n * n);
  out.overwrite().set(expm(av, n));
  return record('matrixExp', out, a.shape, [a], (gs) => {
    // M = [[Aᵀ, G], [0, Aᵀ]] (2n × 2n); ∂L/∂A = exp(M)[0:n, n:2n]
    const g = gs.read(), m = new Float64Array(4 * n * n), N = 2 * n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        m[i * N + j] = av[j * n + i];
        m[(n + i) * N + n + j] = av[j * n + i];
        m[i * N + n + j] = g[i * n + j];
      }
    }
    const e = expm(m, N);
    const gaS = new Storage(a.dtype, n * n), ga = gaS.overwrite();
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) ga[i * n + j] = e[i * N + n + j];
    return [gaS];
  });
}

// Padé [13/13] coefficients b_0 … b_13 and the largest ‖A‖₁ it serves to rounding (Higham 2005, table 2.3).
const B13 = [
  64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000, 10559470521600,
  670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1,
];
const THETA13 = 5.371920351148152;

/** exp(A) of a row-major n×n float64 matrix, by scaling and squaring with Padé [13/13]. */
export function expm(a: Float64Array, n: number): Float64Array {
  let norm = 0; // ‖A‖₁: the largest column sum of |a_ij|
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]);
    norm = Math.max(norm, s);
  }
  if (!Number.isFinite(norm)) throw new Error(`matrixExp: expected finite entries, got a matrix with ‖A‖₁ = ${norm}`);
  const s = norm > THETA13 ? Math.ceil(Math.log2(norm / THETA13)) : 0;
  const x = a.map((v) => v / 2 ** s);
  const x2 = matmul(x, x, n), x4 = matmul(x2, x2, n), x6 = matmul(x4, x2, n);
  const b = B13;
  // U = X·[X6·(b13 X6 + b11 X4 + b9 X2) + b7 X6 + b5 X4 + b3 X2 + b1 I]
  // V =    X6·(b12 X6 + b10 X4 + b8 X2) + b6 X6 + b4 X4 + b2 X2 + b0 I
  const comb = (c6: number, c4: number, c2: number, c0: number): Float64Array => {
    const r = new Float64Array(n * n);
    for (let k = 0; k < r.length; k++) r[k] = c6 * x6[k] + c4 * x4[k] + c2 * x2[k];
    for (let i = 0; i < n; i++) r[i * n + i] += c0;
    return r;
  };
  const u1 = matmul(x6, comb(b[13], b[11], b[9], 0), n), u2 = comb(b[7], b[5], b[3], b[1]);
  for (let k = 0; k < u1.length; k++) u1[k] += u2[k];
  const u = matmul(x, u1, n);
  const v = matmul(x6, comb(b[12], b[10], b[8], 0), n), v2 = comb(b[6], b[4], b[2], b[0]);
  for (let k = 0; k < v.length; k++) v[k] += v2[k];
  // (V − U) R = V + U
  const p = new Float64Array(n * n), q = new Float64Array(n * n);
  for (let k = 0; k < p.length; k++) { p[k] = v[k] + u[k]; q[k] = v[k] - u[k]; }
  let r = solve(q, p, n);
  for (let k = 0; k < s; k++) r = matmul(r, r, n);
  return r;
}

// a·b for row-major n×n matrices (i-k-j order: the inner loop runs along rows of b and of the result).
function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ci = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[ci + k];
      if (aik === 0) continue;
      const bk = k * n;
      for (let j = 0; j < n; j++) c[ci + j] += aik * b[bk + j];
    }
  }
  return c;
}

// X with A·X = B for row-major n×n A and B, by LU with partial pivoting (A and B are overwritten).
function solve(a: Float64Array, b: Float64Array, n: number): Float64Array {
  for (let k = 0; k < n; k++) {
    let piv = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i * n + k]) > Math.abs(a[piv * n + k])) piv = i;
    if (a[piv * n + k] === 0) throw new Error('matrixExp: the Padé denominator is singular (entries too large or not finite)');
    if (piv !== k) {
      for (let j = 0; j < n; j++) {
        [a[k * n + j], a[piv * n + j]] = [a[piv * n + j], a[k * n + j]];
        [b[k * n + j], b[piv * n + j]] = [b[piv * n + j], b[k * n + j]];
      }
    }
    const akk = a[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = a[i * n + k] / akk;
      if (f === 0) continue;
      for (let j = k; j < n; j++) a[i * n + j] -= f * a[k * n + j];
      for (let j = 0; j < n; j++) b[i * n + j] -= f * b[k * n + j];
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    for (let j = 0; j < n; j++) {
      let s = b[k * n + j];
      for (let i = k + 1; i < n; i++) s -= a[k * n + i] * b[i * n + j];
      b[k * n + j] = s / a[k * n + k];
    }
  }
  return b;
}
