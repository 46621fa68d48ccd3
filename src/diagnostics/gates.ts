// Gate activations of a recurrent cell at one step, recomputed from the step's projected input
// xp_t and the previous carry: what the cell's fused pointwise ops compute but do not keep. Used to
// measure how often gates saturate. Plain loops over float buffers, outside autograd.

import type { CellBase } from '../nn/cells/cell.js';
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
 * Gate activations of N steps (or steps × batch rows) at once. pre: the gate pre-activations
 * xp_t + h_{t−1}·W_hhᵀ + b_hh, [N, G·H] (for GRU only the r and z blocks are read: they are the
 * same in the reset-after and reset-before forms); next: the carry after each step, each [N, H]
 * (for tanh(c_t) and the RNN's h_t). Returns one [N, H] buffer per gate of gateSpecs(cell).
 */
export function gateActivations(cell: CellBase, pre: ArrayLike<number>, next: readonly ArrayLike<number>[]): Float64Array[] {
  const specs = gateSpecs(cell);
  if (specs.length === 0) return [];
  const H = cell.hiddenSize;
  if (cell instanceof RNNCell) return [Float64Array.from(next[0])];
  const G = cell instanceof LSTMCell ? 4 : 3;
  if (pre.length % (G * H) !== 0) throw new Error(`gateActivations: expected pre-activations of shape [N, ${G * H}], got ${pre.length} values`);
  const N = pre.length / (G * H);
  const block = (g: number, f: (v: number) => number): Float64Array => {
    const out = new Float64Array(N * H);
    for (let n = 0; n < N; n++) for (let k = 0; k < H; k++) out[n * H + k] = f(pre[n * G * H + g * H + k]);
    return out;
  };
  if (cell instanceof LSTMCell) {
    const c = next[1];
    if (!c || c.length !== N * H) throw new Error(`gateActivations: expected the LSTM cell states c_t of shape [${N}, ${H}], got ${c ? c.length : 0} values`);
    const tc = new Float64Array(N * H);
    for (let n = 0; n < N * H; n++) tc[n] = Math.tanh(c[n]);
    return [block(0, sig), block(1, sig), block(2, Math.tanh), block(3, sig), tc];
  }
  return [block(0, sig), block(1, sig)];
}
