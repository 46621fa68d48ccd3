// Rows added into a table at integer indices: the adjoint of selectRows, and how a graph network sums
// the messages of its edges into their target nodes (PyTorch's index_add along axis 0, torch_scatter's
// scatter_add) in one op instead of a loop over edges. The gradient of a row is the gradient of the
// table row it went into.

import { Storage } from '../../backend/storage.js';
import { getBackend } from '../../backend/backend.js';
import { Tensor } from '../../tensor/tensor.js';
import { formatShape, sizeOf } from '../../tensor/shape.js';
import { record } from '../record.js';

/**
 * x [R, ...rest] → out [rows, ...rest] with out[k] = Σ_{i : idx[i] = k} x[i] (zero where no index
 * points): out = x.new_zeros(rows, ...).index_add_(0, idx, x).
 *
 * Inputs: x [R, ...rest]; idx [R] integers in [0, rows). Outputs: [rows, ...rest].
 */
export function scatterAddRows(x: Tensor, idx: Int32Array, rows: number): Tensor {
  if (x.rank < 1) throw new Error(`scatterAddRows: expected a tensor of shape [R, ...], got ${formatShape(x.shape)}`);
  if (idx.length !== x.shape[0]) throw new Error(`scatterAddRows: expected ${x.shape[0]} indices (one per row of ${formatShape(x.shape)}), got ${idx.length}`);
  if (!(Number.isSafeInteger(rows) && rows >= 0)) throw new Error(`scatterAddRows: expected a row count that is an integer >= 0, got ${rows}`);
  for (let i = 0; i < idx.length; i++) {
    const v = idx[i];
    if (v < 0 || v >= rows) throw new Error(`scatterAddRows: expected indices in [0, ${rows}), got ${v} at position ${i}`);
  }
  const rest = x.shape.slice(1);
  const W = sizeOf(rest);
  const be = getBackend();
  const data = new Storage(x.dtype, rows * W);
  be.scatterAddRows(x.storage, W, idx, data);
  return record('scatterAddRows', data, [rows, ...rest], [x], (g) => {
    const gx = new Storage(x.dtype, x.size);
    be.gatherRows(g, W, idx, gx);
    return [gx];
  });
}
