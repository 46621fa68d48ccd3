// Forecast uncertainty by Monte-Carlo dropout (Gal & Ghahramani 2016), `unfold tasks uncertainty`:
// a Mackey–Glass series (src/esn/mackey_glass.ts), standardized, observed with Gaussian noise; an
// LSTM with dropout reads a window of past observations and forecasts the observation `horizon`
// steps ahead. At test time k passes with dropout on give the mean forecast and the spread of the
// model (epistemic); the observation noise (aleatoric), which no pass of a mean-squared-error model
// shows, is estimated on a validation split as the part of the error the passes' spread does not
// explain (Kendall & Gal 2017), and added to each pass as a Gaussian draw. The interval is the
// 5–95 % quantiles of those noisy passes; the measure is how often it holds the held-out
// observation (a calibrated 90 % interval: about 90 %).

import '../autograd/methods.js';
import { Tensor, tensor } from '../tensor/tensor.js';
import { Rng } from '../tensor/random.js';
import { noGrad } from '../autograd/grad_mode.js';
import { add } from '../autograd/ops/elementwise.js';
import { select } from '../autograd/ops/shape_ops.js';
import { Module } from '../nn/module.js';
import { LSTM } from '../nn/layers/lstm.js';
import { Linear } from '../nn/layers/linear.js';
import { dropout } from '../nn/layers/dropout.js';
import { mseLoss } from '../nn/losses/regression.js';
import { mcDropoutPredict } from '../nn/mc_dropout.js';
import { registerClass } from '../nn/registry.js';
import { checkPositiveInteger } from '../nn/config_check.js';
import type { InitOptions } from '../nn/init.js';
import { Adam } from '../optim/adam.js';
import { fit } from '../train/fit.js';
import { mackeyGlass } from '../esn/mackey_glass.js';
import { definedOnly } from './defined_only.js';

export interface ForecastLSTMConfig {
  hiddenSize: number;
  /** Stacked LSTM layers (dropout acts between them and before the head). */
  numLayers: number;
  /** Dropout probability, in training and in the Monte-Carlo passes. */
  dropout: number;
}

/**
 * y = head(dropout(h_T)) from an LSTM stack (dropout between layers) over x.
 * Inputs: x [T, B, 1] (a window of observations, time-major). Outputs: y [B, 1].
 */
export class ForecastLSTM extends Module {
  readonly config: ForecastLSTMConfig;
  readonly rnn: LSTM;
  readonly head: Linear;

  constructor(config: ForecastLSTMConfig, init: InitOptions = {}) {
    super();
    checkPositiveInteger('hiddenSize', config.hiddenSize, 'ForecastLSTM: ');
    checkPositiveInteger('numLayers', config.numLayers, 'ForecastLSTM: ', 64);
    this.config = { ...config };
    this.rnn = this.registerModule('rnn', new LSTM({ inputSize: 1, hiddenSize: config.hiddenSize, numLayers: config.numLayers, dropout: config.dropout }, init));
    this.head = this.registerModule('head', new Linear({ inFeatures: config.hiddenSize, outFeatures: 1 }, init));
  }

  getConfig(): ForecastLSTMConfig {
    return { hiddenSize: this.config.hiddenSize, numLayers: this.config.numLayers, dropout: this.config.dropout };
  }

  forward(x: Tensor): Tensor {
    const [out] = this.rnn.forward(x); // [T, B, H]
    return this.head.forward(dropout(select(out, 0, out.shape[0] - 1), this.config.dropout, this.training, this.rnn.rng));
  }
}

registerClass('tasks.ForecastLSTM', ForecastLSTM, (config, init) => new ForecastLSTM(config, init));

export interface UncertaintyOptions {
  /** Observations the model reads per forecast. */
  window: number;
  /** Steps ahead of the window's last observation that are forecast. */
  horizon: number;
  /** Standard deviation of the observation noise, in units of the series' standard deviation. */
  noise: number;
  /** Forecasts (windows) in the training, validation and test parts, in time order. */
  trainSize: number;
  valSize: number;
  testSize: number;
  hiddenSize: number;
  numLayers: number;
  dropout: number;
  lr: number;
  batchSize: number;
  /** Training steps at most. */
  steps: number;
  /** Seconds of training at most (0: no limit). */
  time: number;
  /** Monte-Carlo passes at test time. */
  passes: number;
  seed: number;
}

export const UNCERTAINTY_DEFAULTS: Readonly<UncertaintyOptions> = Object.freeze({
  window: 32, horizon: 4, noise: 0.1, trainSize: 2000, valSize: 500, testSize: 500,
  hiddenSize: 32, numLayers: 2, dropout: 0.1, lr: 5e-3, batchSize: 64, steps: 1500, time: 300, passes: 100, seed: 0,
});

/** The held-out forecasts and their summaries, in the series' standardized units. */
export interface UncertaintyResult {
  /** Observed values at the forecast times [testSize], their noiseless values, and the forecasts' mean. */
  observed: number[];
  clean: number[];
  mean: number[];
  /** The 90 % predictive interval (noisy passes), and the one from the passes alone (model spread only). */
  lower: number[];
  upper: number[];
  modelLower: number[];
  modelUpper: number[];
  /** Fraction of held-out observations inside the predictive interval (target about 0.9), and inside the model-only one. */
  coverage: number;
  modelCoverage: number;
  /** Mean width of the predictive interval. */
  width: number;
  /** RMSE of the MC mean and of the deterministic forecast (dropout off) against the observations. */
  rmse: number;
  deterministicRmse: number;
  /** The noise standard deviation used and the one estimated on validation. */
  noise: number;
  estimatedNoise: number;
  steps: number;
  trainSeconds: number;
  model: ForecastLSTM;
}

