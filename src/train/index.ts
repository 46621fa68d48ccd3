// Training: the one loop (fit) with its resume state, the trainers built on it (character models,
// decoder models), sampling, evaluation, and the checkpoints of every model. This is the Node.js
// entry: the file-free parts (./browser.ts) and those that read and write files.

export * from './browser.js';
export { fileCheckpoint, modelCheckpoint, resumeInto, loadFitState, prevStatePathFor } from './fit_state_file.js';
export { trainCharModel, type TrainRun, type TrainResult, type TrainCallbacks } from './trainer.js';
export { saveCheckpoint, saveCheckpointSync, loadCheckpoint } from './checkpoint_file.js';
export { MetricsLog } from './metrics_log.js';
