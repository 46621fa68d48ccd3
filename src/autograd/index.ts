// The differentiable operations as free functions (`ops.tanh(x)`), the engine, grad mode and
// gradcheck. Importing this also installs the Tensor methods.

import './methods.js';

export * from './ops/elementwise.js';
export * from './ops/matmul.js';
export * from './ops/reduce.js';
export * from './ops/shape_ops.js';
export * from './ops/softmax.js';
export * from './ops/gather.js';
export * from './ops/stacked_rows.js';
export * from './ops/mask.js';
export * from './ops/cross_entropy.js';
export * from './ops/copy.js';
export { backward, type BackwardOptions } from './engine.js';
export { noGrad, enableGrad, isGradEnabled } from './grad_mode.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './gradcheck.js';
export * from './ops/lstm_pointwise.js';
export * from './ops/compare.js';
export { conv2d, convOutputSize, type Conv2dOptions, type Size2 } from './ops/conv2d.js';
export * from './ops/pool2d.js';
export * from './ops/bce.js';
export { softplus } from './ops/softplus.js';
export { modReLU } from './ops/mod_relu.js';
export { matrixExp } from './ops/matrix_exp.js';
export { circularShift } from './ops/circular_shift.js';
export { scatterAddRows } from './ops/scatter_rows.js';
