// Masking: choosing between two tensors element-wise by a condition, and filling masked positions
// with a constant. Gradients flow only to the positions that were chosen.

import { allocate } from '../../backend/dtype.js';
import { getBackend } from '../../backend/backend.js';
import { Tensor } from '../../tensor/tensor.js';
import { broadcastShapes, sizeOf } from '../../tensor/shape.js';
import { record, sameDtype } from '../record.js';
import { scalar, spreadTo } from './broadcast_buffer.js';

/** cond ≠ 0 ? a : b, with broadcasting of all three. */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  sameDtype('where', a, b);
  const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape), b.shape);
  const c = spreadTo(cond.data, cond.shape, shape, a.dtype);
  const av = spreadTo(a.data, a.shape, shape, a.dtype), bv = spreadTo(b.data, b.shape, shape, a.dtype);
  const n = sizeOf(shape);
  const data = allocate(a.dtype, n);
  for (let i = 0; i < n; i++) data[i] = c[i] !== 0 ? av[i] : bv[i];
  return record('where', data, shape, [a, b], (g) => {
    const be = getBackend();
    const ga = allocate(a.dtype, n), gb = allocate(a.dtype, n);
    for (let i = 0; i < n; i++) { if (c[i] !== 0) ga[i] = g[i]; else gb[i] = g[i]; }
    const ra = allocate(a.dtype, a.size), rb = allocate(b.dtype, b.size);
    be.sumTo(ga, shape, ra, a.shape);
    be.sumTo(gb, shape, rb, b.shape);
    return [ra, rb];
  });
}

/** x with `value` wherever mask ≠ 0 (mask broadcasts to x). */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  return where(mask, scalar(value, x.dtype), x);
}
