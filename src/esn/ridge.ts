// Ridge regression in closed form, the standard readout of an echo state network. The feature
// vectors z_t of all training steps are summarised in the two matrices of the normal equations,
// accumulated one step at a time so the states never need to be stored; then one Cholesky solve
// gives the weights.
//
//     W_out = Y Zᵀ (Z Zᵀ + λ I)⁻¹
//
// Z: features (F × T), Y: targets (L × T). With an intercept (feature 0 is the constant 1, as in
// the ESN's z_t = [1; u_t; x_t]), the intercept is not penalised, and the same solution is computed
// in centred form, which is far better conditioned:
//
//     W = C_yz (C_zz + λ I)⁻¹,   b = ȳ − W z̄,   C_zz = Σ (z − z̄)(z − z̄)ᵀ,  C_yz = Σ (y − ȳ)(z − z̄)ᵀ
//
// (z here without its constant feature). Reservoir states share a large common component, so the
// uncentred Gram matrix is dominated by one direction and its condition number can exceed 1e16;
// centring removes that direction, which lets much smaller λ be used in float64. The sums are
// taken about the first sample (a shift, so the centring subtracts small numbers, not large ones).

import { cholesky, choleskySolve, NotPositiveDefiniteError } from './dense.js';

/** Options of {@link RidgeAccumulator}. */
export interface RidgeOptions {
  /** Feature 0 is the constant 1: fit it as an unpenalised intercept, in centred form. Default false. */
  intercept?: boolean;
}

/** Accumulates the normal equations over training steps and solves for the ridge readout. */
export class RidgeAccumulator {
  /** Number of steps added. */
  count = 0;
  readonly intercept: boolean;
  // The accumulated features: all F of them, or F − 1 (without the constant) with an intercept.
  private readonly o: number; // index of the first accumulated feature in z (0 or 1)
  private readonly Fa: number; // accumulated features
  private readonly Fp: number; // Fa padded to a multiple of 4
  private readonly cz: Float64Array; // shift of the features (the first sample, or zero)
  private readonly cy: Float64Array; // shift of the targets
  private readonly zzp: Float64Array; // Fp×Fp; entries (i, j ≥ i) hold Σ (z_i − c_i)(z_j − c_j)
  private readonly yzAcc: Float64Array; // L×Fa: Σ (y_l − c_l)(z_j − c_j)
  private readonly sz: Float64Array; // Σ (z − c)
  private readonly sy: Float64Array; // Σ (y − c)
  // Steps are buffered in blocks of B, transposed (feature-major: zBlock[i * B + b]), and folded
  // into the sums by dot products over the block, four rows by two columns at a time. One
  // rank-one update per step would stream the whole F×F matrix through memory at every step
  // (8 MB for 1000 features) and runs at a fifth of the speed.
  private readonly B = 64;
  private readonly zBlock: Float64Array;
  private readonly yBlock: Float64Array;
  private fill = 0;

  constructor(readonly features: number, readonly outputs: number, opts: RidgeOptions = {}) {
    if (!Number.isInteger(features) || features < 1) throw new Error(`expected at least 1 feature, got ${features}`);
    if (!Number.isInteger(outputs) || outputs < 1) throw new Error(`expected at least 1 output, got ${outputs}`);
    this.intercept = opts.intercept ?? false;
    this.o = this.intercept ? 1 : 0;
    this.Fa = features - this.o;
    this.Fp = Math.max(4, Math.ceil(this.Fa / 4) * 4);
    this.cz = new Float64Array(this.Fa);
    this.cy = new Float64Array(outputs);
    this.zzp = new Float64Array(this.Fp * this.Fp);
    this.yzAcc = new Float64Array(outputs * this.Fa);
    this.sz = new Float64Array(this.Fa);
    this.sy = new Float64Array(outputs);
    this.zBlock = new Float64Array(this.Fp * this.B);
    this.yBlock = new Float64Array(outputs * this.B);
  }

  /** Adds one training pair: features z (F, read at offset zOff) and target y (L, at offset yOff). */
  add(z: ArrayLike<number>, y: ArrayLike<number>, zOff = 0, yOff = 0): void {
    const Fa = this.Fa, B = this.B, b = this.fill, o = this.o, L = this.outputs;
    if (this.intercept && z[zOff] !== 1) throw new Error(`expected feature 0 to be the constant 1 of the intercept, got ${z[zOff]}`);
    if (this.count === 0 && this.intercept) {
      for (let i = 0; i < Fa; i++) this.cz[i] = z[zOff + o + i];
      for (let l = 0; l < L; l++) this.cy[l] = y[yOff + l];
    }
    for (let i = 0; i < Fa; i++) this.zBlock[i * B + b] = z[zOff + o + i] - this.cz[i];
    for (let l = 0; l < L; l++) this.yBlock[l * B + b] = y[yOff + l] - this.cy[l];
    this.count++;
    if (++this.fill === B) this.flush();
  }

