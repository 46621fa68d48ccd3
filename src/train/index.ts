// Training: the one loop (fit) with its resume state, the trainers built on it (character models,
// decoder models), sampling, evaluation, and the checkpoints of every model (Node.js; the browser entry exports the
// file-free parts).

export { fit, type FitOptions, type FitResult, type FitCallbacks, type FitCheckpoint, type StepContext, type StepInfo } from './fit.js';
export { resumableRng, type FitState, type Resumable, type SavedState } from './fit_state.js';
export { fileCheckpoint, modelCheckpoint, resumeInto, saveFitState, loadFitState } from './fit_state_file.js';
export {
  trainSeq2Seq, trainCaptionModel, trainDecoderModel,
  type DecoderTrainOptions, type DecoderTrainCallbacks, type DecoderTrainResult, type CaptionBatch, type TeacherForcingStep,
} from './decoder_trainer.js';

export { CharModel, checkConfig, type CharModelConfig, type CharModelOptions, type CharModelState, type CellType } from './char_model.js';
export { TRAIN_DEFAULTS, validateOptions, type TrainOptions } from './options.js';
export { trainCharModel, type TrainRun, type TrainResult, type TrainCallbacks } from './trainer.js';
export { sample, type SampleOptions } from './sample.js';
export { evaluate, type EvaluateOptions } from './evaluate.js';
export {
  serializeCheckpoint, deserializeCheckpoint, expectModel, modelKind, statePathFor, metricsPathFor, MODEL_KEY, VOCABS_KEY, STEP_KEY,
  type Checkpoint, type CheckpointContents,
} from './checkpoint.js';
export { saveCheckpoint, saveCheckpointSync, loadCheckpoint } from './checkpoint_file.js';
export { MetricsLog } from './metrics_log.js';
