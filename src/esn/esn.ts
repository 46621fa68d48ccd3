// The echo state network: a fixed random reservoir plus a trained linear readout.
//
//     x_t = (1 − α) x_{t−1} + α tanh(W_in u_t + W x_{t−1} + W_fb y_{t−1} + b)     (reservoir.ts)
//     z_t = [1; u_t; x_t]                                                         (features)
//     y_t = W_out z_t                                                             (readout)
//
// Training runs the reservoir over the inputs, discards a washout (the first steps, while the
// state still remembers its arbitrary start), and solves for W_out in closed form by ridge
// regression (or online by RLS). With output feedback the reservoir is driven during training by
// the target y_{t−1} instead of its own output: teacher forcing, which turns the problem into a
// linear regression. After training the network can be run driven by inputs, or free-running,
// feeding its own outputs back (through W_fb, or as its next input in autoregressive use).
//
// As a Module, its state dict holds what the seed does not rebuild: the fitted readout and the
// running state x_t and y_{t−1} (buffers over the network's own arrays), so that a loaded network
// continues exactly where the saved one was. The reservoir itself is redrawn from the config's seed.

import { Rng } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import { Module, type LoadStateDictOptions } from '../nn/module.js';
import { registerClass } from '../nn/registry.js';
import { Reservoir, RESERVOIR_DEFAULTS, type ReservoirConfig } from './reservoir.js';
import { RidgeAccumulator } from './ridge.js';
import { RidgeQR } from './ridge_qr.js';
import { RLS, type RlsOptions } from './rls.js';
import type { TimeSeries } from './series.js';
import { nrmse } from './metrics.js';

/** An ESN's configuration: the reservoir's, plus the readout's. Every default is in {@link ESN_DEFAULTS}. */
export interface EsnConfig extends Omit<ReservoirConfig, 'feedbackSize'> {
  /** L, the output size. */
  outputSize: number;
  /** Feed the previous output y_{t−1} back into the reservoir through W_fb. */
  feedback: boolean;
  /** Ridge penalty λ of the readout (not applied to the bias). */
  ridge: number;
  /** Include the input u_t in the readout's features (a direct input-to-output path). */
  readoutInput: boolean;
}

export const ESN_DEFAULTS: Omit<EsnConfig, 'units' | 'inputSize' | 'outputSize'> = {
  ...(({ feedbackSize: _f, ...rest }) => rest)(RESERVOIR_DEFAULTS),
  feedback: false,
  ridge: 1e-6,
  readoutInput: true,
};

/** Options of {@link ESN.fit}. */
export interface FitOptions {
  /** Steps at the start of each sequence run but not used to fit the readout. Default 0. */
  washout?: number;
  /** Overrides the configured ridge λ. */
  ridge?: number;
  /** 'ridge' (closed form, default) or 'rls' (online recursive least squares). */
  readout?: 'ridge' | 'rls';
  /**
   * How the ridge readout is solved: 'cholesky' (the normal equations, default) or 'qr' (an
   * incremental QR factorisation: twice the cost, but accurate for λ far below what the normal
   * equations tolerate; see ridge_qr.ts).
   */
  solver?: 'cholesky' | 'qr';
  /** Options of the RLS readout. */
  rls?: RlsOptions;
  /** Amplitude of uniform noise added to the reservoir's pre-activations while fitting (0: none). */
  stateNoise?: number;
  /** Seed of that noise. Default: the reservoir seed + 1. */
  noiseSeed?: number;
}

/** What {@link ESN.fit} reports. */
export interface FitResult {
  /** Training steps used by the readout (after washout). */
  steps: number;
  /** The fitted network's teacher-forced outputs on those steps (noise-free). */
  predictions: TimeSeries;
  /** In-sample NRMSE of those outputs: RMSE / std of the targets (see metrics.ts). */
  nrmse: number;
}

/**
 * An echo state network: reservoir (see {@link Reservoir}) plus linear readout
 * y_t = W_out [1; u_t; x_t], fitted in closed form by {@link ESN.fit}.
 *
 * Inputs/outputs: series are {@link TimeSeries} of T steps, inputs T×K, targets and outputs T×L.
 *
 *     const net = new ESN({ units: 100, inputSize: 1, outputSize: 1, spectralRadius: 1.25, leakRate: 0.3, seed: 1 });
 *     net.fit(u, y, { washout: 100 });   // ridge readout
 *     const yHat = net.predict(uTest);     // driven, continuing from the training state
 *     const free = net.generate(50);       // free-running (autoregressive when K = L)
 */
