// Element-wise comparisons with broadcasting, giving 0/1 tensors for masks (where, maskedFill,
// loss masks). They are step functions, so they record no graph: the result never requires grad.

import { Storage } from '../../backend/storage.js';
import { getBackend } from '../../backend/backend.js';
import { Tensor } from '../../tensor/tensor.js';
import { broadcastShapes } from '../../tensor/shape.js';
import { sameDtype } from '../record.js';
import { scalar } from './broadcast_buffer.js';

type Test = (d: number) => boolean;

function compare(name: string, a: Tensor, b: Tensor | number, test: Test): Tensor {
  const bt = b instanceof Tensor ? b : scalar(b, a.dtype);
  sameDtype(name, a, bt);
  const shape = broadcastShapes(a.shape, bt.shape);
  const out = new Storage(a.dtype, shape.reduce((p, d) => p * d, 1));
  // a − b decides every comparison, and a NaN on either side compares false, as in IEEE 754.
  getBackend().binary('sub', a.storage, a.shape, bt.storage, bt.shape, out, shape);
  const d = out.write();
  for (let i = 0; i < d.length; i++) d[i] = test(d[i]) ? 1 : 0;
  return new Tensor(out, shape);
}

/** 1 where a > b, else 0. */
export const gt = (a: Tensor, b: Tensor | number): Tensor => compare('gt', a, b, (d) => d > 0);
/** 1 where a ≥ b, else 0. */
export const ge = (a: Tensor, b: Tensor | number): Tensor => compare('ge', a, b, (d) => d >= 0);
/** 1 where a < b, else 0. */
export const lt = (a: Tensor, b: Tensor | number): Tensor => compare('lt', a, b, (d) => d < 0);
/** 1 where a ≤ b, else 0. */
export const le = (a: Tensor, b: Tensor | number): Tensor => compare('le', a, b, (d) => d <= 0);
/** 1 where a = b, else 0. */
export const eq = (a: Tensor, b: Tensor | number): Tensor => compare('eq', a, b, (d) => d === 0);