  /** Σ_t z_t z_tᵀ (F×F, symmetric, row-major): the Gram matrix Z Zᵀ of the plain normal equations. */
  gram(): Float64Array {
    this.flush();
    const F = this.features, Fa = this.Fa, Fp = this.Fp, o = this.o, n = this.count;
    const { cz, sz } = this;
    const G = new Float64Array(F * F);
    // Σ z_i z_j = Σ (z_i − c_i)(z_j − c_j) + c_i s_j + s_i c_j + n c_i c_j.
    for (let i = 0; i < Fa; i++) {
      for (let j = i; j < Fa; j++) {
        const v = this.zzp[i * Fp + j] + cz[i] * sz[j] + sz[i] * cz[j] + n * cz[i] * cz[j];
        G[(i + o) * F + j + o] = v; G[(j + o) * F + i + o] = v;
      }
    }
    if (o === 1) {
      G[0] = n;
      for (let j = 0; j < Fa; j++) { const v = sz[j] + n * cz[j]; G[j + 1] = v; G[(j + 1) * F] = v; }
    }
    return G;
  }

  /** Σ_t y_t z_tᵀ (L×F, row-major): Y Zᵀ. */
  crossProducts(): Float64Array {
    this.flush();
    const F = this.features, Fa = this.Fa, L = this.outputs, o = this.o, n = this.count;
    const P = new Float64Array(L * F);
    for (let l = 0; l < L; l++) {
      // Σ y z_j = Σ (y − c)(z_j − c_j) + c_y s_j + s_y c_j + n c_y c_j.
      for (let j = 0; j < Fa; j++) {
        P[l * F + j + o] = this.yzAcc[l * Fa + j] + this.cy[l] * this.sz[j] + this.sy[l] * this.cz[j] + n * this.cy[l] * this.cz[j];
      }
      if (o === 1) P[l * F] = this.sy[l] + n * this.cy[l];
    }
    return P;
  }

  /**
   * The readout W_out (L×F, row-major) minimising Σ_t ‖y_t − W z_t‖² + λ Σ_{j penalised} ‖W_{:,j}‖²:
   * every feature is penalised except the intercept and those listed in `unpenalized`.
   *
   * @param lambda        the ridge λ ≥ 0
   * @param unpenalized   further feature indices without penalty
   * @throws Error naming λ when the (centred) normal equations are not positive definite (too few
   *   steps, constant features, or λ too small for collinear states)
   */
  solve(lambda: number, unpenalized: readonly number[] = []): Float64Array {
    if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new Error(`expected a ridge λ >= 0, got ${lambda}`);
    if (this.count === 0) throw new Error('expected at least one training step before solving the readout, got none');
    this.flush();
    const F = this.features, L = this.outputs, Fa = this.Fa, Fp = this.Fp, o = this.o, n = this.count;
    const free = new Set(unpenalized);
    // A: the system matrix over the accumulated features; R: its right-hand sides (Fa × L).
    const A = new Float64Array(Fa * Fa), R = new Float64Array(Fa * L);
    for (let i = 0; i < Fa; i++) {
      for (let j = i; j < Fa; j++) {
        // With an intercept: the centred C_zz = Σ (z − c)(z − c)ᵀ − s sᵀ / n. Without: Σ z zᵀ (c = 0).
        const v = this.zzp[i * Fp + j] - (o === 1 ? this.sz[i] * this.sz[j] / n : 0);
        A[i * Fa + j] = v; A[j * Fa + i] = v;
      }
      if (!free.has(i + o)) A[i * Fa + i] += lambda;
      for (let l = 0; l < L; l++) R[i * L + l] = this.yzAcc[l * Fa + i] - (o === 1 ? this.sy[l] * this.sz[i] / n : 0);
    }
    let Lc: Float64Array;
    try {
      Lc = cholesky(A, Fa);
    } catch (e) {
      if (e instanceof NotPositiveDefiniteError) {
        throw new Error(`the ridge normal equations (${F} features, ${n} steps, λ = ${lambda}) are singular: ${e.message}; use a larger ridge λ or more training steps`);
      }
      throw e;
    }
    choleskySolve(Lc, Fa, R, L); // R ← Wᵀ over the accumulated features
    const W = new Float64Array(L * F);
    for (let l = 0; l < L; l++) {
      for (let j = 0; j < Fa; j++) W[l * F + j + o] = R[j * L + l];
      if (o === 1) {
        // b = ȳ − W z̄, with z̄ = c + s/n and ȳ = c_y + s_y/n.
        let b = this.cy[l] + this.sy[l] / n;
        for (let j = 0; j < Fa; j++) b -= R[j * L + l] * (this.cz[j] + this.sz[j] / n);
        W[l * F] = b;
      }
    }
    return W;
  }

