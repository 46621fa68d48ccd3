// Which layer directions run on the fused whole-sequence ops, and the switches back to the generic
// per-step path (scan() over the cell), which stays the reference the fused ops are checked against.
// A direction is fused when the layer's `fused` option and the global switch are both on and its
// cell is exactly one of the standard cells (RNNCell, LSTMCell, GRUCell in reset-after form);
// subclasses and custom cells, and the reset-before GRU, take the generic path. The orthogonal RNN
// cell has no layer of its own: inside a Recurrence (runCell) it runs on the fused RNN op with
// modReLU, W_hh = exp(A) made once per sequence (fusedCellSequence).
// UNFOLD_FUSED=0 in the environment starts a process with the global switch off.

import type { Tensor } from '../../tensor/tensor.js';
import type { Carry, CellBase, RecurrentCell } from '../cells/cell.js';
import { GRUCell } from '../cells/gru_cell.js';
import { LSTMCell } from '../cells/lstm_cell.js';
import { RNNCell } from '../cells/rnn_cell.js';
import { OrthogonalRNNCell } from '../cells/orthogonal_cell.js';
import type { SequenceInputs } from '../../autograd/recurrent/sequence_inputs.js';
import { fusedGru } from '../../autograd/recurrent/gru_sequence.js';
import { fusedLstm } from '../../autograd/recurrent/lstm_sequence.js';
import { fusedRnn } from '../../autograd/recurrent/rnn_sequence.js';
import type { WorkspacePool } from '../../autograd/recurrent/workspace_pool.js';
import { add } from '../../autograd/ops/elementwise.js';
import { linear } from '../../autograd/ops/matmul.js';
import type { IndexTensor } from '../../autograd/ops/gather.js';

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
  return k === LSTMCell || k === RNNCell || (k === GRUCell && (cell as GRUCell).resetAfter) || k === OrthogonalRNNCell;
}

/**
 * A cell's whole sequence on a fused op where the cell runs in a Recurrence rather than in a layer of
 * its own (the orthogonal RNN): xs [T, B, I] (not projected), carry or null (zeros). Null when the
 * cell has none or the fused path is switched off; runCell then takes the generic loop.
 */
export function fusedCellSequence(cell: RecurrentCell, xs: Tensor, carry: Carry | null, reverse: boolean): { output: Tensor; carry: Carry } | null {
  if (!enabled || cell.constructor !== OrthogonalRNNCell) return null;
  return orthogonalSequence(cell as OrthogonalRNNCell, xs, carry, reverse, null, null, null, false);
}

// W_hh = exp(A) once for the sequence (the cell caches it per parameter version), the biases inside
// modReLU rather than added to the pre-activation.
function orthogonalSequence(
  cell: OrthogonalRNNCell, xs: Tensor, carry: Carry | null, reverse: boolean, pool: WorkspacePool | null, lengths: Int32Array | null,
  ids: IndexTensor | null, internal: boolean,
): { output: Tensor; carry: Carry } {
  const a: SequenceInputs = {
    x: xs, ids, h0: carry ? carry[0] : null, weightIh: ids !== null ? null : cell.weight_ih, weightHh: cell.weightHh(), biasIh: null, biasHh: null,
  };
  const r = fusedRnn(a, 'modrelu', { reverse, pool, lengths, internal }, cell.bias);
  return { output: r.output, carry: [r.h] };
}

/**
 * The input projection of a cell's every possible input at once: table [V, I] (an embedding's
 * weight) → P [V, G·H] = table·W_ihᵀ + b, with b = b_ih + b_hh for LSTM and RNN cells (both biases
 * simply add to the pre-activation) and b = b_ih for the GRU (its b_hn sits inside r ⊙ (…)).
 * Gathering rows of P by token id gives what the fused op would compute as x_t·W_ihᵀ + b, so
 * runFused(…, ids) can skip its input product: 2·V·I·G·H flops instead of 2·T·B·I·G·H,
 * and the same saving twice more in the backward (dX and dW_ih come from dP, [V, G·H]).
 * Null when the cell has no fused kernel.
 */
export function foldInputProjection(cell: CellBase, table: Tensor): Tensor | null {
  if (!hasFusedKernel(cell)) return null;
  const bi = cell.bias_ih, bh = cell.bias_hh;
  const bias = cell instanceof GRUCell ? bi : bi && bh ? add(bi, bh) : bi ?? bh;
  return linear(table, cell.weight_ih, bias);
}

/**
 * One direction of one layer over xs [T, B, I] from `carry` ([h] or [h, c], each [B, H]; null: zeros).
 * Returns the outputs [T, B, H] and the final carry, or null when the cell has no fused kernel.
 * lengths [B] (1 <= len_b <= T, or null: all T) gives each row's valid steps, as PyTorch's packed
 * sequences: outputs past a row's length are 0, the reverse direction starts at its last valid step,
 * and the final carry is the state after each row's own last step. With ids [T, B], xs is instead
 * foldInputProjection's table [V, G·H] and ids say which of its rows each step reads. `internal`: the
 * caller hands on only copies of the output and carry, or feeds them to later ops of the same graph
 * (SequenceOptions.internal), so the op may reuse its output buffer after backward.
 */
export function runFused(
  cell: CellBase, xs: Tensor, carry: Carry | null, reverse: boolean, pool: WorkspacePool | null, lengths: Int32Array | null = null,
  ids: IndexTensor | null = null, internal = false,
): { output: Tensor; carry: Carry } | null {
  if (!hasFusedKernel(cell)) return null;
  if (cell instanceof OrthogonalRNNCell) return orthogonalSequence(cell, xs, carry, reverse, pool, lengths, ids, internal);
  // A table from foldInputProjection holds x·W_ihᵀ and the biases that add to it already.
  const projected = ids !== null;
  const a: SequenceInputs = {
    x: xs, ids, h0: carry ? carry[0] : null,
    weightIh: projected ? null : cell.weight_ih, weightHh: cell.weight_hh,
    biasIh: projected ? null : cell.bias_ih, biasHh: projected && !(cell instanceof GRUCell) ? null : cell.bias_hh,
  };
  const options = { reverse, pool, lengths, internal };
  if (cell instanceof LSTMCell) {
    const r = fusedLstm({ ...a, c0: carry ? carry[1] : null }, options);
    return { output: r.output, carry: [r.h, r.c] };
  }
  const r = cell instanceof RNNCell ? fusedRnn(a, cell.nonlinearity, options) : fusedGru(a, options);
  return { output: r.output, carry: [r.h] };
}
