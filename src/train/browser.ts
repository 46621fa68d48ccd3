// The file-free parts of the training layer (./index.ts adds files), for browser builds.

export { CharModel, checkConfig, type CharModelConfig, type CharModelOptions, type CharModelState, type CellType } from './char_model.js';
export { charModelParameterCount, charTrainingMemory } from './char_model_memory.js';
export { TRAIN_DEFAULTS, validateOptions, type TrainOptions } from './options.js';
export { sample, type SampleOptions } from './sample.js';
export { evaluate, type EvaluateOptions } from './evaluate.js';
export { fit, type FitOptions, type FitResult, type FitCallbacks, type FitCheckpoint, type StepContext, type StepInfo } from './fit.js';
export { TrainingDivergedError, type Divergence } from './divergence.js';
export { resumableRng, type FitState, type Resumable, type SavedState } from './fit_state.js';
export {
  trainSeq2Seq, trainCaptionModel, trainDecoderModel,
  type DecoderTrainOptions, type DecoderTrainCallbacks, type DecoderTrainResult, type CaptionBatch, type TeacherForcingStep,
} from './decoder_trainer.js';
export {
  serializeCheckpoint, deserializeCheckpoint, expectModel, modelKind, statePathFor, metricsPathFor, MODEL_KEY, VOCABS_KEY, STEP_KEY,
  CONFIG_ALLOWANCE_BYTES, CONFIG_ALLOWANCE_TENSORS,
  type Checkpoint, type CheckpointContents, type ReadCheckpointOptions,
} from './checkpoint.js';
export { onHostBackend, stateStorages } from './host_pass.js';
export { sampleAsync } from './sample.js';
export { evaluateAsync } from './evaluate.js';
