// The reservoir of an echo state network: a fixed, random, sparsely connected recurrent layer of
// leaky tanh units. Nothing in it is trained; its weights are drawn once from a seed and the
// recurrent matrix is rescaled to a chosen spectral radius, which sets how long the reservoir
// remembers (below 1 fades, near 1 remembers longest, above 1 risks self-sustained activity).
//
//     x_t = (1 − α) x_{t−1} + α tanh(W_in u_t + W x_{t−1} + W_fb y_{t−1} + b + ν_t)
//
// x: reservoir state (N), u: input (K), y: previous output, fed back when W_fb is present (L),
// α: leak rate, ν: optional state noise (training only, a regulariser for free-running use).

import { Rng } from '../tensor/random.js';
import { describeValue } from '../tensor/describe_value.js';
import { chargeAllocation } from '../backend/allocation_budget.js';
import { CsrMatrix } from './sparse.js';
import { spectralRadiusExact } from '../nn/eigen.js';
import { spectralRadiusSparse } from './sparse_radius.js';

/** How the recurrent matrix is rescaled to its target spectral radius. */
export type RadiusMethod = 'exact' | 'power' | 'auto';

/** Everything that defines a reservoir; every default is in {@link RESERVOIR_DEFAULTS}. */
export interface ReservoirConfig {
  /** N, the number of units. */
  units: number;
  /** K, the input size (0 for a reservoir driven only by its bias and feedback). */
  inputSize: number;
  /** L, the size of the output fed back through W_fb (0: no feedback). */
  feedbackSize: number;
  /** Target spectral radius ρ(W) (the largest |eigenvalue|). */
  spectralRadius: number;
  /** Fraction of recurrent weights that are non-zero (sparsity = 1 − density); every unit gets round(density·N) inputs. */
  density: number;
  /** Distribution of the non-zero recurrent weights before rescaling. */
  distribution: 'normal' | 'uniform';
  /** W_in entries are uniform in [−s, s]; a number, or one scale per input. */
  inputScaling: number | readonly number[];
  /** Fraction of W_in entries that are non-zero. */
  inputDensity: number;
  /** b entries are uniform in [−s, s]. */
  biasScaling: number;
  /** W_fb entries are uniform in [−s, s]. */
  feedbackScaling: number;
  /** α in (0, 1]: 1 is an ordinary tanh RNN step; small α makes slow units. */
  leakRate: number;
  /** 'exact' (all eigenvalues, O(N³)), 'power' (block power iteration) or 'auto' (exact up to 300 units). */
  radiusMethod: RadiusMethod;
  /** Seed of the weights. */
  seed: number;
}

export const RESERVOIR_DEFAULTS: Omit<ReservoirConfig, 'units' | 'inputSize'> = {
  feedbackSize: 0,
  spectralRadius: 0.9,
  density: 0.1,
  distribution: 'normal',
  inputScaling: 1,
  inputDensity: 1,
  biasScaling: 0,
  feedbackScaling: 1,
  leakRate: 1,
  radiusMethod: 'auto',
  seed: 0,
};

/** Unit counts up to this use the exact eigenvalue method under `radiusMethod: 'auto'`. */
export const EXACT_RADIUS_MAX_UNITS = 300;

/** The spectral radius of W by the chosen method. */
export function spectralRadiusOf(W: CsrMatrix, method: RadiusMethod): number {
  const exact = method === 'exact' || (method === 'auto' && W.rows <= EXACT_RADIUS_MAX_UNITS);
  return exact ? spectralRadiusExact(W.toDense(), W.rows) : spectralRadiusSparse(W, { block: 8, tol: 1e-12, maxIterations: 20000 });
}

/**
 * A reservoir of N leaky tanh units with fixed random weights: W (N×N, sparse, rescaled to the
 * target spectral radius), W_in (N×K), W_fb (N×L) and b (N), all drawn from `config.seed`.
 * {@link Reservoir.step} applies x_t = (1 − α) x_{t−1} + α tanh(W_in u_t + W x_{t−1} + W_fb y_{t−1} + b).
 */
export class Reservoir {
  readonly config: ReservoirConfig;
  /** Recurrent weights (N×N, sparse), already rescaled to `config.spectralRadius`. */
  readonly W: CsrMatrix;
  /** Input weights (N×K, row-major). */
  readonly Win: Float64Array;
  /** Feedback weights (N×L, row-major). */
  readonly Wfb: Float64Array;
  /** Bias (N). */
  readonly bias: Float64Array;
  /** ρ(W) as drawn, before rescaling. */
  readonly initialRadius: number;
  private readonly pre: Float64Array;

