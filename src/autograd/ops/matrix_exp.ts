// The matrix exponential exp(A) = Σ_k A^k / k! and its exact gradient. The orthogonal RNN keeps
// W_hh = exp(A) with A skew-symmetric (expRNN, Lezcano-Casado & Martínez-Rubio 2019): the
// exponential of a skew-symmetric matrix is orthogonal, so W_hh stays orthogonal however A moves.
//
// Forward: scaling and squaring with the [13/13] Padé approximant (Higham 2005), accurate to
// rounding in float64: exp(A) = (exp(A / 2^s))^(2^s) with s such that ‖A / 2^s‖₁ ≤ θ₁₃.
// Backward: for L(exp(A)) with G = ∂L/∂exp(A), ∂L/∂A = L_exp(Aᵀ, G), the Fréchet derivative of exp
// at Aᵀ in the direction G (the adjoint of L_exp(A, ·) is L_exp(Aᵀ, ·)), by Al-Mohy & Higham's
// 2009 algorithm: the same Padé approximant and squarings differentiated exactly by the product
// rule (it equals the upper-right block of exp([[Aᵀ, G], [0, Aᵀ]]), at a third of the cost).
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
    const at = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) at[i * n + j] = av[j * n + i];
    const gaS = new Storage(a.dtype, n * n);
    gaS.overwrite().set(expmFrechet(at, Float64Array.from(gs.read()), n));
    return [gaS];
  });
}

// Padé [13/13] coefficients b_0 … b_13 (Higham 2005, table 2.3), and the largest ‖A‖₁ the
// approximant serves to rounding for exp (θ₁₃, Higham 2005) and for its Fréchet derivative
// (ℓ₁₃, Al-Mohy & Higham 2009, table 6.1).
const B13 = [
  64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000, 10559470521600,
  670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1,
];
const THETA13 = 5.371920351148152;
const ELL13 = 4.74;

/** exp(A) of a row-major n×n float64 matrix, by scaling and squaring with Padé [13/13]. */
export function expm(a: Float64Array, n: number): Float64Array {
  return padeExp(a, null, n, THETA13).r;
}

/** L_exp(A, E), the Fréchet derivative of exp at A in the direction E (row-major n×n, float64). */
export function expmFrechet(a: Float64Array, e: Float64Array, n: number): Float64Array {
  return padeExp(a, e, n, ELL13).l!;
}

// exp(A) (r) and, given E, L_exp(A, E) (l): with X = A / 2^s, the Padé approximant r = (V − U)⁻¹(V + U),
// U = X·(X6·W1 + W2), V = X6·Z1 + Z2 (W1, W2, Z1, Z2 even polynomials in X), differentiated by the
// product rule along E (M_k = d(X^k)), then squared s times: r ← r², l ← r·l + l·r.
function padeExp(a: Float64Array, e0: Float64Array | null, n: number, theta: number): { r: Float64Array; l: Float64Array | null } {
  const norm = norm1(a, n);
  if (!Number.isFinite(norm)) throw new Error(`matrixExp: expected finite entries, got a matrix with ‖A‖₁ = ${norm}`);
  const s = norm > theta ? Math.ceil(Math.log2(norm / theta)) : 0;
  const x = a.map((v) => v / 2 ** s);
  const b = B13;
  const x2 = matmul(x, x, n), x4 = matmul(x2, x2, n), x6 = matmul(x4, x2, n);
  // c6·P6 + c4·P4 + c2·P2 (+ c0·I): the even polynomials of the approximant and of their derivatives
  const comb = (p6: Float64Array, p4: Float64Array, p2: Float64Array, c6: number, c4: number, c2: number, c0: number): Float64Array => {
    const r = new Float64Array(n * n);
    for (let k = 0; k < r.length; k++) r[k] = c6 * p6[k] + c4 * p4[k] + c2 * p2[k];
    for (let i = 0; i < n; i++) r[i * n + i] += c0;
    return r;
  };
  const w1 = comb(x6, x4, x2, b[13], b[11], b[9], 0), w2 = comb(x6, x4, x2, b[7], b[5], b[3], b[1]);
  const z1 = comb(x6, x4, x2, b[12], b[10], b[8], 0), z2 = comb(x6, x4, x2, b[6], b[4], b[2], b[0]);
  const w = addTo(matmul(x6, w1, n), w2), u = matmul(x, w, n), v = addTo(matmul(x6, z1, n), z2);
  const lu = luFactor(v.map((vk, k) => vk - u[k]), n);
  let r = luSolve(lu, v.map((vk, k) => vk + u[k]), n);
  let l: Float64Array | null = null;
  if (e0) {
    const e = e0.map((v) => v / 2 ** s);
    const m2 = addTo(matmul(x, e, n), matmul(e, x, n));
    const m4 = addTo(matmul(x2, m2, n), matmul(m2, x2, n));
    const m6 = addTo(matmul(x4, m2, n), matmul(m4, x2, n));
    const lw = addTo(addTo(matmul(x6, comb(m6, m4, m2, b[13], b[11], b[9], 0), n), matmul(m6, w1, n)), comb(m6, m4, m2, b[7], b[5], b[3], 0));
    const lu1 = addTo(matmul(x, lw, n), matmul(e, w, n));
    const lv = addTo(addTo(matmul(x6, comb(m6, m4, m2, b[12], b[10], b[8], 0), n), matmul(m6, z1, n)), comb(m6, m4, m2, b[6], b[4], b[2], 0));
    // d r = (V − U)⁻¹ ((dU + dV) + (dU − dV) r)
    const rhs = addTo(lu1.map((x1, k) => x1 + lv[k]), matmul(lu1.map((x1, k) => x1 - lv[k]), r, n));
    l = luSolve(lu, rhs, n);
  }
  for (let k = 0; k < s; k++) {
    if (l) l = addTo(matmul(r, l, n), matmul(l, r, n));
    r = matmul(r, r, n);
  }
  return { r, l };
}

