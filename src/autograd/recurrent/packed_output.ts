// How a fused op hands back several tensors (the hidden sequence, the final h and c) through an
// engine whose nodes have one output each: the op records ONE node whose buffer packs every output,
// and each output is a zero-copy view of a range of it. A view's backward passes its gradient on as
// a GradSlice at its offset, so the engine sums what arrives through the sequence and through the
// final states into the packed node's gradient, and the op's backward reads each part where it lies.
//
// Packed layout, in blocks of B·H (T = time, B = batch, H = hidden):
//   forward:  [h_init | h_0 | h_1 | … | h_{T−1} | c_final]     (c_final block for LSTM only)
//   reverse:  [h_0 | h_1 | … | h_{T−1} | h_init | c_final]     (steps run t = T−1 … 0)
// so the sequence is T contiguous blocks in time order, the final h is one of them, and h_prev of
// every step is also T contiguous blocks in time order: the operand of the one weight-gradient
// product dW_hh = dGatesᵀ · H_prev, [G·H, T·B]·[T·B, H].

import { Storage } from '../../backend/storage.js';
import type { DType } from '../../backend/dtype.js';
import { type SequenceLayout } from '../../backend/backend.js';
import { needsGrad, record, type Backward } from '../record.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Shape } from '../../tensor/shape.js';

/** Where each part lives in the packed buffer, in blocks of B·H. */
export class PackedLayout implements SequenceLayout {
  /** B·H, the size of one block. */
  readonly block: number;
  /** First block of the sequence h_0 … h_{T−1}. */
  readonly seq: number;
  /** First block of h_prev(0) … h_prev(T−1) (the state each step starts from), in time order. */
  readonly prev: number;
  /** Block of the initial state. */
  readonly init: number;
  /** Block of the final h (h_{T−1}, or h_0 in reverse). */
  readonly last: number;
  /** Block of the final c (LSTM), after the T + 1 hidden blocks. */
  readonly cell: number;

  constructor(readonly T: number, readonly B: number, readonly H: number, readonly reverse: boolean) {
    this.block = B * H;
    this.seq = reverse ? 0 : 1;
    this.prev = reverse ? 1 : 0;
    this.init = reverse ? T : 0;
    this.last = reverse ? 0 : T;
    this.cell = T + 1;
  }

  /** Total elements for `cells` extra blocks after the hidden ones. */
  size(cells: number): number { return (this.T + 1 + cells) * this.block; }
}

/**
 * The packed buffer of one call, `size` elements. From the workspace when the caller keeps every
 * view of it to itself (SequenceOptions.internal) and a graph is recorded: the workspace, and the
 * buffer with it, then comes back only when the engine drops the node after backward, by which time
 * every op that reads the views (the next layer's backward included) has run. Otherwise a new
 * storage: a view the user holds must keep its values, and without a graph the workspace goes back
 * at once, while the next layer of a stack may still be about to read this one's output.
 * Why it pays: a new buffer each step is a block of the wasm heap's young generation, copied out to
 * the host at the next collection (28% of the bytes a README-style LSTM H=128 step moves out) and
 * zero-filled before its first partial write; a pooled one is promoted and stays.
 */
export function packedBuffer(ws: { packed?: Storage }, internal: boolean | undefined, inputs: readonly Tensor[], dtype: DType, size: number): Storage {
  if (internal !== true || !needsGrad(inputs)) return new Storage(dtype, size);
  return (ws.packed ??= new Storage(dtype, size));
}

/**
 * record() for a packed op with a workspace: the node gives the workspace back (`release`) when
 * the engine drops it after backward; without a graph the workspace goes back at once.
 */
export function recordPacked(
  name: string, data: Storage, shape: Shape, inputs: readonly Tensor[], backward: Backward, release: () => void,
): Tensor {
  const out = new Tensor(data, shape);
  if (needsGrad(inputs)) {
    out.requiresGrad = true;
    out.gradFn = { name, inputs, backward, release };
  } else {
    release();
  }
  return out;
}

/** `size(shape)` elements of packed from `offset`, as a view of its storage (no copy). */
export function packedView(packed: Tensor, offset: number, shape: Shape): Tensor {
  const n = shape.reduce((a, d) => a * d, 1);
  return record('packedView', Storage.view(packed.storage, offset, n), shape, [packed], (g) => [{ offset, data: g }]);
}

/** The outputs of a packed op: sequence [T, B, H], final h [B, H], and final c [B, H] when packed. */
export function unpack(packed: Tensor, L: PackedLayout, withCell: boolean): { output: Tensor; h: Tensor; c: Tensor | null } {
  const { T, B, H, block } = L;
  return {
    output: packedView(packed, L.seq * block, [T, B, H]),
    h: packedView(packed, L.last * block, [B, H]),
    c: withCell ? packedView(packed, L.cell * block, [B, H]) : null,
  };
}
