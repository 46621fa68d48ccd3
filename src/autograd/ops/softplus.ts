// softplus(x) = log(1 + eˣ) as one op beside its derivative σ(x): the form max(x, 0) + log1p(e^−|x|)
// neither overflows for large x nor loses the small values of very negative x, and the derivative is
// exact at x = 0, where relu and abs composed would each take a one-sided slope.
// The neural Turing machine's heads make their positive parameters (key strength β, sharpening γ) with it.

import { Storage } from '../../backend/storage.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';

/** log(1 + exp(x)) element-wise; d/dx = σ(x). */
export function softplus(x: Tensor): Tensor {
  const v = x.dataSync();
  const out = new Storage(x.dtype, x.size), y = out.overwrite();
  for (let i = 0; i < y.length; i++) y[i] = Math.max(v[i], 0) + Math.log1p(Math.exp(-Math.abs(v[i])));
  return record('softplus', out, x.shape, [x], (gs) => {
    const g = gs.read();
    const gxS = new Storage(x.dtype, x.size), gx = gxS.overwrite();
    for (let i = 0; i < gx.length; i++) {
      const e = Math.exp(-Math.abs(v[i])); // σ(x) without overflow on either side
      gx[i] = g[i] * (v[i] >= 0 ? 1 / (1 + e) : e / (1 + e));
    }
    return [gxS];
  });
}
