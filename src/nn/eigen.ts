// Eigenvalues of general (non-symmetric) real matrices, for the spectral radius of a recurrent
// weight (the sparse initialisation, ./init.ts) or of a reservoir (../esn).
//
// Exact: balance (Parlett–Reinsch), reduce to upper Hessenberg form by Householder reflections,
// then run the Francis double-shift QR iteration (the EISPACK `hqr` scheme) until the matrix is
// quasi-triangular; its 1×1 and 2×2 diagonal blocks hold the eigenvalues, complex pairs included.
// O(n³): about a second for n = 500, tens of seconds for n = 1000.
//
// Iterative: block power (subspace) iteration with Rayleigh–Ritz. Plain power iteration fails on
// random reservoirs because their dominant eigenvalue is usually one of a complex-conjugate pair
// (|λ₁| = |λ₂|), so the iterate rotates instead of converging. Iterating a block of p ≥ 2 vectors
// and taking the eigenvalues of the small projected matrix Qᵀ W Q captures the pair; the error
// falls like |λ_{p+1} / λ₁|^k. Each step costs p sparse products, so this is the method of choice
// for large sparse reservoirs.

import { Rng } from '../tensor/random.js';

/** Eigenvalues λ_k = re[k] + i·im[k]; complex ones come in adjacent conjugate pairs. */
export interface Eigenvalues { re: Float64Array; im: Float64Array }

/**
 * All eigenvalues of a real n×n matrix (row-major), by balancing, Householder reduction to
 * Hessenberg form and the Francis double-shift QR algorithm. A is not modified.
 *
 * @throws Error if the QR iteration does not converge (60 iterations for one eigenvalue, which for
 *   practical matrices does not happen).
 */
export function eigenvalues(A: ArrayLike<number>, n: number): Eigenvalues {
  if (A.length !== n * n) throw new Error(`expected a ${n}×${n} matrix (${n * n} values), got ${A.length}`);
  const H = Float64Array.from(A);
  for (let i = 0; i < H.length; i++) {
    if (!Number.isFinite(H[i])) throw new Error(`expected a finite matrix, got ${H[i]} at (${Math.floor(i / n)}, ${i % n})`);
  }
  balance(H, n);
  hessenberg(H, n);
  return hessenbergEigenvalues(H, n);
}

/** max |λ| over the eigenvalues of a real n×n matrix (row-major), computed exactly by {@link eigenvalues}. */
export function spectralRadiusExact(A: ArrayLike<number>, n: number): number {
  const { re, im } = eigenvalues(A, n);
  let r = 0;
  for (let k = 0; k < n; k++) r = Math.max(r, Math.hypot(re[k], im[k]));
  return r;
}

/**
 * Balances A in place by a diagonal similarity D⁻¹ A D with powers of two (so it is exact), making
 * row and column norms comparable. Eigenvalues are unchanged; their computed accuracy improves for
 * badly scaled matrices.
 */
export function balance(A: Float64Array, n: number): void {
  const RADIX = 2, sqrdx = RADIX * RADIX;
  let done = false;
  while (!done) {
    done = true;
    for (let i = 0; i < n; i++) {
      let r = 0, c = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        c += Math.abs(A[j * n + i]);
        r += Math.abs(A[i * n + j]);
      }
      if (c === 0 || r === 0) continue;
      let g = r / RADIX, f = 1;
      const s = c + r;
      while (c < g) { f *= RADIX; c *= sqrdx; }
      g = r * RADIX;
      while (c > g) { f /= RADIX; c /= sqrdx; }
      if ((c + r) / f < 0.95 * s) {
        done = false;
        const inv = 1 / f;
        for (let j = 0; j < n; j++) A[i * n + j] *= inv;
        for (let j = 0; j < n; j++) A[j * n + i] *= f;
      }
    }
  }
}

/**
 * Reduces A (n×n, row-major) in place to upper Hessenberg form H = Qᵀ A Q by Householder
 * reflections P_k = I − v vᵀ / h, one per column k, which zero the entries below the subdiagonal.
 */
export function hessenberg(A: Float64Array, n: number): void {
  const v = new Float64Array(n), f = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    // Scale the column to avoid overflow and underflow in the norm.
    let scale = 0;
    for (let i = k + 1; i < n; i++) scale += Math.abs(A[i * n + k]);
    if (scale === 0) continue;
    let ss = 0;
    for (let i = k + 1; i < n; i++) { v[i] = A[i * n + k] / scale; ss += v[i] * v[i]; }
    const sigma = v[k + 1] >= 0 ? Math.sqrt(ss) : -Math.sqrt(ss);
    v[k + 1] += sigma;
    const h = sigma * v[k + 1]; // = vᵀv / 2
    // Left: A ← P A on rows k+1.., all columns from k. f_j = Σ_i v_i A_ij, accumulated row by row.
    f.fill(0, k, n);
    for (let i = k + 1; i < n; i++) {
      const vi = v[i], ri = i * n;
      for (let j = k; j < n; j++) f[j] += vi * A[ri + j];
    }
    for (let i = k + 1; i < n; i++) {
      const c = v[i] / h, ri = i * n;
      for (let j = k; j < n; j++) A[ri + j] -= c * f[j];
    }
    // Right: A ← A P on columns k+1.., every row.
    for (let i = 0; i < n; i++) {
      const ri = i * n;
      let d = 0;
      for (let j = k + 1; j < n; j++) d += A[ri + j] * v[j];
      d /= h;
      for (let j = k + 1; j < n; j++) A[ri + j] -= d * v[j];
    }
    // The reflection maps the column to (−σ·scale, 0, …, 0); write it exactly.
    A[(k + 1) * n + k] = -sigma * scale;
    for (let i = k + 2; i < n; i++) A[i * n + k] = 0;
  }
}