interface Split { x: Tensor; y: Float64Array; clean: Float64Array }

// Windows [T, n, 1] of the observations and their targets, for forecasts n = from … from + count − 1.
function windows(obs: Float64Array, clean: Float64Array, from: number, count: number, W: number, h: number): Split {
  const x = new Float32Array(W * count), y = new Float64Array(count), c = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const s = from + i;
    for (let t = 0; t < W; t++) x[t * count + i] = obs[s + t];
    y[i] = obs[s + W - 1 + h];
    c[i] = clean[s + W - 1 + h];
  }
  return { x: tensor(x, [W, count, 1]), y, clean: c };
}

/** Trains the forecaster and measures its Monte-Carlo dropout intervals on the held-out part. */
export async function runUncertainty(options: Partial<UncertaintyOptions> & { shouldStop?: () => boolean } = {}): Promise<UncertaintyResult> {
  const o: UncertaintyOptions = { ...UNCERTAINTY_DEFAULTS, ...definedOnly(options) };
  const { window: W, horizon: h } = o;
  for (const k of ['window', 'horizon', 'trainSize', 'valSize', 'testSize', 'passes', 'batchSize'] as const) checkPositiveInteger(k, o[k]);
  const n = o.trainSize + o.valSize + o.testSize + W + h;
  const raw = mackeyGlass({ length: n, discard: 500, dt: 2 });
  const mu = raw.reduce((a, v) => a + v, 0) / n;
  const sd = Math.sqrt(raw.reduce((a, v) => a + (v - mu) ** 2, 0) / n);
  const clean = raw.map((v) => (v - mu) / sd);
  const noiseRng = new Rng(o.seed * 7 + 1);
  const obs = clean.map((v) => v + o.noise * noiseRng.normal());
  const val = windows(obs, clean, o.trainSize, o.valSize, W, h);
  const test = windows(obs, clean, o.trainSize + o.valSize, o.testSize, W, h);

  const model = new ForecastLSTM({ hiddenSize: o.hiddenSize, numLayers: o.numLayers, dropout: o.dropout }, { rng: new Rng(o.seed) });
  model.rnn.rng = new Rng(o.seed * 7 + 2);
  const batchRng = new Rng(o.seed * 7 + 3);
  const res = await fit({
    model, optimizer: new Adam(model.parameters(), { lr: o.lr }), clip: 1, steps: o.steps, seconds: o.time,
    data: () => {
      const B = o.batchSize, x = new Float32Array(W * B), y = new Float32Array(B);
      for (let b = 0; b < B; b++) {
        const s = batchRng.int(o.trainSize);
        for (let t = 0; t < W; t++) x[t * B + b] = obs[s + t];
        y[b] = obs[s + W - 1 + h];
      }
      return { x: tensor(x, [W, B, 1]), y: tensor(y, [B, 1]) };
    },
    loss: (b) => mseLoss(model.forward(b.x), b.y),
    callbacks: { shouldStop: options.shouldStop },
  });

  const passRng = new Rng(o.seed * 7 + 4);
  const mc = (s: Split, noise: number) => mcDropoutPredict(model, () => {
    const y = model.forward(s.x); // [n, 1]
    return noise > 0 ? add(y, tensor(Array.from({ length: y.size }, () => noise * passRng.normal()), y.shape)) : y;
  }, { passes: o.passes, interval: [0.05, 0.95] });
  // Aleatoric noise: the validation error of the MC mean that the passes' own variance does not explain.
  const v = mc(val, 0);
  const vm = v.mean.dataSync(), vs = v.std.dataSync();
  let err = 0, spread = 0;
  for (let i = 0; i < o.valSize; i++) { err += (val.y[i] - vm[i]) ** 2; spread += vs[i] ** 2; }
  const estimatedNoise = Math.sqrt(Math.max(0, (err - spread) / o.valSize));

  const modelOnly = mc(test, 0), predictive = mc(test, estimatedNoise);
  model.eval();
  const det = noGrad(() => model.forward(test.x)).dataSync();
  const arr = (t: Tensor): number[] => Array.from(t.dataSync());
  const [mean, lower, upper, modelLower, modelUpper] = [modelOnly.mean, predictive.lower, predictive.upper, modelOnly.lower, modelOnly.upper].map(arr);
  const observed = Array.from(test.y);
  const inside = (lo: number[], hi: number[]): number => observed.filter((y, i) => y >= lo[i] && y <= hi[i]).length / observed.length;
  const rmse = (p: ArrayLike<number>): number => Math.sqrt(observed.reduce((a, y, i) => a + (y - p[i]) ** 2, 0) / observed.length);
  return {
    observed, clean: Array.from(test.clean), mean, lower, upper, modelLower, modelUpper,
    coverage: inside(lower, upper), modelCoverage: inside(modelLower, modelUpper),
    width: upper.reduce((a, u, i) => a + u - lower[i], 0) / upper.length,
    rmse: rmse(mean), deterministicRmse: rmse(det), noise: o.noise, estimatedNoise, steps: res.steps, trainSeconds: res.elapsed, model,
  };
}
