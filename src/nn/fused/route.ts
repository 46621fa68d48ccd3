// Which layer directions run on the fused whole-sequence ops, and the switches back to the generic
// per-step path (scan() over the cell), which stays the reference the fused ops are checked against.
// A direction is fused when the layer's `fused` option and the global switch are both on and its
// cell is exactly one of the standard cells (RNNCell, LSTMCell, GRUCell in reset-after form);
// subclasses and custom cells, and the reset-before GRU, take the generic path.
// UNFOLD_FUSED=0 in the environment starts a process with the global switch off.

import type { Tensor } from '../../tensor/tensor.js';
import type { Carry, CellBase } from '../cells/cell.js';
import { GRUCell } from '../cells/gru_cell.js';
import { LSTMCell } from '../cells/lstm_cell.js';
import { RNNCell } from '../cells/rnn_cell.js';
import type { FusedInputs } from './fused_common.js';
import { fusedGru } from './fused_gru.js';
import { fusedLstm } from './fused_lstm.js';
import { fusedRnn } from './fused_rnn.js';
import type { WorkspacePool } from './workspace.js';

function fromEnv(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const v = env?.UNFOLD_FUSED ?? '';
  if (v !== '' && v !== '0' && v !== '1') throw new Error(`UNFOLD_FUSED: expected '0' or '1', got '${v}'`);
  return v !== '0';
}

let enabled = fromEnv();

/** Turns the fused path of RNN / LSTM / GRU layers on or off everywhere (default on). */
export function setFusedRecurrent(on: boolean): void { enabled = on; }

/** Whether layers may use the fused path (each layer's `fused` option must allow it too). */
export function fusedRecurrentEnabled(): boolean { return enabled; }

/** Whether `cell` is one the fused ops implement exactly. */
export function hasFusedKernel(cell: CellBase): boolean {
  const k = cell.constructor;
  return k === LSTMCell || k === RNNCell || (k === GRUCell && (cell as GRUCell).resetAfter);
}

/**
 * One direction of one layer over xs [T, B, I] from `carry` ([h] or [h, c], each [B, H]; null: zeros).
 * Returns the outputs [T, B, H] and the final carry, or null when the cell has no fused kernel.
 * lengths [B] (1 <= len_b <= T, or null: all T) gives each row's valid steps, as PyTorch's packed
 * sequences: outputs past a row's length are 0, the reverse direction starts at its last valid step,
 * and the final carry is the state after each row's own last step.
 */
export function runFused(
  cell: CellBase, xs: Tensor, carry: Carry | null, reverse: boolean, pool: WorkspacePool | null, lengths: Int32Array | null = null,
): { output: Tensor; carry: Carry } | null {
  if (!hasFusedKernel(cell)) return null;
  const a: FusedInputs = {
    x: xs, h0: carry ? carry[0] : null,
    weightIh: cell.weight_ih, weightHh: cell.weight_hh, biasIh: cell.bias_ih, biasHh: cell.bias_hh,
  };
  const options = { reverse, pool, lengths };
  if (cell instanceof LSTMCell) {
    const r = fusedLstm({ ...a, c0: carry ? carry[1] : null }, options);
    return { output: r.output, carry: [r.h, r.c] };
  }
  const r = cell instanceof RNNCell ? fusedRnn(a, cell.nonlinearity, options) : fusedGru(a, options);
  return { output: r.output, carry: [r.h] };
}