/**
 * Eigenvalues of an upper Hessenberg matrix (destroyed) by the Francis double-shift QR iteration
 * with deflation, after EISPACK's `hqr`. Converged 1×1 blocks give real eigenvalues; converged 2×2
 * blocks give a real pair or a complex-conjugate pair.
 */
export function hessenbergEigenvalues(a: Float64Array, n: number): Eigenvalues {
  const re = new Float64Array(n), im = new Float64Array(n);
  const EPS = Number.EPSILON;
  const A = (i: number, j: number): number => a[i * n + j];
  let anorm = 0;
  for (let i = 0; i < n; i++) for (let j = Math.max(i - 1, 0); j < n; j++) anorm += Math.abs(A(i, j));
  let nn = n - 1;
  let t = 0; // accumulated exceptional shifts
  let p = 0, q = 0, r = 0, s = 0, w = 0, x = 0, y = 0, z = 0;
  while (nn >= 0) {
    let its = 0, l: number;
    do {
      // Look for a negligible subdiagonal element to split the active block at l.
      for (l = nn; l > 0; l--) {
        s = Math.abs(A(l - 1, l - 1)) + Math.abs(A(l, l));
        if (s === 0) s = anorm;
        if (Math.abs(A(l, l - 1)) <= EPS * s) { a[l * n + l - 1] = 0; break; }
      }
      x = A(nn, nn);
      if (l === nn) { // one root found
        re[nn] = x + t; im[nn] = 0; nn--;
      } else {
        y = A(nn - 1, nn - 1);
        w = A(nn, nn - 1) * A(nn - 1, nn);
        if (l === nn - 1) { // two roots found
          p = 0.5 * (y - x);
          q = p * p + w;
          z = Math.sqrt(Math.abs(q));
          x += t;
          if (q >= 0) { // a real pair
            z = p + (p >= 0 ? Math.abs(z) : -Math.abs(z));
            re[nn - 1] = re[nn] = x + z;
            if (z !== 0) re[nn] = x - w / z;
            im[nn - 1] = im[nn] = 0;
          } else { // a complex pair
            re[nn - 1] = re[nn] = x + p;
            im[nn - 1] = z; im[nn] = -z;
          }
          nn -= 2;
        } else { // no roots yet: a double-shift QR sweep on rows/columns l..nn
          if (its === 60) throw new Error(`the QR iteration did not converge for eigenvalue ${nn} of a ${n}×${n} matrix`);
          if (its === 10 || its === 20 || its === 40) { // exceptional shift, to break cycles
            t += x;
            for (let i = 0; i <= nn; i++) a[i * n + i] -= x;
            s = Math.abs(A(nn, nn - 1)) + Math.abs(A(nn - 1, nn - 2));
            y = x = 0.75 * s;
            w = -0.4375 * s * s;
          }
          ++its;
          let m: number;
          // Find two consecutive small subdiagonal elements: start the bulge at m.
          for (m = nn - 2; m >= l; m--) {
            z = A(m, m);
            r = x - z;
            s = y - z;
            p = (r * s - w) / A(m + 1, m) + A(m, m + 1);
            q = A(m + 1, m + 1) - z - r - s;
            r = A(m + 2, m + 1);
            s = Math.abs(p) + Math.abs(q) + Math.abs(r);
            p /= s; q /= s; r /= s;
            if (m === l) break;
            const u = Math.abs(A(m, m - 1)) * (Math.abs(q) + Math.abs(r));
            const v = Math.abs(p) * (Math.abs(A(m - 1, m - 1)) + Math.abs(z) + Math.abs(A(m + 1, m + 1)));
            if (u <= EPS * v) break;
          }
          for (let i = m; i < nn - 1; i++) {
            a[(i + 2) * n + i] = 0;
            if (i !== m) a[(i + 2) * n + i - 1] = 0;
          }
          // Chase the bulge down with 3×3 Householder reflections.
          for (let k = m; k < nn; k++) {
            if (k !== m) {
              p = A(k, k - 1);
              q = A(k + 1, k - 1);
              r = k + 1 !== nn ? A(k + 2, k - 1) : 0;
              x = Math.abs(p) + Math.abs(q) + Math.abs(r);
              if (x !== 0) { p /= x; q /= x; r /= x; }
            }
            const norm = Math.sqrt(p * p + q * q + r * r);
            s = p >= 0 ? norm : -norm;
            if (s !== 0) {
              if (k === m) {
                if (l !== m) a[k * n + k - 1] = -A(k, k - 1);
              } else {
                a[k * n + k - 1] = -s * x;
              }
              p += s;
              x = p / s; y = q / s; z = r / s;
              q /= p; r /= p;
              for (let j = k; j <= nn; j++) { // row modification
                p = A(k, j) + q * A(k + 1, j);
                if (k + 1 !== nn) {
                  p += r * A(k + 2, j);
                  a[(k + 2) * n + j] -= p * z;
                }
                a[(k + 1) * n + j] -= p * y;
                a[k * n + j] -= p * x;
              }
              const mmin = nn < k + 3 ? nn : k + 3;
              for (let i = l; i <= mmin; i++) { // column modification
                p = x * A(i, k) + y * A(i, k + 1);
                if (k + 1 !== nn) {
                  p += z * A(i, k + 2);
                  a[i * n + k + 2] -= p * r;
                }
                a[i * n + k + 1] -= p * q;
                a[i * n + k] -= p;
              }
            }
          }
        }
      }
    } while (l < nn - 1);
  }
  return { re, im };
}

