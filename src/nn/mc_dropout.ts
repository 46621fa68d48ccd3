// Monte-Carlo dropout (Gal & Ghahramani 2016): a network trained with dropout, run k times at
// inference with dropout still on, gives k samples of an approximate posterior predictive; their
// mean is the prediction and their spread (here: quantiles) an interval for it. The passes need the
// model's dropout active, which is what its training flags say; they are switched on for the passes
// only and every module's own flag is put back afterwards (even when a pass throws), so that code
// holding the model in evaluation mode never sees it otherwise.

import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad_mode.js';
import { formatShape, sameShape } from '../tensor/shape.js';
import { shortJson } from '../tensor/describe_value.js';
import type { Module } from './module.js';
import { checkPositiveInteger } from './config_check.js';

export interface MCDropoutOptions {
  /** k, the stochastic passes (default 50). */
  passes?: number;
  /** The interval's lower and upper quantiles, 0 ≤ lo ≤ hi ≤ 1 (default [0.05, 0.95]: 90 %). */
  interval?: readonly [number, number];
  /** Keep every pass's output in the result's `samples` (default false). */
  keepSamples?: boolean;
}

export interface MCDropoutResult {
  /** Mean over the passes, the shape of one pass's output. */
  mean: Tensor;
  /** Standard deviation over the passes (population, 1/k), same shape. */
  std: Tensor;
  /** The lower and upper quantiles over the passes, per element (linear interpolation, as numpy's default). */
  lower: Tensor;
  upper: Tensor;
  /** The passes' outputs stacked, [k, ...shape] (keepSamples only). */
  samples?: Tensor;
}

/**
 * Runs `predict` (a forward pass of `model`, without gradients) k times with every module of
 * `model` in training mode, so that its dropout (and other stochastic regularizers: zoneout,
 * weight drop) draws fresh masks each time, and summarizes the outputs element-wise.
 * `predict` must be synchronous and return tensors of one shape. Each module's training flag is
 * restored afterwards, whatever it was.
 */
export function mcDropoutPredict(model: Module, predict: () => Tensor, options: MCDropoutOptions = {}): MCDropoutResult {
  const k = options.passes ?? 50;
  checkPositiveInteger('passes', k, 'mcDropoutPredict: ');
  const [lo, hi] = options.interval ?? [0.05, 0.95];
  if (!(lo >= 0 && lo <= hi && hi <= 1)) throw new Error(`mcDropoutPredict: expected an interval [lo, hi] with 0 <= lo <= hi <= 1, got ${shortJson(options.interval)}`);
  const modules = model.namedModules().map(([, m]) => m);
  const flags = modules.map((m) => m.training);
  const outs: Tensor[] = [];
  try {
    for (const m of modules) m.training = true;
    noGrad(() => {
      for (let i = 0; i < k; i++) {
        const y = predict();
        if (i > 0 && !sameShape(y.shape, outs[0].shape)) {
          throw new Error(`mcDropoutPredict: expected every pass to return shape ${formatShape(outs[0].shape)}, got ${formatShape(y.shape)} at pass ${i}`);
        }
        outs.push(y);
      }
    });
  } finally {
    modules.forEach((m, j) => { m.training = flags[j]; });
  }
  return summarize(outs, lo, hi, options.keepSamples ?? false);
}

// Element-wise mean, std and quantiles over k same-shaped outputs.
function summarize(outs: readonly Tensor[], lo: number, hi: number, keep: boolean): MCDropoutResult {
  const shape = outs[0].shape, dtype = outs[0].dtype, n = outs[0].size, k = outs.length;
  const values = outs.map((t) => t.dataSync());
  const like = (): Tensor => new Tensor(dtype === 'float64' ? new Float64Array(n) : new Float32Array(n), shape);
  const mean = like(), std = like(), lower = like(), upper = like();
  const [md, sd, ld, ud] = [mean.data, std.data, lower.data, upper.data];
  const column = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) { column[j] = values[j][i]; s += column[j]; }
    const m = s / k;
    let v = 0;
    for (let j = 0; j < k; j++) v += (column[j] - m) ** 2;
    column.sort();
    md[i] = m;
    sd[i] = Math.sqrt(v / k);
    ld[i] = quantileSorted(column, lo);
    ud[i] = quantileSorted(column, hi);
  }
  const result: MCDropoutResult = { mean, std, lower, upper };
  if (keep) {
    const all = dtype === 'float64' ? new Float64Array(k * n) : new Float32Array(k * n);
    values.forEach((v, j) => all.set(v, j * n));
    result.samples = new Tensor(all, [k, ...shape]);
  }
  return result;
}

/**
 * The q-quantile of ascending `sorted` values by linear interpolation between order statistics
 * (numpy's default, Hyndman & Fan type 7): position q·(n − 1).
 */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('quantileSorted: expected at least one value, got none');
  const pos = q * (n - 1), i = Math.floor(pos), f = pos - i;
  return i + 1 < n ? sorted[i] + f * (sorted[i + 1] - sorted[i]) : sorted[n - 1];
}
