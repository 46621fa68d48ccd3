// Sequence-model building blocks on top of the cells: running a cell, the four task shapes,
// Jordan (output-to-hidden) training with teacher forcing / scheduled sampling, generation that
// stops on EOS or a halt unit, and conditioning on a fixed vector.

export { unroll, type UnrollOptions, type UnrollResult } from './unroll.js';
export { applyHead, type Head } from './head.js';
export { manyToMany, type ManyToManyResult } from './many_to_many.js';
export { manyToOne, lastStep, type ManyToOneOptions, type ManyToOneResult } from './many_to_one.js';
export { oneToManyTrain, oneToManyGenerate } from './one_to_many.js';
export { StatefulRunner, detachCarry, type StatefulChunkOptions } from './stateful_tbptt.js';
export { runJordan, type JordanRunOptions, type JordanRunResult } from './jordan_run.js';
export { teacherForcingProbability, type SamplingSchedule } from './scheduled_sampling.js';
export { generate, type GenerateOptions, type Generated, type StopReason } from './generate.js';
export { chooseSymbol, chooseRows, checkLogits, type ChooseOptions } from './choose_symbol.js';
export { HaltingUnit, haltTargets, haltLoss } from './halting.js';
export { VectorConditioning, type VectorConditioningConfig } from './conditioning.js';
export { withEos, type EosBatch } from './eos.js';