// ‖A‖₁: the largest column sum of |a_ij|.
function norm1(a: Float64Array, n: number): number {
  let norm = 0;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.abs(a[i * n + j]);
    norm = Math.max(norm, s);
  }
  return norm;
}

// x += y, returning x.
function addTo(x: Float64Array, y: Float64Array): Float64Array {
  for (let k = 0; k < x.length; k++) x[k] += y[k];
  return x;
}

// a·b for row-major n×n matrices: i-k-j order, four k at a time, so the inner loop runs along rows
// of b and of the result.
function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const c = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ci = i * n;
    let k = 0;
    for (; k + 3 < n; k += 4) {
      const a0 = a[ci + k], a1 = a[ci + k + 1], a2 = a[ci + k + 2], a3 = a[ci + k + 3];
      const b0 = k * n, b1 = b0 + n, b2 = b1 + n, b3 = b2 + n;
      for (let j = 0; j < n; j++) c[ci + j] += a0 * b[b0 + j] + a1 * b[b1 + j] + a2 * b[b2 + j] + a3 * b[b3 + j];
    }
    for (; k < n; k++) {
      const aik = a[ci + k], bk = k * n;
      for (let j = 0; j < n; j++) c[ci + j] += aik * b[bk + j];
    }
  }
  return c;
}

// The LU factorisation of a row-major n×n matrix with partial pivoting, in place: L below the
// diagonal (unit diagonal implied), U on and above it, and the row order.
function luFactor(a: Float64Array, n: number): { lu: Float64Array; perm: Int32Array } {
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < n; k++) {
    let piv = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i * n + k]) > Math.abs(a[piv * n + k])) piv = i;
    if (a[piv * n + k] === 0) throw new Error('matrixExp: the Padé denominator is singular (entries too large or not finite)');
    if (piv !== k) {
      for (let j = 0; j < n; j++) [a[k * n + j], a[piv * n + j]] = [a[piv * n + j], a[k * n + j]];
      [perm[k], perm[piv]] = [perm[piv], perm[k]];
    }
    const akk = a[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = (a[i * n + k] /= akk);
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) a[i * n + j] -= f * a[k * n + j];
    }
  }
  return { lu: a, perm };
}

// X with A·X = B, from A's luFactor; B row-major n×n.
function luSolve({ lu, perm }: { lu: Float64Array; perm: Int32Array }, b: Float64Array, n: number): Float64Array {
  const x = new Float64Array(n * n);
  for (let i = 0; i < n; i++) x.set(b.subarray(perm[i] * n, perm[i] * n + n), i * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < i; k++) {
      const f = lu[i * n + k];
      if (f !== 0) for (let j = 0; j < n; j++) x[i * n + j] -= f * x[k * n + j];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let k = i + 1; k < n; k++) {
      const f = lu[i * n + k];
      if (f !== 0) for (let j = 0; j < n; j++) x[i * n + j] -= f * x[k * n + j];
    }
    const d = lu[i * n + i];
    for (let j = 0; j < n; j++) x[i * n + j] /= d;
  }
  return x;
}
