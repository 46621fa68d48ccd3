// Matrix products: batched matmul with broadcast batch axes, and the fused affine map of Linear
// layers, y = x·Wᵀ + b, whose weight gradient is one product over all rows.

import { Storage } from '../../backend/storage.js';
import { getBackend } from '../../backend/backend.js';
import { Tensor, type GradWriter } from '../../tensor/tensor.js';
import { broadcastShapes, formatShape, sizeOf } from '../../tensor/shape.js';
import { record, sameDtype } from '../record.js';

/**
 * Matrix product with NumPy semantics: a [..., M, K] · b [..., K, N] → [..., M, N], batch axes
 * broadcast; a 1-D operand is treated as a row (a) or column (b) vector and that axis is dropped.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  sameDtype('matmul', a, b);
  if (a.rank === 0 || b.rank === 0) throw new Error('matmul: expected tensors of rank >= 1, got a scalar');
  const aShape = a.rank === 1 ? [1, a.shape[0]] : [...a.shape];
  const bShape = b.rank === 1 ? [b.shape[0], 1] : [...b.shape];
  const M = aShape[aShape.length - 2], K = aShape[aShape.length - 1];
  const K2 = bShape[bShape.length - 2], N = bShape[bShape.length - 1];
  if (K !== K2) {
    throw new Error(`matmul: expected b of shape [..., ${K}, N] to match a ${formatShape(a.shape)}, got ${formatShape(b.shape)}`);
  }
  const aBatch = aShape.slice(0, -2), bBatch = bShape.slice(0, -2);
  const batch = broadcastShapes(aBatch, bBatch);
  const nb = sizeOf(batch);
  // Offset of each batch entry in a and b, following broadcasting.
  const offsets = (shape: number[], stride: number): Int32Array => {
    const idx = new Int32Array(nb);
    for (let i = 0; i < nb; i++) {
      let rem = i, off = 0, s = stride;
      for (let d = batch.length - 1, e = shape.length - 1; d >= 0; d--, e--) {
        const coord = rem % batch[d]; rem = Math.floor(rem / batch[d]);
        if (e >= 0) { if (shape[e] !== 1) off += coord * s; s *= shape[e]; }
      }
      idx[i] = off;
    }
    return idx;
  };
  const aOff = offsets(aBatch, M * K), bOff = offsets(bBatch, K * N);
  const be = getBackend();
  const data = new Storage(a.dtype, nb * M * N);
  for (let i = 0; i < nb; i++) be.gemm(false, false, M, N, K, a.storage, aOff[i], b.storage, bOff[i], data, i * M * N, false);
  let outShape = [...batch, M, N];
  if (a.rank === 1) outShape.splice(outShape.length - 2, 1);
  if (b.rank === 1) outShape = outShape.slice(0, -1);
  return record('matmul', data, outShape, [a, b], (g) => {
    // dA = g · Bᵀ, dB = Aᵀ · g, summed over batch entries that were broadcast.
    const ga = a.requiresGrad ? new Storage(a.dtype, a.size) : null;
    const gb = b.requiresGrad ? new Storage(b.dtype, b.size) : null;
    for (let i = 0; i < nb; i++) {
      if (ga) be.gemm(false, true, M, K, N, g, i * M * N, b.storage, bOff[i], ga, aOff[i], true);
      if (gb) be.gemm(true, false, K, N, M, a.storage, aOff[i], g, i * M * N, gb, bOff[i], true);
    }
    return [ga, gb];
  });
}

/**
 * out [rows, n] = b [n] on every row, the start of a product that adds x·Wᵀ into it: 0 + b with a
 * zero scalar broadcast, so that the kernel overwrites out without reading it (a new storage would
 * otherwise be zero-filled first).
 */
export function biasRows(b: Storage, rows: number, n: number, out: Storage): void {
  getBackend().binary('add', new Storage(out.dtype, 1), [], b, [n], out, [rows, n]);
}

/**
 * y = x·Wᵀ + b over the last axis: x [..., in], weight [out, in], bias [out] → [..., out].
 */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  sameDtype('linear', x, weight);
  if (weight.rank !== 2) throw new Error(`linear: expected a weight of shape [out, in], got ${formatShape(weight.shape)}`);
  const [out, inF] = weight.shape;
  if (x.rank < 1 || x.shape[x.rank - 1] !== inF) {
    throw new Error(`linear: expected input of shape [..., ${inF}], got ${formatShape(x.shape)}`);
  }
  if (bias) sameDtype('linear', x, bias);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== out)) {
    throw new Error(`linear: expected a bias of shape [${out}], got ${formatShape(bias.shape)}`);
  }
  const rows = x.size / inF;
  const be = getBackend();
  // x [R, in], W [out, in], y [R, out]
  const y = new Storage(x.dtype, rows * out);
  if (bias) biasRows(bias.storage, rows, out, y);
  be.gemm(false, true, rows, out, inF, x.storage, 0, weight.storage, 0, y, 0, bias !== undefined && bias !== null);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  return record('linear', y, [...x.shape.slice(0, -1), out], inputs, (g) => {
    const gx = x.requiresGrad ? new Storage(x.dtype, x.size) : null;
    if (gx) be.gemm(false, false, rows, inF, out, g, 0, weight.storage, 0, gx, 0, false); // [R,out]·[out,in]
    // The weight and bias gradients are written into the engine's running sums (see GradWriter):
    // a weight shared by every time step accumulates inside the matrix kernel.
    const gw: GradWriter | null = weight.requiresGrad
      ? { write: (dst, acc) => be.gemm(true, false, out, inF, rows, g, 0, x.storage, 0, dst, 0, acc) } // gᵀ [out,R] · x [R,in]
      : null;
    const gb: GradWriter | null = bias && bias.requiresGrad
      ? { write: (dst: Storage, acc: boolean) => be.colSums(g, rows, out, dst, acc) } // Σ_r g[r, :]
      : null;
    return bias ? [gx, gw, gb] : [gx, gw];
  });
}
