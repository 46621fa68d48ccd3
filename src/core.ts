// What both entries (Node.js and browser) export: tensors, autodiff, layers and optimizers.

import './autograd/methods.js';

export { Tensor, tensor, zeros, ones, full, randn, rand, arange, type NestedArray, type TensorOptions, type GradFn, type GradSlice, type GradWriter, type InputGrad } from './tensor/tensor.js';
export { Rng, manualSeed, defaultRng } from './tensor/random.js';
export type { DType, FloatArray } from './backend/dtype.js';
export { getBackend, setBackend, refBackend, wasmBackend, type Backend } from './backend/backend.js';
export { initWasm, setThreads, threadCount } from './backend/wasm/module.js';
export * as ops from './autograd/index.js';
export { noGrad, enableGrad, gradcheck, backward, indices, type IndexTensor } from './autograd/index.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as esn from './esn/index.js';
export * as diagnostics from './diagnostics/index.js';
export * as tree from './tree/index.js';
export * as seq2seq from './seq2seq/index.js';
export * as metrics from './metrics/index.js';
export * as graph from './graph/index.js';
export { webgpuBackend, sumSquaresTo } from './backend/webgpu/webgpu_backend.js';
export { initWebGPU, webgpuUnavailable, webgpuAdapter, type InitWebGPUOptions } from './backend/webgpu/init.js';
