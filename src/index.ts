// unfold: recurrent and recursive neural networks in TypeScript (Node.js entry).
//   import { Tensor, tensor, ops, nn, optim, io, data, train } from 'unfold'

export * from './core.js';
export * as io from './io/all.js';
export * as data from './data/all.js';
export * as train from './train/index.js';
export * as viz from './viz/index.js';
