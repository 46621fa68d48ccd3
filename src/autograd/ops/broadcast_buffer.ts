// Two small pieces every broadcasting op needs: a tensor's values laid out over a larger broadcast
// shape, and a number as a scalar tensor of a given dtype.

import { allocate, type DType, type FloatArray } from '../../backend/dtype.js';
import { getBackend } from '../../backend/backend.js';
import { Tensor } from '../../tensor/tensor.js';
import { sameShape, sizeOf, type Shape } from '../../tensor/shape.js';

/** data (shape `shape`) repeated along the broadcast axes of `to`; the same buffer when nothing repeats. */
export function spreadTo(data: FloatArray, shape: Shape, to: Shape, dtype: DType): FloatArray {
  if (sameShape(shape, to) || data.length === sizeOf(to)) return data;
  const out = allocate(dtype, sizeOf(to));
  getBackend().binary('add', data, shape, allocate(dtype, 1), [], out, to);
  return out;
}

/** A rank-0 tensor holding `value`. */
export function scalar(value: number, dtype: DType): Tensor {
  const t = new Tensor(allocate(dtype, 1), []);
  t.data[0] = value;
  return t;
}
