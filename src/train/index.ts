// Character-level language modelling (the model, the training loop, sampling, evaluation) and the
// checkpoints of every model (Node.js; the browser entry exports the file-free parts).

export { CharModel, checkConfig, type CharModelConfig, type CharModelState, type CellType } from './char_model.js';
export { TRAIN_DEFAULTS, validateOptions, type TrainOptions } from './options.js';
export { trainCharModel, learningRate, type TrainRun, type TrainResult, type TrainCallbacks, type StepInfo } from './trainer.js';
export { sample, drawIndex, type SampleOptions } from './sample.js';
export { evaluate, type EvaluateOptions } from './evaluate.js';
export {
  serializeCheckpoint, deserializeCheckpoint, expectModel, modelKind, statePathFor, metricsPathFor, MODEL_KEY, VOCABS_KEY, STEP_KEY,
  type Checkpoint, type CheckpointContents,
} from './checkpoint.js';
export { saveCheckpoint, saveCheckpointSync, loadCheckpoint } from './checkpoint_file.js';
export { MetricsLog } from './metrics_log.js';
export { teacherForcingProbability, type SamplingSchedule } from './scheduled_sampling.js';
