// modReLU (Arjovsky et al. 2016), the non-linearity of unitary and orthogonal RNNs: it shrinks or
// grows each unit's magnitude by a learned bias and keeps its sign (its phase, for complex units),
//   modReLU(z, b) = sign(z) · max(|z| + b, 0),
// so that a unit with b ≥ 0 passes its value on undistorted, as an orthogonal W_hh preserves norms.
// For real z: d/dz = 1[|z| + b > 0] (sign(z)² = 1), d/db = sign(z) · 1[|z| + b > 0].

import { Storage } from '../../backend/storage.js';
import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { record, sameDtype } from '../record.js';

/**
 * sign(z) · max(|z| + b, 0) element-wise, b broadcast over the last axis.
 *
 * Inputs: z [..., H], b [H]. Output: [..., H].
 */
export function modReLU(z: Tensor, b: Tensor): Tensor {
  sameDtype('modReLU', z, b);
  const H = b.size;
  if (b.rank !== 1 || z.rank < 1 || z.shape[z.rank - 1] !== H) {
    throw new Error(`modReLU: expected z of shape [..., ${H}] and b of shape [${H}], got ${formatShape(z.shape)} and ${formatShape(b.shape)}`);
  }
  const zv = z.dataSync(), bv = b.dataSync();
  const out = new Storage(z.dtype, z.size), y = out.overwrite();
  for (let i = 0; i < y.length; i++) {
    const m = Math.abs(zv[i]) + bv[i % H];
    y[i] = m > 0 ? Math.sign(zv[i]) * m : 0;
  }
  return record('modReLU', out, z.shape, [z, b], (gs) => {
    const g = gs.read();
    const gzS = z.requiresGrad ? new Storage(z.dtype, z.size) : null;
    const gbS = b.requiresGrad ? new Storage(b.dtype, H) : null;
    const gz = gzS?.overwrite(), gb = gbS?.overwrite();
    gb?.fill(0);
    for (let i = 0; i < g.length; i++) {
      const on = Math.abs(zv[i]) + bv[i % H] > 0;
      if (gz) gz[i] = on ? g[i] : 0;
      if (gb && on) gb[i % H] += g[i] * Math.sign(zv[i]);
    }
    return [gzS, gbS];
  });
}
