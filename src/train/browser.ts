// The file-free parts of ./index.ts, for browser builds.

export { CharModel, checkConfig, type CharModelConfig, type CharModelState, type CellType } from './char_model.js';
export { TRAIN_DEFAULTS, validateOptions, type TrainOptions } from './options.js';
export { sample, type SampleOptions } from './sample.js';
export { evaluate, type EvaluateOptions } from './evaluate.js';
