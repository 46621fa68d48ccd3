// Rows picked out of several tensors at once, as if they were stacked, with −1 giving a zero row. The
// level-batched tree nets use it to collect the states of every child of every node of a level
// (children sit at any lower level) in one op; its gradient scatters back and adds up where a row
// was picked twice.

import { Storage } from '../../backend/storage.js';
import { allocate } from '../../backend/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { record } from '../record.js';

/**
 * out[r, :] = S[idx[r], :] where S is sources[0], sources[1], … stacked along axis 0; idx[r] = −1
 * gives a row of zeros.
 *
 * Inputs: sources, each [n_s, D] (one D and dtype for all); idx [R] integers in [−1, Σ n_s).
 * Outputs: [R, D]. Only the sources some index points into become inputs of the graph node.
 */
export function selectStackedRows(sources: readonly Tensor[], idx: Int32Array): Tensor {
  if (sources.length === 0) throw new Error('selectStackedRows: expected at least one source tensor, got none');
  const D = sources[0].shape[1];
  const dtype = sources[0].dtype;
  const starts: number[] = [];
  let total = 0;
  for (const s of sources) {
    if (s.rank !== 2 || s.shape[1] !== D || s.dtype !== dtype) {
      throw new Error(`selectStackedRows: expected sources of shape [n, ${D}] and dtype ${dtype}, got ${formatShape(s.shape)} ${s.dtype}`);
    }
    starts.push(total);
    total += s.shape[0];
  }
  // Which source each index falls in (binary search over the starts).
  const src = new Int32Array(idx.length);
  const used = new Uint8Array(sources.length);
  for (let r = 0; r < idx.length; r++) {
    const v = idx[r];
    if (!(Number.isInteger(v) && v >= -1 && v < total)) throw new Error(`selectStackedRows: expected indices in [-1, ${total}), got ${v} at position ${r}`);
    if (v < 0) { src[r] = -1; continue; }
    let lo = 0, hi = sources.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid] <= v) lo = mid; else hi = mid - 1; }
    src[r] = lo;
    used[lo] = 1;
  }
  const out = allocate(dtype, idx.length * D);
  const sourceData = sources.map((t) => t.dataSync());
  for (let r = 0; r < idx.length; r++) {
    const s = src[r];
    if (s < 0) continue;
    const from = (idx[r] - starts[s]) * D;
    out.set(sourceData[s].subarray(from, from + D), r * D);
  }
  const inputs: Tensor[] = [];
  const slot = new Int32Array(sources.length).fill(-1);
  for (let s = 0; s < sources.length; s++) if (used[s]) { slot[s] = inputs.length; inputs.push(sources[s]); }
  return record('selectStackedRows', Storage.wrap(out), [idx.length, D], inputs, (gs) => {
    const g = gs.read();
    const grads = inputs.map((t) => (t.requiresGrad ? allocate(t.dtype, t.size) : null));
    for (let r = 0; r < idx.length; r++) {
      const s = src[r];
      if (s < 0) continue;
      const gs = grads[slot[s]];
      if (gs === null) continue;
      const to = (idx[r] - starts[s]) * D, from = r * D;
      for (let d = 0; d < D; d++) gs[to + d] += g[from + d];
    }
    return grads.map((a) => a && Storage.wrap(a));
  });
}
