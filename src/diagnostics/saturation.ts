// Gate saturation: the fraction of time steps at which a gate unit sits near one end of its range.
// A sigmoid gate below 0.1 is "left-saturated" (closed), above 0.9 "right-saturated" (open), as in
// Karpathy, Johnson & Fei-Fei (2015), "Visualizing and understanding recurrent networks".

import type { GateKind } from './gates.js';

/** Thresholds on the sigmoid scale (0, 1); tanh values are compared after mapping a ↦ (a + 1) / 2. */
export interface SaturationThresholds {
  /** Left-saturated when below this (default 0.1; tanh: below −0.8). */
  low?: number;
  /** Right-saturated when above this (default 0.9; tanh: above 0.8). */
  high?: number;
}

export interface SaturationFractions {
  /** Per unit, the fraction of steps with the activation below `low`. */
  left: Float64Array;
  /** Per unit, the fraction of steps with the activation above `high`. */
  right: Float64Array;
}

/**
 * Saturation fractions of `units` gate units from activations laid out [N, units] (N = steps, or
 * steps × batch). For kind 'tanh' the values are first mapped to (a + 1) / 2.
 */
export function saturationFractions(values: ArrayLike<number>, units: number, kind: GateKind = 'sigmoid', thresholds: SaturationThresholds = {}): SaturationFractions {
  const low = thresholds.low ?? 0.1, high = thresholds.high ?? 0.9;
  if (!(Number.isInteger(units) && units > 0)) throw new Error(`expected a positive integer number of units, got ${units}`);
  if (!(low <= high)) throw new Error(`expected saturation thresholds low <= high, got low ${low}, high ${high}`);
  if (values.length === 0 || values.length % units !== 0) {
    throw new Error(`expected activations of shape [N, ${units}] with N >= 1, got ${values.length} values`);
  }
  const N = values.length / units;
  const left = new Float64Array(units), right = new Float64Array(units);
  for (let n = 0; n < N; n++) {
    for (let u = 0; u < units; u++) {
      let a = values[n * units + u];
      if (Number.isNaN(a)) throw new Error(`expected finite activations, got NaN at step ${n}, unit ${u}`);
      if (kind === 'tanh') a = (a + 1) / 2;
      if (a < low) left[u]++;
      else if (a > high) right[u]++;
    }
  }
  for (let u = 0; u < units; u++) { left[u] /= N; right[u] /= N; }
  return { left, right };
}

/** Counts of units per bin of a fraction in [0, 1]: bin k holds values in [k/bins, (k+1)/bins) (1 goes to the last). */
export function fractionHistogram(fractions: ArrayLike<number>, bins = 10): number[] {
  if (!(Number.isInteger(bins) && bins > 0)) throw new Error(`expected a positive integer number of bins, got ${bins}`);
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < fractions.length; i++) {
    const v = fractions[i];
    if (!(v >= 0 && v <= 1)) throw new Error(`expected fractions in [0, 1], got ${v} at ${i}`);
    counts[Math.min(bins - 1, Math.floor(v * bins))]++;
  }
  return counts;
}
