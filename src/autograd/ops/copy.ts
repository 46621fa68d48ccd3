// Copies and graph cuts: clone (a new buffer, gradient passes through), detach (same values, no
// history), and astype (dtype conversion, differentiable).

import { allocate, type DType } from '../../backend/dtype.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';

export function clone(x: Tensor): Tensor {
  const data = allocate(x.dtype, x.size);
  data.set(x.data);
  return record('clone', data, x.shape, [x], (g) => [g]);
}

/** The same values cut from the graph (shares the buffer, like torch's detach). */
export function detach(x: Tensor): Tensor {
  return new Tensor(x.data, x.shape);
}

export function astype(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  const data = allocate(dtype, x.size);
  data.set(x.data);
  return record('astype', data, x.shape, [x], (g) => {
    const gx = allocate(x.dtype, x.size);
    gx.set(g);
    return [gx];
  });
}