/** Options of {@link spectralRadiusPower}. */
export interface PowerIterationOptions {
  /** Block size p (≥ 2 to capture a dominant complex pair). Default 8. */
  block?: number;
  /** Stop when the estimate changes by less than tol (relative) over `checkEvery` steps. Default 1e-10. */
  tol?: number;
  /** Maximum iterations. Default 5000. */
  maxIterations?: number;
  /** Seed of the random start block. Default 0. */
  seed?: number;
}

/**
 * Spectral radius max |λ| of a square matrix given only its product x ↦ A x, by block power
 * (orthogonal subspace) iteration with Rayleigh–Ritz:
 *
 *     Q_{k+1} = orth(A Q_k),   ρ_k = max |eig(Q_kᵀ A Q_k)|
 *
 * with Q_k an n×p orthonormal block. Converges like |λ_{p+1}/λ₁|^k; a dominant complex pair or a
 * few near-equal moduli are resolved as long as they fit in the block.
 */
export function spectralRadiusPower(mul: (x: Float64Array, out: Float64Array) => void, n: number, opts: PowerIterationOptions = {}): number {
  const p = Math.min(n, Math.max(1, opts.block ?? 8));
  const tol = opts.tol ?? 1e-10, maxIt = opts.maxIterations ?? 5000;
  const rng = new Rng(opts.seed ?? 0);
  // Block Q (p vectors of size n), and AQ.
  let Q = Array.from({ length: p }, () => { const v = new Float64Array(n); for (let i = 0; i < n; i++) v[i] = rng.normal(); return v; });
  let AQ = Array.from({ length: p }, () => new Float64Array(n));
  orthonormalize(Q, rng);
  const checkEvery = 10;
  let last = NaN, stable = 0;
  for (let it = 1; it <= maxIt; it++) {
    for (let c = 0; c < p; c++) mul(Q[c], AQ[c]);
    if (it % checkEvery === 0 || it === maxIt) {
      // Rayleigh–Ritz: H = Qᵀ A Q (p×p); its eigenvalues approximate the dominant ones of A.
      const H = new Float64Array(p * p);
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) H[i * p + j] = dot(Q[i], AQ[j]);
      const rho = spectralRadiusExact(H, p);
      if (rho === 0 && last === 0) return 0;
      if (Math.abs(rho - last) <= tol * Math.max(rho, Number.MIN_VALUE)) { if (++stable >= 2) return rho; } else stable = 0;
      last = rho;
    }
    [Q, AQ] = [AQ, Q];
    orthonormalize(Q, rng);
  }
  return last;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

// Modified Gram–Schmidt, twice (one pass loses orthogonality when the block is nearly dependent,
// which is exactly the situation power iteration drives it towards). A vector that vanishes is
// replaced by a fresh random one, so the block keeps full rank.
function orthonormalize(Q: Float64Array[], rng: Rng): void {
  for (let c = 0; c < Q.length; c++) {
    const v = Q[c];
    let before = Math.sqrt(dot(v, v));
    for (let pass = 0; pass < 2; pass++) {
      for (let d = 0; d < c; d++) {
        const h = dot(Q[d], v);
        for (let i = 0; i < v.length; i++) v[i] -= h * Q[d][i];
      }
    }
    let norm = Math.sqrt(dot(v, v));
    if (!(norm > 1e-13 * before) || norm === 0) {
      for (let i = 0; i < v.length; i++) v[i] = rng.normal();
      before = Math.sqrt(dot(v, v));
      for (let pass = 0; pass < 2; pass++) {
        for (let d = 0; d < c; d++) {
          const h = dot(Q[d], v);
          for (let i = 0; i < v.length; i++) v[i] -= h * Q[d][i];
        }
      }
      norm = Math.sqrt(dot(v, v));
    }
    for (let i = 0; i < v.length; i++) v[i] /= norm;
  }
}
