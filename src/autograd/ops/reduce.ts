// Reductions over axes: sum, mean and max. Their gradients expand back over the reduced axes, so
// the input's gradient keeps the input's shape.

import { Storage } from '../../backend/storage.js';
import { getBackend } from '../../backend/backend.js';
import { Tensor } from '../../tensor/tensor.js';
import { normAxis, type Shape } from '../../tensor/shape.js';
import { record } from '../record.js';
import { reshape } from './shape_ops.js';

export type Axes = number | readonly number[] | undefined;

// the shape with reduced axes set to 1, and the shape actually returned
function reducedShapes(shape: Shape, axes: Axes, keepDims: boolean): { kept: number[]; out: number[] } {
  const rank = shape.length;
  const list = axes === undefined ? shape.map((_, i) => i) : (typeof axes === 'number' ? [axes] : axes).map((a) => normAxis(a, rank));
  const kept = shape.map((d, i) => (list.includes(i) ? 1 : d));
  const out = keepDims ? kept : shape.filter((_, i) => !list.includes(i));
  return { kept, out };
}

// g laid over the reduced shape, expanded back to the input's shape and scaled
function expandGrad(g: Storage, kept: number[], x: Tensor, scale: number): Storage {
  const be = getBackend();
  const gx = new Storage(x.dtype, x.size);
  const s = new Storage(x.dtype, 1);
  s.overwrite()[0] = scale;
  be.binary('mul', g, kept, s, [], gx, x.shape);
  return gx;
}

/** Sum over the given axes (all when omitted). */
export function sum(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const { kept, out } = reducedShapes(x.shape, axes, keepDims);
  const data = new Storage(x.dtype, out.reduce((p, d) => p * d, 1));
  getBackend().sumTo(x.storage, x.shape, data, kept);
  return record('sum', data, out, [x], (g) => [expandGrad(g, kept, x, 1)]);
}

/** Mean over the given axes (all when omitted). */
export function mean(x: Tensor, axes?: Axes, keepDims = false): Tensor {
  const { kept, out } = reducedShapes(x.shape, axes, keepDims);
  const count = x.size / Math.max(1, kept.reduce((p, d) => p * d, 1));
  const be = getBackend();
  const data = new Storage(x.dtype, out.reduce((p, d) => p * d, 1));
  be.sumTo(x.storage, x.shape, data, kept);
  be.affineScalar(data, 1 / count, 0, data);
  return record('mean', data, out, [x], (g) => [expandGrad(g, kept, x, 1 / count)]);
}

/**
 * Maximum along one axis, or over all elements when no axis is given (as torch.max(x)); the
 * gradient goes to the first position holding the maximum.
 */
export function max(x: Tensor, axis?: number, keepDims = false): Tensor {
  if (axis === undefined) {
    const all = max(reshape(x, [x.size]), 0);
    return keepDims ? reshape(all, x.shape.map(() => 1)) : all;
  }
  const a = normAxis(axis, x.rank);
  const outer = x.shape.slice(0, a).reduce((p, d) => p * d, 1);
  const size = x.shape[a];
  if (size === 0) throw new Error(`max: cannot reduce an empty axis ${a} of shape [${x.shape.join(', ')}]`);
  const inner = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const data = new Storage(x.dtype, outer * inner);
  const shape = keepDims ? x.shape.map((d, i) => (i === a ? 1 : d)) : x.shape.filter((_, i) => i !== a);
  const be = getBackend();
  if (be.asyncReadback && be.maxAxisTo && be.maxAxisBackward && x.dtype === 'float32') {
    // Positions stay on the device (as floats), where the backward reads them.
    const pos = new Storage('float32', outer * inner);
    be.maxAxisTo(x.storage, outer, size, inner, data, pos);
    return record('max', data, shape, [x], (g) => {
      const gx = new Storage(x.dtype, x.size);
      be.maxAxisBackward!(g, pos, outer, size, inner, gx);
      return [gx];
    });
  }
  const arg = new Int32Array(outer * inner);
  be.maxAxis(x.storage, outer, size, inner, data, arg);
  return record('max', data, shape, [x], (g) => {
    const gx = new Storage(x.dtype, x.size), gxv = gx.write(), gv = g.read();
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) gxv[(o * size + arg[o * inner + i]) * inner + i] = gv[o * inner + i];
    }
    return [gx];
  });
}

/** Positions of the maximum along an axis, as plain integers (not differentiable). */
export function argmax(x: Tensor, axis = -1): Int32Array {
  const a = normAxis(axis, x.rank);
  const outer = x.shape.slice(0, a).reduce((p, d) => p * d, 1);
  const inner = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
  const arg = new Int32Array(outer * inner);
  getBackend().maxAxis(x.storage, outer, x.shape[a], inner, new Storage(x.dtype, outer * inner), arg);
  return arg;
}
