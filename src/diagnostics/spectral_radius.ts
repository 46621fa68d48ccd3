// Spectral radius ρ(W_hh) = max |λ| of the recurrent weights. For a linearised recurrence
// h_t ≈ W_hh h_{t−1}, ρ < 1 means gradients through many steps shrink like ρ^k (vanish) and ρ > 1
// that they can grow (explode). Gated cells have one square block per gate.

import type { CellBase } from '../nn/cells/cell.js';
import { spectralRadiusExact } from '../esn/eigen.js';
import { LSTMCell } from '../nn/cells/lstm_cell.js';
import { GRUCell } from '../nn/cells/gru_cell.js';

/** max |λ| of a square n×n matrix (row-major), from all its eigenvalues (Francis QR, exact). */
export function spectralRadius(matrix: ArrayLike<number>, n: number): number {
  if (!(Number.isInteger(n) && n > 0)) throw new Error(`expected a positive matrix size, got ${n}`);
  return spectralRadiusExact(matrix, n);
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