export class ESN extends Module {
  readonly config: EsnConfig;
  readonly reservoir: Reservoir;
  private readoutWeights: Float64Array | null = null;
  /** The reservoir state x_t (N). */
  readonly state: Float64Array;
  /** The last output y_{t−1} (L): the teacher's during teacher forcing, the network's own otherwise. */
  readonly lastOutput: Float64Array;
  private readonly z: Float64Array;

  constructor(config: Partial<EsnConfig> & Pick<EsnConfig, 'units' | 'inputSize' | 'outputSize'>) {
    super();
    const c: EsnConfig = { ...ESN_DEFAULTS, ...config };
    if (!Number.isInteger(c.outputSize) || c.outputSize < 1) throw new Error(`expected outputSize to be an integer >= 1, got ${c.outputSize}`);
    if (!(c.ridge >= 0) || !Number.isFinite(c.ridge)) throw new Error(`expected ridge >= 0, got ${c.ridge}`);
    const { outputSize: _o, feedback, ridge: _r, readoutInput: _ri, ...res } = c;
    this.reservoir = new Reservoir({ ...res, feedbackSize: feedback ? c.outputSize : 0 });
    this.config = c;
    this.state = new Float64Array(c.units);
    this.lastOutput = new Float64Array(c.outputSize);
    this.z = new Float64Array(this.numFeatures);
    this.z[0] = 1;
    // The buffers wrap the arrays the network computes on (host-only tensors: no kernel touches them).
    this.registerBuffer('state', new Tensor(this.state, [c.units]));
    this.registerBuffer('last_output', new Tensor(this.lastOutput, [c.outputSize]));
  }

  /** Readout weights W_out (L×F, row-major), F = 1 + (readoutInput ? K : 0) + N; null before fitting. */
  get wOut(): Float64Array | null { return this.readoutWeights; }

  private setReadout(w: Float64Array | null): void {
    this.readoutWeights = w;
    this.registerBuffer('weight_out', w && new Tensor(w, [this.config.outputSize, this.numFeatures]));
  }

  getConfig(): EsnConfig {
    const c = this.config;
    return { ...c, inputScaling: typeof c.inputScaling === 'number' ? c.inputScaling : [...c.inputScaling] };
  }

  /** As Module's, and a readout in `dict` (weight_out) makes an unfitted network a fitted one. */
  override loadStateDict(dict: Readonly<Record<string, Tensor>>, options: LoadStateDictOptions = {}): void {
    const adopt = this.readoutWeights === null && dict.weight_out !== undefined;
    if (adopt) this.setReadout(new Float64Array(this.config.outputSize * this.numFeatures));
    try {
      super.loadStateDict(dict, options);
    } catch (e) {
      if (adopt) this.setReadout(null);
      throw e;
    }
  }

  /** F, the readout's feature count: bias, optionally the input, and the N states. */
  get numFeatures(): number {
    return 1 + (this.config.readoutInput ? this.config.inputSize : 0) + this.config.units;
  }

  /** Zeroes the state and the remembered output. */
  resetState(): void {
    this.state.fill(0);
    this.lastOutput.fill(0);
  }

