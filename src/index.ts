// unfold: recurrent and recursive neural networks in TypeScript.
//   import { Tensor, tensor, ops, nn, optim, io, data } from 'unfold'

import './autograd/methods.js';

export { Tensor, tensor, zeros, ones, full, randn, rand, arange, type NestedArray, type TensorOptions } from './tensor/tensor.js';
export { Rng, manualSeed, defaultRng } from './tensor/random.js';
export type { DType, FloatArray } from './backend/dtype.js';
export { getBackend, setBackend, refBackend, type Backend } from './backend/backend.js';
export * as ops from './autograd/index.js';
export { noGrad, enableGrad, gradcheck, backward } from './autograd/index.js';
