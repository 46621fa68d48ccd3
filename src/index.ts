// unfold: recurrent and recursive neural networks in TypeScript (Node.js entry).
//   import { Tensor, tensor, ops, nn, optim, io, data, train } from 'unfold-rnn'

// The task suite's models, registered (as every other model class is by its own module) so that
// nn.fromConfig and the checkpoint reader rebuild them; the entries sit above tasks/, core.ts below.
import './tasks/task_model.js';
import './tasks/tree_task_sequence_baseline.js';

export * from './core.js';
export * as io from './io/all.js';
export * as data from './data/all.js';
export * as train from './train/index.js';
export * as viz from './viz/index.js';
export * as keras from './interop/keras/index.js';
export * as pytorch from './interop/pytorch/index.js';
export * as onnx from './interop/onnx/index.js';
// The graph-paths baseline, registered like the task models above.
import './tasks/graph_paths_baseline.js';
// The deep-lm and uncertainty tasks' models, registered as the suite's above.
import './tasks/deep_char_model.js';
import './tasks/uncertainty.js';
