// Character-level language modelling: the model, the training loop, sampling, evaluation and
// checkpoints (Node.js; the browser entry exports the file-free parts).

export { CharModel, checkConfig, type CharModelConfig, type CharModelState, type CellType } from './char_model.js';
export { TRAIN_DEFAULTS, validateOptions, type TrainOptions } from './options.js';
export { trainCharModel, learningRate, type TrainRun, type TrainResult, type TrainCallbacks, type StepInfo } from './trainer.js';
export { sample, type SampleOptions } from './sample.js';
export { evaluate, type EvaluateOptions } from './evaluate.js';
export { saveModelCheckpoint, loadModelCheckpoint, statePathFor, metricsPathFor, type LoadedCheckpoint } from './checkpoint.js';
export { MetricsLog } from './metrics_log.js';
