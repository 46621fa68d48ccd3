// The autograd operations as Tensor methods (`a.add(b).tanh()`), attached to the class here so that
// the tensor layer stays free of derivatives. Importing this module once installs them.

import { Tensor } from '../tensor/tensor.js';
import type { Shape } from '../tensor/shape.js';
import type { DType } from '../backend/dtype.js';
import * as ew from './ops/elementwise.js';
import * as mm from './ops/matmul.js';
import * as rd from './ops/reduce.js';
import * as so from './ops/shape_ops.js';
import * as sm from './ops/softmax.js';
import * as cp from './ops/copy.js';
import { backward, type BackwardOptions } from './engine.js';

type TL = ew.TensorLike;

declare module '../tensor/tensor.js' {
  interface Tensor {
    add(o: TL): Tensor; sub(o: TL): Tensor; mul(o: TL): Tensor; div(o: TL): Tensor; pow(p: TL): Tensor;
    neg(): Tensor; exp(): Tensor; log(): Tensor; tanh(): Tensor; sigmoid(): Tensor; relu(): Tensor;
    sqrt(): Tensor; abs(): Tensor; square(): Tensor;
    matmul(o: Tensor): Tensor;
    sum(axes?: rd.Axes, keepDims?: boolean): Tensor; mean(axes?: rd.Axes, keepDims?: boolean): Tensor;
    max(axis?: number, keepDims?: boolean): Tensor;
    reshape(shape: Shape): Tensor; permute(perm: readonly number[]): Tensor; transpose(a?: number, b?: number): Tensor;
    slice(axis: number, start: number, end: number): Tensor; select(axis: number, index: number): Tensor;
    chunk(n: number, axis?: number): Tensor[]; unsqueeze(axis: number): Tensor; squeeze(axis?: number): Tensor;
    softmax(axis?: number): Tensor; logSoftmax(axis?: number): Tensor;
    clone(): Tensor; detach(): Tensor; astype(dtype: DType): Tensor;
    /** Back-propagates from this tensor (a scalar unless `grad` is given) into leaves' `.grad`. */
    backward(options?: BackwardOptions): void;
  }
}

const p = Tensor.prototype;
p.add = function (o) { return ew.add(this, o); };
p.sub = function (o) { return ew.sub(this, o); };
p.mul = function (o) { return ew.mul(this, o); };
p.div = function (o) { return ew.div(this, o); };
p.pow = function (e) { return ew.pow(this, e); };
p.neg = function () { return ew.neg(this); };
p.exp = function () { return ew.exp(this); };
p.log = function () { return ew.log(this); };
p.tanh = function () { return ew.tanh(this); };
p.sigmoid = function () { return ew.sigmoid(this); };
p.relu = function () { return ew.relu(this); };
p.sqrt = function () { return ew.sqrt(this); };
p.abs = function () { return ew.abs(this); };
p.square = function () { return ew.square(this); };
p.matmul = function (o) { return mm.matmul(this, o); };
p.sum = function (axes, keepDims) { return rd.sum(this, axes, keepDims); };
p.mean = function (axes, keepDims) { return rd.mean(this, axes, keepDims); };
p.max = function (axis, keepDims) { return rd.max(this, axis, keepDims); };
p.reshape = function (shape) { return so.reshape(this, shape); };
p.permute = function (perm) { return so.permute(this, perm); };
p.transpose = function (a, b) { return so.transpose(this, a, b); };
p.slice = function (axis, start, end) { return so.slice(this, axis, start, end); };
p.select = function (axis, index) { return so.select(this, axis, index); };
p.chunk = function (n, axis) { return so.chunk(this, n, axis); };
p.unsqueeze = function (axis) { return so.unsqueeze(this, axis); };
p.squeeze = function (axis) { return so.squeeze(this, axis); };
p.softmax = function (axis) { return sm.softmax(this, axis); };
p.logSoftmax = function (axis) { return sm.logSoftmax(this, axis); };
p.clone = function () { return cp.clone(this); };
p.detach = function () { return cp.detach(this); };
p.astype = function (dtype) { return cp.astype(this, dtype); };
p.backward = function (options) { backward(this, options); };