  constructor(config: Partial<ReservoirConfig> & Pick<ReservoirConfig, 'units' | 'inputSize'>) {
    const c: ReservoirConfig = { ...RESERVOIR_DEFAULTS, ...config };
    checkConfig(c);
    chargeAllocation(reservoirBytes(c)); // before drawing: a budget (a checkpoint being read) refuses here
    this.config = c;
    const N = c.units, K = c.inputSize, L = c.feedbackSize;
    const rng = new Rng(c.seed);
    const draw = c.distribution === 'normal' ? () => rng.normal() : () => rng.uniform(-1, 1);
    this.W = CsrMatrix.random(N, c.density, draw, rng);
    this.initialRadius = spectralRadiusOf(this.W, c.radiusMethod);
    if (c.spectralRadius > 0) {
      if (!(this.initialRadius > 1e-12)) {
        throw new Error(`the random recurrent matrix has spectral radius ${this.initialRadius} and cannot be rescaled to ${c.spectralRadius}; use a larger density (got ${c.density})`);
      }
      this.W.scale(c.spectralRadius / this.initialRadius);
    } else {
      this.W.scale(0);
    }
    this.Win = new Float64Array(N * K);
    for (let i = 0; i < N; i++) {
      for (let k = 0; k < K; k++) {
        const s = typeof c.inputScaling === 'number' ? c.inputScaling : c.inputScaling[k];
        const u = rng.uniform(-1, 1); // always drawn, so the weights do not depend on the density
        if (rng.random() < c.inputDensity) this.Win[i * K + k] = s * u;
      }
    }
    this.bias = new Float64Array(N);
    for (let i = 0; i < N; i++) this.bias[i] = c.biasScaling * rng.uniform(-1, 1);
    this.Wfb = new Float64Array(N * L);
    for (let i = 0; i < N * L; i++) this.Wfb[i] = c.feedbackScaling * rng.uniform(-1, 1);
    this.pre = new Float64Array(N);
  }

  get units(): number { return this.config.units; }

  /**
   * One state update, in place on `x`:
   *
   *     x ← (1 − α) x + α tanh(W_in u + W x + W_fb y + b + ν)
   *
   * @param x      state x_{t−1} (N), overwritten with x_t
   * @param u      input u_t (K), read from `uData` at offset `uOff`
   * @param y      previous output y_{t−1} (L), read from `yData` at `yOff`; ignored without feedback
   * @param noise  when given, ν has independent entries uniform in [−amplitude, amplitude]
   */
  step(x: Float64Array, uData: ArrayLike<number>, uOff: number, yData: ArrayLike<number> | null, yOff: number,
    noise?: { amplitude: number; rng: Rng }): void {
    const { units: N, inputSize: K, feedbackSize: L, leakRate: a } = this.config;
    const pre = this.pre;
    this.W.mulVec(x, pre); // W x_{t−1}; `pre` is separate from x because every row reads all of x
    const Win = this.Win, Wfb = this.Wfb, b = this.bias;
    for (let i = 0; i < N; i++) {
      let s = pre[i] + b[i];
      for (let k = 0; k < K; k++) s += Win[i * K + k] * uData[uOff + k];
      if (L > 0 && yData) for (let l = 0; l < L; l++) s += Wfb[i * L + l] * yData[yOff + l];
      if (noise) s += noise.amplitude * (2 * noise.rng.random() - 1);
      x[i] = (1 - a) * x[i] + a * Math.tanh(s);
    }
  }
}

// The memory a reservoir of config c allocates: W in CSR form (and dense, for the exact spectral
// radius), W_in, W_fb, the bias and the block power iteration's vectors.
function reservoirBytes(c: ReservoirConfig): number {
  const N = c.units, k = Math.min(N, Math.max(1, Math.round(c.density * N)));
  const exact = c.radiusMethod === 'exact' || (c.radiusMethod === 'auto' && N <= EXACT_RADIUS_MAX_UNITS);
  return 12 * N * k + 5 * N + 8 * N * (c.inputSize + c.feedbackSize + 2) + (exact ? 16 * N * N : 8 * 8 * 3 * N);
}

function checkConfig(c: ReservoirConfig): void {
  const int = (name: string, v: number, min: number): void => {
    if (!Number.isInteger(v) || v < min) throw new Error(`expected ${name} to be an integer >= ${min}, got ${v}`);
  };
  const num = (name: string, v: number, lo: number, hi: number, loOpen = false): void => {
    if (!Number.isFinite(v) || v > hi || (loOpen ? v <= lo : v < lo)) {
      throw new Error(`expected ${name} in ${loOpen ? '(' : '['}${lo}, ${hi}], got ${v}`);
    }
  };
  int('units', c.units, 1);
  int('inputSize', c.inputSize, 0);
  int('feedbackSize', c.feedbackSize, 0);
  num('spectralRadius', c.spectralRadius, 0, 1e6);
  num('density', c.density, 0, 1, true);
  num('inputDensity', c.inputDensity, 0, 1);
  num('biasScaling', c.biasScaling, 0, 1e6);
  num('feedbackScaling', c.feedbackScaling, 0, 1e6);
  num('leakRate', c.leakRate, 0, 1, true);
  if (typeof c.inputScaling === 'number') num('inputScaling', c.inputScaling, 0, 1e6);
  else if (!Array.isArray(c.inputScaling)) throw new Error(`expected inputScaling to be a number or one number per input, got ${describeValue(c.inputScaling)}`);
  else {
    if (c.inputScaling.length !== c.inputSize) throw new Error(`expected ${c.inputSize} input scalings (one per input), got ${c.inputScaling.length}`);
    c.inputScaling.forEach((s, k) => num(`inputScaling[${k}]`, s, 0, 1e6));
  }
  if (c.distribution !== 'normal' && c.distribution !== 'uniform') throw new Error(`expected distribution 'normal' or 'uniform', got '${c.distribution}'`);
  if (!['exact', 'power', 'auto'].includes(c.radiusMethod)) throw new Error(`expected radiusMethod 'exact', 'power' or 'auto', got '${c.radiusMethod}'`);
  int('seed', c.seed, 0);
}
