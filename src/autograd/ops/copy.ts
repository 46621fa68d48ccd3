// Copies and graph cuts: clone (new storage, gradient passes through), detach (same values, no
// history), and astype (dtype conversion, differentiable).

import type { DType } from '../../backend/dtype.js';
import { Storage } from '../../backend/storage.js';
import { getBackend } from '../../backend/backend.js';
import { Tensor } from '../../tensor/tensor.js';
import { record } from '../record.js';

export function clone(x: Tensor): Tensor {
  const data = new Storage(x.dtype, x.size);
  getBackend().copy(x.storage, 0, data, 0, x.size);
  return record('clone', data, x.shape, [x], (g) => [g]);
}

/** The same values cut from the graph (shares the storage, like torch's detach). */
export function detach(x: Tensor): Tensor {
  return new Tensor(x.storage, x.shape);
}

// The values of s converted to dtype (through the host copies: conversions are for gradient checks).
function converted(s: Storage, dtype: DType): Storage {
  const out = new Storage(dtype, s.length);
  out.overwrite().set(s.read());
  return out;
}

export function astype(x: Tensor, dtype: DType): Tensor {
  if (x.dtype === dtype) return x;
  return record('astype', converted(x.storage, dtype), x.shape, [x], (g) => [converted(g, x.dtype)]);
}
