// Gate activations of a recurrent cell at one step, recomputed from the step's projected input
// xp_t and the previous carry: what the cell's fused pointwise ops compute but do not keep. Used to
// measure how often gates saturate. Plain loops over float buffers, outside autograd.

import type { Carry, CellBase } from '../nn/cells/cell.js';
import { LSTMCell } from '../nn/cells/lstm_cell.js';
import { GRUCell } from '../nn/cells/gru_cell.js';
import { RNNCell } from '../nn/cells/rnn_cell.js';

/** How a gate's activation is squashed: sigmoid ∈ (0, 1) or tanh ∈ (−1, 1). */
export type GateKind = 'sigmoid' | 'tanh';

export interface GateSpec {
  /** Short name: 'i', 'f', 'g', 'o', 'tanh(c)' (LSTM); 'r', 'z' (GRU); 'h' (tanh RNN). */
  name: string;
  kind: GateKind;
}

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * The gates a cell has, in the order gateActivations returns them:
 * LSTM i, f, g (= tanh of the cell input), o and tanh(c_t); GRU r, z; tanh RNN its output h;
 * a relu RNN has none.
 */
export function gateSpecs(cell: CellBase): GateSpec[] {
  if (cell instanceof LSTMCell) {
    return [
      { name: 'i', kind: 'sigmoid' }, { name: 'f', kind: 'sigmoid' }, { name: 'g', kind: 'tanh' },
      { name: 'o', kind: 'sigmoid' }, { name: 'tanh(c)', kind: 'tanh' },
    ];
  }
  if (cell instanceof GRUCell) return [{ name: 'r', kind: 'sigmoid' }, { name: 'z', kind: 'sigmoid' }];
  if (cell instanceof RNNCell && cell.nonlinearity === 'tanh') return [{ name: 'h', kind: 'tanh' }];
  return [];
}

/**
 * Gate activations of one step. xp: the projected input x_t·W_ihᵀ + b_ih, [B, G·H]; prev: the
 * carry before the step; next: the carry after it (for tanh(c_t) and the RNN's h_t).
 * Returns one [B, H] buffer per gate of gateSpecs(cell), in that order.
 * The gate pre-activations are xp + h_{t−1}·W_hhᵀ + b_hh, as in the cells (for GRU, r and z are the
 * same in the reset-after and reset-before forms).
 */
export function gateActivations(cell: CellBase, xp: Float32Array | Float64Array, prev: Carry, next: Carry): Float64Array[] {
  const specs = gateSpecs(cell);
  if (specs.length === 0) return [];
  const H = cell.hiddenSize;
  const h = prev[0].data;
  const B = prev[0].shape[0];
  if (cell instanceof RNNCell) return [Float64Array.from(next[0].data)];
  const G = cell instanceof LSTMCell ? 4 : 3;
  const gatesUsed = cell instanceof LSTMCell ? 4 : 2; // GRU: only the r and z blocks
  if (xp.length !== B * G * H) throw new Error(`gateActivations: expected xp of ${B}×${G * H} values, got ${xp.length}`);
  const W = cell.weight_hh.data, bias = cell.bias_hh?.data;
  // pre [B, gatesUsed·H]
  const pre = new Float64Array(B * gatesUsed * H);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < gatesUsed * H; j++) {
      let s = xp[b * G * H + j] + (bias ? bias[j] : 0);
      const row = j * H, hb = b * H;
      for (let k = 0; k < H; k++) s += W[row + k] * h[hb + k];
      pre[b * gatesUsed * H + j] = s;
    }
  }
  const block = (g: number, f: (v: number) => number): Float64Array => {
    const out = new Float64Array(B * H);
    for (let b = 0; b < B; b++) for (let k = 0; k < H; k++) out[b * H + k] = f(pre[b * gatesUsed * H + g * H + k]);
    return out;
  };
  if (cell instanceof LSTMCell) {
    const c = next[1].data;
    const tc = new Float64Array(B * H);
    for (let n = 0; n < B * H; n++) tc[n] = Math.tanh(c[n]);
    return [block(0, sig), block(1, sig), block(2, Math.tanh), block(3, sig), tc];
  }
  return [block(0, sig), block(1, sig)];
}