  /** Forgets every step added. */
  reset(): void {
    this.fill = 0;
    this.count = 0;
    for (const a of [this.zzp, this.yzAcc, this.sz, this.sy, this.cz, this.cy]) a.fill(0);
  }

  private flush(): void {
    const Fa = this.Fa, Fp = this.Fp, L = this.outputs, B = this.B, n = this.fill;
    if (n === 0) return;
    const Z = this.zBlock, Y = this.yBlock, zz = this.zzp, yz = this.yzAcc;
    if (n < B) { // zero the unused tail so full-length dot products stay exact
      for (let i = 0; i < Fa; i++) Z.fill(0, i * B + n, (i + 1) * B);
      for (let l = 0; l < L; l++) Y.fill(0, l * B + n, (l + 1) * B);
    }
    for (let i = 0; i < Fa; i++) {
      let s = 0;
      for (let b = 0; b < n; b++) s += Z[i * B + b];
      this.sz[i] += s;
    }
    for (let l = 0; l < L; l++) {
      let s = 0;
      for (let b = 0; b < n; b++) s += Y[l * B + b];
      this.sy[l] += s;
    }
    // zz[i][j] += Σ_b Z[i][b] Z[j][b] for a 4×2 tile of (i, j) at a time, over j ≥ the tile's
    // first row (the few lower-triangle entries this touches are never read; padding rows are 0).
    for (let i = 0; i < Fp; i += 4) {
      const o0 = i * B, o1 = o0 + B, o2 = o1 + B, o3 = o2 + B;
      const r0 = i * Fp, r1 = r0 + Fp, r2 = r1 + Fp, r3 = r2 + Fp;
      for (let j = i; j < Fp; j += 2) {
        const p0 = j * B, p1 = p0 + B;
        let a0 = 0, a1 = 0, b0 = 0, b1 = 0, c0 = 0, c1 = 0, d0 = 0, d1 = 0;
        for (let b = 0; b < B; b++) {
          const y0 = Z[p0 + b], y1 = Z[p1 + b];
          const x0 = Z[o0 + b], x1 = Z[o1 + b], x2 = Z[o2 + b], x3 = Z[o3 + b];
          a0 += x0 * y0; a1 += x0 * y1; b0 += x1 * y0; b1 += x1 * y1;
          c0 += x2 * y0; c1 += x2 * y1; d0 += x3 * y0; d1 += x3 * y1;
        }
        zz[r0 + j] += a0; zz[r0 + j + 1] += a1; zz[r1 + j] += b0; zz[r1 + j + 1] += b1;
        zz[r2 + j] += c0; zz[r2 + j + 1] += c1; zz[r3 + j] += d0; zz[r3 + j + 1] += d1;
      }
    }
    for (let l = 0; l < L; l++) {
      const ol = l * B, rl = l * Fa;
      for (let j = 0; j < Fa; j++) {
        const oj = j * B;
        let s = 0;
        for (let b = 0; b < B; b++) s += Y[ol + b] * Z[oj + b];
        yz[rl + j] += s;
      }
    }
    this.fill = 0;
  }
}

/**
 * Ridge regression for data held in memory: Z (T×F, one feature row per step) and Y (T×L),
 * returning W (L×F) = Yᵀ Z (Zᵀ Z + λ I)⁻¹. See {@link RidgeAccumulator.solve}.
 */
export function ridgeRegression(Z: ArrayLike<number>, Y: ArrayLike<number>, steps: number, lambda: number,
  opts: RidgeOptions & { unpenalized?: readonly number[] } = {}): Float64Array {
  if (!Number.isInteger(steps) || steps < 1 || Z.length % steps !== 0 || Y.length % steps !== 0) {
    throw new Error(`expected Z and Y with ${steps} rows each, got ${Z.length} and ${Y.length} values`);
  }
  const acc = new RidgeAccumulator(Z.length / steps, Y.length / steps, opts);
  for (let t = 0; t < steps; t++) acc.add(Z, Y, t * acc.features, t * acc.outputs);
  return acc.solve(lambda, opts.unpenalized);
}