  /**
   * Fits the readout. Each sequence starts from the zero state; its first `washout` steps only
   * warm the reservoir up. With feedback, the reservoir sees the target y_{t−1} (teacher forcing).
   *
   * Inputs: `inputs` (T×K) and `targets` (T×L) per sequence; the readout maps [1; u_t; x_t] to
   * targets_t. Afterwards the state is the one at the end of the last sequence, so {@link run} and
   * {@link generate} continue from there.
   */
  fit(inputs: TimeSeries | readonly TimeSeries[], targets: TimeSeries | readonly TimeSeries[], opts: FitOptions = {}): FitResult {
    const ins = Array.isArray(inputs) ? inputs as readonly TimeSeries[] : [inputs as TimeSeries];
    const tgs = Array.isArray(targets) ? targets as readonly TimeSeries[] : [targets as TimeSeries];
    const c = this.config, K = c.inputSize, L = c.outputSize;
    const washout = opts.washout ?? 0;
    if (!Number.isInteger(washout) || washout < 0) throw new Error(`expected washout to be an integer >= 0, got ${washout}`);
    if (ins.length !== tgs.length) throw new Error(`expected as many target sequences as input sequences, got ${tgs.length} and ${ins.length}`);
    let usable = 0;
    ins.forEach((u, i) => {
      const y = tgs[i];
      if (u.dim !== K) throw new Error(`expected inputs with ${K} values per step, got ${u.dim} (sequence ${i})`);
      if (y.dim !== L) throw new Error(`expected targets with ${L} values per step, got ${y.dim} (sequence ${i})`);
      if (u.length !== y.length) throw new Error(`expected inputs and targets of the same length, got ${u.length} and ${y.length} (sequence ${i})`);
      usable += Math.max(0, u.length - washout);
    });
    if (usable < 1) throw new Error(`expected sequences longer than the washout (${washout} steps), got ${ins.map((u) => u.length).join(', ')} steps`);

    const F = this.numFeatures;
    const method = opts.readout ?? 'ridge', solver = opts.solver ?? 'cholesky', lambda = opts.ridge ?? c.ridge;
    if (method !== 'ridge' && method !== 'rls') throw new Error(`expected readout 'ridge' or 'rls', got '${method}'`);
    if (solver !== 'cholesky' && solver !== 'qr') throw new Error(`expected solver 'cholesky' or 'qr', got '${solver}'`);
    // The bias (feature 0) is not penalised: it is an intercept.
    const rls = method === 'rls' ? new RLS(F, L, opts.rls) : null;
    const qr = !rls && solver === 'qr' ? new RidgeQR(F, L, lambda, [0]) : null;
    const ridge = !rls && !qr ? new RidgeAccumulator(F, L, { intercept: true }) : null;
    const noiseAmp = opts.stateNoise ?? 0;
    const noise = noiseAmp > 0 ? { amplitude: noiseAmp, rng: new Rng(opts.noiseSeed ?? c.seed + 1) } : undefined;
    // Pass 1: collect the normal equations (or run RLS), with noise when asked.
    for (let s = 0; s < ins.length; s++) {
      this.teacherPass(ins[s], tgs[s], noise, (z, t) => {
        if (t < washout) return;
        (rls ?? qr ?? ridge!).add(z, tgs[s].data, 0, t * L);
      });
    }
    this.setReadout(rls ? Float64Array.from(rls.W) : qr ? qr.solve() : ridge!.solve(lambda));
    // Pass 2: the fitted network's noise-free teacher-forced outputs, which also leaves the state
    // where a noise-free run of the training data would.
    const pred = new Float64Array(usable * L), truth = new Float64Array(usable * L);
    let row = 0;
    for (let s = 0; s < ins.length; s++) {
      this.teacherPass(ins[s], tgs[s], undefined, (z, t) => {
        if (t < washout) return;
        this.readout(z, pred, row * L);
        truth.set(tgs[s].data.subarray(t * L, (t + 1) * L), row * L);
        row++;
      });
    }
    return { steps: usable, predictions: { length: usable, dim: L, data: pred }, nrmse: nrmse(truth, pred) };
  }

  /**
   * Runs the network over `inputs` (T×K) from its current state and returns its outputs (T×L).
   * With feedback, y_{t−1} is `teacher` (T×L, teacher forcing: the reservoir sees the true previous
   * value, as during training) when given, else the network's own previous output.
   */
  run(inputs: TimeSeries, opts: { teacher?: TimeSeries } = {}): TimeSeries {
    const W = this.requireFitted();
    const c = this.config, K = c.inputSize, L = c.outputSize;
    if (inputs.dim !== K) throw new Error(`expected inputs with ${K} values per step, got ${inputs.dim}`);
    const teacher = opts.teacher;
    if (teacher && (teacher.dim !== L || teacher.length !== inputs.length)) {
      throw new Error(`expected a teacher of ${inputs.length} steps × ${L}, got ${teacher.length} × ${teacher.dim}`);
    }
    const out = new Float64Array(inputs.length * L);
    for (let t = 0; t < inputs.length; t++) {
      this.reservoir.step(this.state, inputs.data, t * K, this.lastOutput, 0);
      this.fillFeatures(inputs.data, t * K);
      this.readoutWith(W, this.z, out, t * L);
      if (teacher) this.lastOutput.set(teacher.data.subarray(t * L, (t + 1) * L));
      else this.lastOutput.set(out.subarray(t * L, (t + 1) * L));
    }
    return { length: inputs.length, dim: L, data: out };
  }

  /** Alias of {@link run} without a teacher: outputs driven by `inputs` alone. */
  predict(inputs: TimeSeries): TimeSeries {
    return this.run(inputs);
  }

