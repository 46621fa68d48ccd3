// Softmax cross-entropy fused into one op: the loss of each row is −log softmax(z)[target], and its
// gradient is softmax(z) − onehot(target), scaled by the row's weight. Fusing avoids materialising
// log-probabilities twice and is exact where separate log/softmax ops would round. Both directions
// are backend kernels (crossEntropyForward / crossEntropyBackward: wasm on float32, the reference in
// src/backend/ref/cross_entropy.ts otherwise); row weights and the reduction are applied here.

import { Storage } from '../../backend/storage.js';
import { getBackend } from '../../backend/backend.js';
import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { record } from '../record.js';

export type Reduction = 'mean' | 'sum' | 'none';

/**
 * logits [N, C], targets [N] (integers in [0, C)), rowWeight [N] (0 drops a row; null: all 1).
 * 'mean' divides by Σ rowWeight, as PyTorch does with ignore_index.
 */
export function softmaxCrossEntropy(
  logits: Tensor, targets: Int32Array, rowWeight: Float64Array | null, reduction: Reduction,
): Tensor {
  if (logits.rank !== 2) throw new Error(`cross entropy: expected logits of shape [N, C], got ${formatShape(logits.shape)}`);
  const [N, C] = logits.shape;
  if (targets.length !== N) throw new Error(`cross entropy: expected ${N} targets for logits ${formatShape(logits.shape)}, got ${targets.length}`);
  // The kernels' targets: −1 marks a dropped row (weight 0), whose target may be anything (ignore_index).
  const kept = rowWeight ? new Int32Array(N) : targets;
  for (let i = 0; i < N; i++) {
    if (rowWeight && rowWeight[i] === 0) { kept[i] = -1; continue; }
    const t = targets[i];
    if (t < 0 || t >= C) throw new Error(`cross entropy: expected targets in [0, ${C}), got ${t} at row ${i}`);
    if (kept !== targets) kept[i] = t;
  }
  const be = getBackend();
  const logp = new Storage(logits.dtype, logits.size);   // [N, C]
  const nll = new Storage(logits.dtype, N);              // [N]: −log p(target), then weighted
  be.crossEntropyForward(logits.storage, N, C, kept, logp, nll);
  let data: Storage;
  let shape: number[];
  let denom = 0;
  if (be.asyncReadback) ({ data, shape, denom } = reduceOnDevice(nll, kept, rowWeight, reduction));
  else {
    const losses = nll.write();
    let total = 0;
    for (let i = 0; i < N; i++) {
      if (kept[i] < 0) continue;
      const w = rowWeight ? rowWeight[i] : 1;
      losses[i] *= w;
      total += losses[i];
      denom += w;
    }
    if (reduction === 'none') { data = nll; shape = [N]; }
    else {
      data = new Storage(logits.dtype, 1);
      // An all-masked batch gives NaN, as PyTorch does: 0/0, there is no loss to report.
      data.overwrite()[0] = reduction === 'mean' ? total / denom : total;
      shape = [];
      nll.drop(); // reduced: the rows' losses are spent
    }
  }
  return record('softmaxCrossEntropy', data, shape, [logits], (gs) => {
    // An upstream gradient only the device holds (asyncReadback) multiplies the kernel's output there.
    const deviceG = be.asyncReadback === true && !gs.root.hostValid && !gs.pristine;
    const g = deviceG ? null : gs.read();
    const gx = new Storage(logits.dtype, logits.size);   // [N, C]
    const scale = new Float64Array(N);                // [N]: d loss / d nll_i
    for (let i = 0; i < N; i++) {
      if (kept[i] < 0) continue;
      const w = rowWeight ? rowWeight[i] : 1;
      const gi = g === null ? 1 : reduction === 'none' ? g[i] : g[0];
      scale[i] = (reduction === 'mean' ? gi / denom : gi) * w;
    }
    be.crossEntropyBackward(logp, N, C, kept, scale, gx);
    if (g === null) be.binary('mul', gx, [N, C], gs, reduction === 'none' ? [N, 1] : [1], gx, [N, C]);
    return [gx];
  }, () => logp.drop()); // the log-probabilities only served the backward
}

// The reduction without reading the losses back (asyncReadback backends): row weights (0 on dropped
// rows) go up as a storage and Σ w_i·nll_i is a [1, N]·[N, 1] product, all on the device.
function reduceOnDevice(
  nll: Storage, kept: Int32Array, rowWeight: Float64Array | null, reduction: Reduction,
): { data: Storage; shape: number[]; denom: number } {
  const be = getBackend(), N = kept.length;
  const w = new Storage(nll.dtype, N);
  const wv = w.overwrite();
  let denom = 0;
  for (let i = 0; i < N; i++) { wv[i] = kept[i] < 0 ? 0 : rowWeight ? rowWeight[i] : 1; denom += wv[i]; }
  if (reduction === 'none') {
    if (rowWeight) be.binary('mul', nll, [N], w, [N], nll, [N]);
    return { data: nll, shape: [N], denom };
  }
  const data = new Storage(nll.dtype, 1);
  be.gemm(false, false, 1, 1, N, w, 0, nll, 0, data, 0, false);
  // An all-masked batch gives NaN, as on the host: 0 · (1/0).
  if (reduction === 'mean') be.affineScalar(data, 1 / denom, 0, data);
  nll.drop();
  w.drop();
  return { data, shape: [], denom };
}
