// Spectral radius ρ(W_hh) = max |λ| of the recurrent weights. For a linearised recurrence
// h_t ≈ W_hh h_{t−1}, ρ < 1 means gradients through many steps shrink like ρ^k (vanish) and ρ > 1
// that they can grow (explode). Gated cells have one square block per gate.

import type { CellBase } from '../nn/cells/cell.js';
import { spectralRadiusExact, spectralRadiusPower } from '../nn/eigen.js';
import { LSTMCell } from '../nn/cells/lstm_cell.js';
import { GRUCell } from '../nn/cells/gru_cell.js';

/** Largest n for which spectralRadius computes every eigenvalue; above it, block power iteration. */
export const EXACT_SPECTRAL_MAX_N = 64;

/**
 * max |λ| of a square n×n matrix (row-major): from all its eigenvalues (Francis QR) for
 * n ≤ EXACT_SPECTRAL_MAX_N, else by block power iteration with Rayleigh–Ritz (O(n²) per step
 * instead of O(n³), which matters when a dashboard recomputes it during training).
 */
export function spectralRadius(matrix: ArrayLike<number>, n: number, method: 'auto' | 'exact' | 'power' = 'auto'): number {
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`expected a positive matrix size, got ${n}`);
  if (matrix.length !== n * n) throw new Error(`expected a ${n}×${n} matrix (${n * n} values), got ${matrix.length}`);
  if (method === 'exact' || (method === 'auto' && n <= EXACT_SPECTRAL_MAX_N)) return spectralRadiusExact(matrix, n);
  const A = Float64Array.from(matrix);
  for (let i = 0; i < A.length; i++) {
    if (!Number.isFinite(A[i])) throw new Error(`expected a finite matrix, got ${A[i]} at (${Math.floor(i / n)}, ${i % n})`);
  }
  const mul = (x: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      const row = i * n;
      for (let j = 0; j < n; j++) s += A[row + j] * x[j];
      out[i] = s;
    }
  };
  return spectralRadiusPower(mul, n, { tol: 1e-5, maxIterations: 1000 });
}

export interface GateSpectralRadius {
  /** Gate block of W_hh ('hh' for a vanilla RNN's single block; LSTM i|f|g|o; GRU r|z|n). */
  gate: string;
  radius: number;
}

/** ρ of each H×H gate block of a cell's weight_hh [G·H, H]. */
export function recurrentSpectralRadii(cell: CellBase): GateSpectralRadius[] {
  const H = cell.hiddenSize;
  const names = cell instanceof LSTMCell ? ['i', 'f', 'g', 'o'] : cell instanceof GRUCell ? ['r', 'z', 'n'] : ['hh'];
  const W = cell.weight_hh.data;
  if (W.length !== names.length * H * H) {
    throw new Error(`expected weight_hh of shape [${names.length * H}, ${H}], got ${W.length} values`);
  }
  return names.map((gate, g) => ({ gate, radius: spectralRadius(W.subarray(g * H * H, (g + 1) * H * H), H) }));
}