  /**
   * Free-running generation of `steps` outputs from the current state, each fed back as the next
   * y_{t−1}. The input at each step is: nothing for an input-free network (K = 0); `opts.inputs`
   * (steps×K) when given; otherwise the previous output (autoregressive use, which needs K = L:
   * a network trained to map s_t to s_{t+1} then extends the series on its own).
   */
  generate(steps: number, opts: { inputs?: TimeSeries } = {}): TimeSeries {
    const W = this.requireFitted();
    const c = this.config, K = c.inputSize, L = c.outputSize;
    if (!Number.isInteger(steps) || steps < 0) throw new Error(`expected a number of steps >= 0, got ${steps}`);
    const given = opts.inputs;
    if (given && (given.dim !== K || given.length < steps)) throw new Error(`expected inputs of at least ${steps} steps × ${K}, got ${given.length} × ${given.dim}`);
    if (K > 0 && !given && K !== L) {
      throw new Error(`free-running generation feeds the output back as the input, which needs inputSize = outputSize (got ${K} and ${L}); pass inputs instead`);
    }
    const out = new Float64Array(steps * L);
    const u = new Float64Array(K);
    for (let t = 0; t < steps; t++) {
      if (K > 0) {
        if (given) u.set(given.data.subarray(t * K, (t + 1) * K));
        else u.set(this.lastOutput);
      }
      this.reservoir.step(this.state, u, 0, this.lastOutput, 0);
      this.fillFeatures(u, 0);
      this.readoutWith(W, this.z, out, t * L);
      this.lastOutput.set(out.subarray(t * L, (t + 1) * L));
    }
    return { length: steps, dim: L, data: out };
  }

  // Runs one sequence from the zero state under teacher forcing, calling `visit(z_t, t)` with the
  // feature vector of each step. Leaves lastOutput at the final target.
  private teacherPass(u: TimeSeries, y: TimeSeries, noise: { amplitude: number; rng: Rng } | undefined,
    visit: (z: Float64Array, t: number) => void): void {
    const K = this.config.inputSize, L = this.config.outputSize;
    this.resetState();
    for (let t = 0; t < u.length; t++) {
      // y_{t−1}: zero before the first step, then the teacher's previous value.
      this.reservoir.step(this.state, u.data, t * K, t === 0 ? this.lastOutput : y.data, t === 0 ? 0 : (t - 1) * L, noise);
      this.fillFeatures(u.data, t * K);
      visit(this.z, t);
    }
    if (u.length > 0) this.lastOutput.set(y.data.subarray((u.length - 1) * L, u.length * L));
  }

  // z = [1; u_t; x_t].
  private fillFeatures(uData: ArrayLike<number>, uOff: number): void {
    const z = this.z;
    let o = 1;
    if (this.config.readoutInput) for (let k = 0; k < this.config.inputSize; k++) z[o++] = uData[uOff + k];
    z.set(this.state, o);
  }

  private readout(z: Float64Array, out: Float64Array, off: number): void {
    this.readoutWith(this.requireFitted(), z, out, off);
  }

  // out[off..off+L) = W_out z.
  private readoutWith(W: Float64Array, z: Float64Array, out: Float64Array, off: number): void {
    const F = z.length;
    for (let l = 0; l < this.config.outputSize; l++) {
      let s = 0;
      const r = l * F;
      for (let j = 0; j < F; j++) s += W[r + j] * z[j];
      out[off + l] = s;
    }
  }

  private requireFitted(): Float64Array {
    if (!this.readoutWeights) throw new Error('the ESN has no readout yet: call fit() before run(), predict() or generate()');
    return this.readoutWeights;
  }
}

// The reservoir is redrawn from the seed and its spectral radius computed (seconds for a few thousand
// units), so a file's config is checked against the state it stores before any of that is done.
registerClass('esn.ESN', ESN, (config) => new ESN(config), {
  checkStored: (c, shapeOf) => {
    const isSize = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;
    if (!isSize(c.units) || !isSize(c.outputSize)) return; // the constructor says what is wrong
    for (const [name, want] of [['state', [c.units]], ['last_output', [c.outputSize]]] as const) {
      const got = shapeOf(name);
      if (got === undefined || !sameShape(got, want)) {
        throw new Error(`expected tensor ${name} of shape ${formatShape(want)} (units ${c.units}, outputSize ${c.outputSize}), got ${got === undefined ? 'none' : formatShape(got)}`);
      }
    }
  },
});
