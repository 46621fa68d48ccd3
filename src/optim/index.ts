// The optim layer: optimizers (SGD, Adam, AdamW, RMSprop, Adagrad) with torch.optim's semantics and
// state dicts, gradient clipping, and learning-rate schedules.
//   import { optim } from 'unfold-rnn';
//   const opt = new optim.AdamW(model.parameters(), { lr: 3e-3 });
//   const sched = new optim.WarmupCosine(opt, { warmupSteps: 200, totalSteps: 10000, minLr: 1e-5 });
//   loss.backward(); optim.clipGradNorm(model.parameters(), 1); opt.step(); sched.step(); opt.zeroGrad();

export {
  Optimizer, withDefaults, checkHyper,
  type BaseHyperParams, type ParamGroup, type ParamGroupInput, type ParamsInput, type ParamState,
} from './optimizer.js';
export type { OptimizerStateDict, OptimizerMeta, StateDictInput, HyperValue } from './state_dict.js';
export { SGD, SGD_DEFAULTS, type SGDOptions } from './sgd.js';
export { Adam, ADAM_DEFAULTS, type AdamOptions } from './adam.js';
export { AdamW, ADAMW_DEFAULTS, type AdamWOptions } from './adamw.js';
export { RMSprop, RMSProp, RMSPROP_DEFAULTS, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, ADAGRAD_DEFAULTS, type AdagradOptions } from './adagrad.js';
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from './clip.js';
export { LRScheduler, type SchedulerStateDict, type ScheduledOptimizer } from './lr_scheduler.js';
export {
  StepLR, CosineAnnealingLR, LambdaLR, LinearWarmup, WarmupCosine, BudgetCosine,
  type BudgetCosineOptions, type StepLROptions, type CosineAnnealingLROptions, type LrLambda, type LinearWarmupOptions, type WarmupCosineOptions,
} from './schedules.js';
export { MAX_LEARNING_RATE, checkLearningRate } from './learning_rate_limit.js';
