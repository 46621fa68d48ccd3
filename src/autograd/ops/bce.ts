// Binary cross-entropy on logits, element-wise, as one op beside its derivative: computing
// max(z, 0) − z·y + log(1 + e^−|z|) directly is stable at any z, and its gradient σ(z) − y is exact
// at z = 0, where log(σ(z)) composed of separate ops would round.

import { Storage } from '../../backend/storage.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';

/**
 * l = max(z, 0) − z·y + log(1 + exp(−|z|)) element-wise, for logits z and targets y in [0, 1] of one
 * shape; dl/dz = σ(z) − y, dl/dy = −z.
 */
export function binaryCrossEntropyWithLogits(logits: Tensor, target: Tensor): Tensor {
  const z = logits.dataSync(), y = target.dataSync();
  const out = new Storage(logits.dtype, logits.size), l = out.overwrite();
  for (let i = 0; i < l.length; i++) l[i] = Math.max(z[i], 0) - z[i] * y[i] + Math.log1p(Math.exp(-Math.abs(z[i])));
  return record('bceWithLogits', out, logits.shape, [logits, target], (gs) => {
    const g = gs.read();
    const gzS = new Storage(logits.dtype, logits.size), gyS = new Storage(logits.dtype, logits.size);
    const gz = gzS.overwrite(), gy = gyS.overwrite();
    for (let i = 0; i < l.length; i++) {
      const s = z[i] >= 0 ? 1 / (1 + Math.exp(-z[i])) : Math.exp(z[i]) / (1 + Math.exp(z[i]));
      gz[i] = g[i] * (s - y[i]);
      gy[i] = -g[i] * z[i];
    }
    return [gzS, gyS];
  });
}
