// Recursive least squares: the online counterpart of the ridge readout. Each training step
// updates the weights and the inverse correlation matrix P ≈ (Σ z zᵀ)⁻¹ by the Sherman–Morrison
// identity, O(F²) per step, so a readout can learn while the reservoir runs (FORCE learning uses
// the same update). With forgetting factor 1 and P₀ = I/δ, after T steps the weights equal the
// ridge solution with λ = δ on every feature (bias included):
//
//     W_T = Σ y zᵀ (Σ z zᵀ + δ I)⁻¹
//
// and a forgetting factor μ < 1 weights step t by μ^(T−t), tracking a drifting target.

/** Options of {@link RLS}. */
export interface RlsOptions {
  /** δ: P₀ = I/δ, equivalent to a ridge penalty δ (fading with μ < 1). Default 1e-6. */
  delta?: number;
  /** μ in (0, 1]: the forgetting factor. Default 1 (no forgetting). */
  forgetting?: number;
}

export class RLS {
  /** Readout weights W (L×F, row-major). */
  readonly W: Float64Array;
  /** Inverse correlation estimate P (F×F, symmetric). */
  readonly P: Float64Array;
  readonly forgetting: number;
  count = 0;
  private readonly Pz: Float64Array;
  private readonly e: Float64Array;

  constructor(readonly features: number, readonly outputs: number, opts: RlsOptions = {}) {
    const delta = opts.delta ?? 1e-6, mu = opts.forgetting ?? 1;
    if (!(delta > 0) || !Number.isFinite(delta)) throw new Error(`expected an RLS delta > 0, got ${delta}`);
    if (!(mu > 0 && mu <= 1)) throw new Error(`expected a forgetting factor in (0, 1], got ${mu}`);
    this.forgetting = mu;
    this.W = new Float64Array(outputs * features);
    this.P = new Float64Array(features * features);
    for (let i = 0; i < features; i++) this.P[i * features + i] = 1 / delta;
    this.Pz = new Float64Array(features);
    this.e = new Float64Array(outputs);
  }

  /**
   * One online step with features z (at zOff) and target y (at yOff):
   *
   *     k = P z / (μ + zᵀ P z),   W ← W + (y − W z) kᵀ,   P ← (P − k (P z)ᵀ) / μ
   *
   * Returns the prediction W z made before the update (the a-priori output).
   */
  update(z: ArrayLike<number>, y: ArrayLike<number>, zOff = 0, yOff = 0, prior: Float64Array = new Float64Array(this.outputs)): Float64Array {
    const F = this.features, L = this.outputs, P = this.P, Pz = this.Pz, W = this.W, mu = this.forgetting;
    let denom = mu;
    for (let i = 0; i < F; i++) {
      let s = 0;
      const ri = i * F;
      for (let j = 0; j < F; j++) s += P[ri + j] * z[zOff + j];
      Pz[i] = s;
      denom += z[zOff + i] * s;
    }
    for (let l = 0; l < L; l++) {
      let s = 0;
      for (let j = 0; j < F; j++) s += W[l * F + j] * z[zOff + j];
      prior[l] = s;
      this.e[l] = y[yOff + l] - s;
    }
    const inv = 1 / denom;
    for (let l = 0; l < L; l++) {
      const el = this.e[l] * inv;
      for (let j = 0; j < F; j++) W[l * F + j] += el * Pz[j];
    }
    // P is symmetric, so Pz serves as both P z and zᵀ P. Updating both triangles from the same
    // values keeps P exactly symmetric, which stops rounding from driving it indefinite.
    const invMu = 1 / mu;
    for (let i = 0; i < F; i++) {
      const ki = Pz[i] * inv, ri = i * F;
      for (let j = i; j < F; j++) {
        const v = (P[ri + j] - ki * Pz[j]) * invMu;
        P[ri + j] = v;
        P[j * F + i] = v;
      }
    }
    this.count++;
    return prior;
  }

  /** {@link update}, under the name the other readouts use. */
  add(z: ArrayLike<number>, y: ArrayLike<number>, zOff = 0, yOff = 0): void {
    this.update(z, y, zOff, yOff);
  }
}
