// Two small pieces every broadcasting op needs: a tensor's values laid out over a larger broadcast
// shape, and a number as a scalar tensor of a given dtype.

import type { DType } from '../../backend/dtype.js';
import { Storage } from '../../backend/storage.js';
import { getBackend } from '../../backend/backend.js';
import { Tensor } from '../../tensor/tensor.js';
import { sameShape, sizeOf, type Shape } from '../../tensor/shape.js';

/** data (shape `shape`) repeated along the broadcast axes of `to`; the same storage when nothing repeats. */
export function spreadTo(data: Storage, shape: Shape, to: Shape, dtype: DType): Storage {
  if (sameShape(shape, to) || data.length === sizeOf(to)) return data;
  const out = new Storage(dtype, sizeOf(to));
  getBackend().binary('add', data, shape, new Storage(dtype, 1), [], out, to);
  return out;
}

/** A rank-0 tensor holding `value`. */
export function scalar(value: number, dtype: DType): Tensor {
  const s = new Storage(dtype, 1);
  if (value !== 0) s.overwrite()[0] = value;
  return new Tensor(s, []);
}
