// Error measures for time-series prediction, with their normalisations spelled out, because
// papers differ and a figure is only comparable under the same definition.
//
//     RMSE          = sqrt( mean_t (y_t − ŷ_t)² )
//     NRMSE (std)   = RMSE / std(y)            the usual definition (Jaeger & Haas 2004), the default
//     NRMSE (range) = RMSE / (max y − min y)   ReservoirPy's `nrmse` default (norm="minmax")
//     NMSE          = mean_t (y_t − ŷ_t)² / var(y)  = NRMSE(std)²   (the NARMA literature's measure)
//
// std and var are population statistics (divide by T) of the true values y over the same steps
// being scored. Multivariate series are pooled: every value counts once.

/** How an RMSE is normalised: by the standard deviation or by the peak-to-peak range of the target. */
export type NrmseNorm = 'std' | 'range';

function check(y: ArrayLike<number>, yHat: ArrayLike<number>): void {
  if (y.length !== yHat.length) throw new Error(`expected predictions of the same size as the targets, got ${yHat.length} and ${y.length}`);
  if (y.length === 0) throw new Error('expected at least one value to score, got none');
}

/** mean (y − ŷ)². */
export function mse(y: ArrayLike<number>, yHat: ArrayLike<number>): number {
  check(y, yHat);
  let s = 0;
  for (let i = 0; i < y.length; i++) { const d = y[i] - yHat[i]; s += d * d; }
  return s / y.length;
}

/** sqrt(mean (y − ŷ)²). */
export function rmse(y: ArrayLike<number>, yHat: ArrayLike<number>): number {
  return Math.sqrt(mse(y, yHat));
}

/** Population variance (divides by n). */
export function variance(y: ArrayLike<number>): number {
  if (y.length === 0) throw new Error('expected at least one value, got none');
  let m = 0;
  for (let i = 0; i < y.length; i++) m += y[i];
  m /= y.length;
  let s = 0;
  for (let i = 0; i < y.length; i++) { const d = y[i] - m; s += d * d; }
  return s / y.length;
}

/**
 * Normalised RMSE: RMSE / std(y) (norm 'std', the default) or RMSE / (max y − min y) (norm
 * 'range', ReservoirPy's default). Returns Infinity for a constant target with non-zero error.
 */
export function nrmse(y: ArrayLike<number>, yHat: ArrayLike<number>, norm: NrmseNorm = 'std'): number {
  const e = rmse(y, yHat);
  let scale: number;
  if (norm === 'std') scale = Math.sqrt(variance(y));
  else {
    let lo = Infinity, hi = -Infinity;
    for (let i = 0; i < y.length; i++) { lo = Math.min(lo, y[i]); hi = Math.max(hi, y[i]); }
    scale = hi - lo;
  }
  return e === 0 ? 0 : e / scale;
}

/** Normalised MSE: mean (y − ŷ)² / var(y). */
export function nmse(y: ArrayLike<number>, yHat: ArrayLike<number>): number {
  const e = mse(y, yHat);
  return e === 0 ? 0 : e / variance(y);
}
