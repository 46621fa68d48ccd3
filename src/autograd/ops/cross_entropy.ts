// Softmax cross-entropy fused into one op: the loss of each row is −log softmax(z)[target], and its
// gradient is softmax(z) − onehot(target), scaled by the row's weight. Fusing avoids materialising
// log-probabilities twice and is exact where separate log/softmax ops would round.

import { allocate } from '../../backend/dtype.js';
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
  const logp = allocate(logits.dtype, logits.size);
  getBackend().softmaxRows(logits.data, N, C, logp, true);
  const losses = allocate(logits.dtype, N);
  let total = 0, denom = 0;
  for (let i = 0; i < N; i++) {
    const w = rowWeight ? rowWeight[i] : 1;
    if (w === 0) continue;
    const t = targets[i];
    if (t < 0 || t >= C) throw new Error(`cross entropy: expected targets in [0, ${C}), got ${t} at row ${i}`);
    losses[i] = -logp[i * C + t] * w;
    total += losses[i];
    denom += w;
  }
  let data;
  let shape: number[];
  if (reduction === 'none') { data = losses; shape = [N]; }
  else {
    data = allocate(logits.dtype, 1);
    // An all-masked batch gives NaN, as PyTorch does: 0/0, there is no loss to report.
    data[0] = reduction === 'mean' ? total / denom : total;
    shape = [];
  }
  return record('softmaxCrossEntropy', data, shape, [logits], (g) => {
    const gx = allocate(logits.dtype, logits.size);
    for (let i = 0; i < N; i++) {
      const w = rowWeight ? rowWeight[i] : 1;
      if (w === 0) continue;
      const scale = (reduction === 'none' ? g[i] : reduction === 'mean' ? g[0] / denom : g[0]) * w;
      const o = i * C;
      for (let k = 0; k < C; k++) gx[o + k] = Math.exp(logp[o + k]) * scale;
      gx[o + targets[i]] -= scale;
    }
    return [gx];
  });
}
