// Ridge regression by an incremental QR factorisation, for readouts that need more precision than
// the normal equations can give. The ridge solution is the least-squares solution of the stacked
// system
//
//     [ Zᵀ   ]        [ Yᵀ ]
//     [ √λ I ] Wᵀ  ≈  [ 0  ]
//
// and a QR factorisation of that matrix (R upper triangular, F×F) gives it by back substitution:
// R Wᵀ = Qᵀ [Yᵀ; 0]. Forming Z Zᵀ squares the condition number of Z; QR does not, so where the
// Cholesky route must stop at λ ≈ 1e-15 · ‖Z Zᵀ‖ (below that, rounding makes the normal matrix
// indefinite), QR works down to λ near 1e-30 · ‖Z Zᵀ‖. Echo state networks for free-running
// prediction of smooth signals have states spanning a handful of strong directions and many very
// weak ones, and their accuracy keeps improving as λ shrinks into that range.
//
// The factorisation starts from R = √λ I (the penalty rows, with 0 for unpenalised features) and
// absorbs training steps in blocks of 64 with Householder reflections, so Z is never stored.
// Cost: 2 T F² flops for T steps, about twice the normal equations.

/** Incremental QR least squares with a ridge penalty; same minimiser as {@link RidgeAccumulator.solve}. */
export class RidgeQR {
  /** Number of steps added. */
  count = 0;
  private readonly R: Float64Array; // F×F upper triangular
  private readonly C: Float64Array; // F×L: Qᵀ applied to the targets
  private readonly B = 64;
  private readonly Z: Float64Array; // block of steps, feature-major: Z[j * B + b]
  private readonly Y: Float64Array; // L×B
  private readonly v: Float64Array;
  private fill = 0;

  /**
   * @param lambda       the ridge λ ≥ 0
   * @param unpenalized  feature indices without penalty (the ESN passes its bias, feature 0)
   */
  constructor(readonly features: number, readonly outputs: number, readonly lambda: number, unpenalized: readonly number[] = []) {
    if (!Number.isInteger(features) || features < 1) throw new Error(`expected at least 1 feature, got ${features}`);
    if (!Number.isInteger(outputs) || outputs < 1) throw new Error(`expected at least 1 output, got ${outputs}`);
    if (!(lambda >= 0) || !Number.isFinite(lambda)) throw new Error(`expected a ridge λ >= 0, got ${lambda}`);
    const F = features;
    this.R = new Float64Array(F * F);
    const free = new Set(unpenalized);
    for (let i = 0; i < F; i++) this.R[i * F + i] = free.has(i) ? 0 : Math.sqrt(lambda);
    this.C = new Float64Array(F * outputs);
    this.Z = new Float64Array(F * this.B);
    this.Y = new Float64Array(outputs * this.B);
    this.v = new Float64Array(this.B);
  }

  /** Adds one training pair: features z (F, at zOff) and target y (L, at yOff). */
  add(z: ArrayLike<number>, y: ArrayLike<number>, zOff = 0, yOff = 0): void {
    const F = this.features, L = this.outputs, B = this.B, b = this.fill;
    for (let i = 0; i < F; i++) this.Z[i * B + b] = z[zOff + i];
    for (let l = 0; l < L; l++) this.Y[l * B + b] = y[yOff + l];
    this.count++;
    if (++this.fill === B) this.flush();
  }

  /**
   * The readout W (L×F, row-major) minimising Σ_t ‖y_t − W z_t‖² + λ Σ_{j penalised} ‖W_{:,j}‖².
   * @throws Error when R is singular (an unpenalised feature that never varies, or λ = 0 with
   *   fewer independent steps than features)
   */
  solve(): Float64Array {
    this.flush();
    const F = this.features, L = this.outputs, R = this.R, C = this.C;
    if (this.count === 0) throw new Error('expected at least one training step before solving the readout, got none');
    let maxDiag = 0;
    for (let i = 0; i < F; i++) maxDiag = Math.max(maxDiag, Math.abs(R[i * F + i]));
    const W = new Float64Array(L * F);
    for (let i = F - 1; i >= 0; i--) {
      const d = R[i * F + i];
      if (!(Math.abs(d) > 1e-300) || Math.abs(d) < Number.EPSILON * 1e-3 * maxDiag && this.lambda === 0) {
        throw new Error(`the least-squares problem (${F} features, ${this.count} steps, λ = ${this.lambda}) is singular at feature ${i}; use a ridge λ > 0 or more training steps`);
      }
      for (let l = 0; l < L; l++) {
        let s = C[i * L + l];
        for (let j = i + 1; j < F; j++) s -= R[i * F + j] * W[l * F + j];
        W[l * F + i] = s / d;
      }
    }
    return W;
  }

  // Absorbs the buffered steps into R: for each column k, a Householder reflection that zeroes
  // the block's entries of column k against R_kk, applied to the rest of the row k of R, the
  // block, and the targets.
  private flush(): void {
    const F = this.features, L = this.outputs, B = this.B, n = this.fill;
    if (n === 0) return;
    const { R, C, Z, Y, v } = this;
    for (let k = 0; k < F; k++) {
      const ok = k * B;
      let ss = 0;
      for (let b = 0; b < n; b++) ss += Z[ok + b] * Z[ok + b];
      if (ss === 0) continue;
      const alpha = R[k * F + k];
      const norm = Math.sqrt(alpha * alpha + ss);
      const beta = alpha > 0 ? -norm : norm; // R_kk after the reflection; sign avoids cancellation
      const v0 = alpha - beta;
      for (let b = 0; b < n; b++) v[b] = Z[ok + b] / v0; // v = [1; z_block / v0]
      const tau = (beta - alpha) / beta; // H = I − τ v vᵀ
      R[k * F + k] = beta;
      const rk = k * F;
      // Four columns at a time: each v_b is loaded once for four dot products and four updates.
      let j = k + 1;
      for (; j + 3 < F; j += 4) {
        const o0 = j * B, o1 = o0 + B, o2 = o1 + B, o3 = o2 + B;
        let s0 = R[rk + j], s1 = R[rk + j + 1], s2 = R[rk + j + 2], s3 = R[rk + j + 3];
        for (let b = 0; b < n; b++) {
          const vb = v[b];
          s0 += vb * Z[o0 + b]; s1 += vb * Z[o1 + b]; s2 += vb * Z[o2 + b]; s3 += vb * Z[o3 + b];
        }
        s0 *= tau; s1 *= tau; s2 *= tau; s3 *= tau;
        R[rk + j] -= s0; R[rk + j + 1] -= s1; R[rk + j + 2] -= s2; R[rk + j + 3] -= s3;
        for (let b = 0; b < n; b++) {
          const vb = v[b];
          Z[o0 + b] -= s0 * vb; Z[o1 + b] -= s1 * vb; Z[o2 + b] -= s2 * vb; Z[o3 + b] -= s3 * vb;
        }
      }
      for (; j < F; j++) {
        const oj = j * B;
        let s = R[rk + j];
        for (let b = 0; b < n; b++) s += v[b] * Z[oj + b];
        s *= tau;
        R[rk + j] -= s;
        for (let b = 0; b < n; b++) Z[oj + b] -= s * v[b];
      }
      for (let l = 0; l < L; l++) {
        const ol = l * B;
        let s = C[k * L + l];
        for (let b = 0; b < n; b++) s += v[b] * Y[ol + b];
        s *= tau;
        C[k * L + l] -= s;
        for (let b = 0; b < n; b++) Y[ol + b] -= s * v[b];
      }
    }
    this.fill = 0;
  }
}
