// Masking: choosing between two tensors element-wise by a condition, and filling masked positions
// with a constant. Gradients flow only to the positions that were chosen.

import { Storage } from '../../backend/storage.js';
import { getBackend } from '../../backend/backend.js';
import { Tensor } from '../../tensor/tensor.js';
import { broadcastShapes, sizeOf } from '../../tensor/shape.js';
import { record, sameDtype } from '../record.js';
import { scalar, spreadTo } from './broadcast_buffer.js';

/** cond ≠ 0 ? a : b, with broadcasting of all three. */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  sameDtype('where', a, b);
  const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape), b.shape);
  const c = spreadTo(cond.storage, cond.shape, shape, cond.dtype).read();
  const av = spreadTo(a.storage, a.shape, shape, a.dtype).read(), bv = spreadTo(b.storage, b.shape, shape, a.dtype).read();
  const n = sizeOf(shape);
  const data = new Storage(a.dtype, n), dv = data.overwrite();
  for (let i = 0; i < n; i++) dv[i] = c[i] !== 0 ? av[i] : bv[i];
  return record('where', data, shape, [a, b], (gs) => {
    const be = getBackend();
    const g = gs.read();
    const ga = new Storage(a.dtype, n), gb = new Storage(a.dtype, n), gav = ga.overwrite(), gbv = gb.overwrite();
    for (let i = 0; i < n; i++) { if (c[i] !== 0) { gav[i] = g[i]; gbv[i] = 0; } else { gbv[i] = g[i]; gav[i] = 0; } }
    const ra = new Storage(a.dtype, a.size), rb = new Storage(b.dtype, b.size);
    be.sumTo(ga, shape, ra, a.shape);
    be.sumTo(gb, shape, rb, b.shape);
    return [ra, rb];
  });
}

/** x with `value` wherever mask ≠ 0 (mask broadcasts to x). */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  return where(mask, scalar(value, x.dtype), x);
}
