// The memory an echo state network needs, from its size alone, so that a command can refuse
// `--units 1000000000` (or 100,000: a 10^10-entry readout system) before drawing the reservoir. The
// reservoir is sparse (N·round(density·N) weights, a float64 value and an int32 column each); the
// ridge readout accumulates and solves normal equations over F = 1 + K + N features, which the
// accumulator, the Gram matrix and the solver's copy each hold densely (3 × F² float64): the
// units² term that dominates.

import { formatBytes, type MemoryEstimate } from '../nn/memory_estimate.js';

/** The sizes the estimate reads: units N, density, input K and output L sizes, readoutInput. */
export interface EsnSize {
  units: number;
  inputSize: number;
  outputSize: number;
  density?: number;
  readoutInput?: boolean;
}

/** The reservoir and the readout's normal equations of an ESN of this size. */
export function esnMemory(s: EsnSize): MemoryEstimate {
  const N = s.units, density = s.density ?? 0.1;
  const perRow = Math.min(N, Math.max(1, Math.round(density * N)));
  const reservoir = N * perRow * 12 + N * (s.inputSize + s.outputSize + 4) * 8;
  const F = 1 + (s.readoutInput ?? true ? s.inputSize : 0) + N;
  const readout = 3 * F * F * 8 + F * s.outputSize * 8;
  return {
    bytes: reservoir + readout,
    parts: [`reservoir ${formatBytes(reservoir)}`, `readout's normal equations ${formatBytes(readout)} (3 × ${F}² float64)`],
  };
}
