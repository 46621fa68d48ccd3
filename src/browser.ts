// unfold for browsers: everything but file access (checkpoints as bytes via train.serializeCheckpoint / deserializeCheckpoint).

// The task suite's models, registered (as every other model class is by its own module) so that
// nn.fromConfig and the checkpoint reader rebuild them; the entries sit above tasks/, core.ts below.
import './tasks/task_model.js';
import './tasks/tree_task_sequence_baseline.js';

export * from './core.js';
export * as io from './io/index.js';
export * as data from './data/index.js';
export * as train from './train/browser.js';
// The graph-paths baseline, registered like the task models above.
import './tasks/graph_paths_baseline.js';
