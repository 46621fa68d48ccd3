// Layers, cells, losses and the Module base.

export { Module, parameter, type LoadStateDictOptions } from './module.js';
export {
  registerClass, serializeModule, fromConfig, registeredModules, type ModuleSpec, type ModuleFactory, type JsonValue,
} from './registry.js';
export { uniformInit, normalInit, type InitOptions } from './init.js';
export { Linear, type LinearConfig } from './layers/linear.js';
export { Embedding, type EmbeddingConfig } from './layers/embedding.js';
export { Dropout, dropout, dropoutMask } from './layers/dropout.js';
export { crossEntropy, type CrossEntropyOptions } from './losses/cross_entropy.js';
export { mseLoss, bceWithLogits } from './losses/regression.js';
export { informationFlowPenalty, stateGradients, backwardWithInformationFlow, type InformationFlowStep } from './losses/information_flow.js';
export { isRecurrentCell, type RecurrentCell, type Carry, type CellConfig } from './cells/cell.js';
export { RNNCell, type RNNCellConfig } from './cells/rnn_cell.js';
export { LSTMCell, setForgetBias, type LSTMCellConfig } from './cells/lstm_cell.js';
export { GRUCell, type GRUCellConfig } from './cells/gru_cell.js';
export { LeakyRNNCell, multiTimescaleAlpha, type LeakyRNNCellConfig } from './cells/leaky_cell.js';
export { SkipRNNCell, type SkipRNNCellConfig } from './cells/skip_cell.js';
export { JordanCell, type JordanCellConfig } from './cells/jordan_cell.js';
export { OrthogonalRNNCell, type OrthogonalRNNCellConfig } from './cells/orthogonal_cell.js';
export { ClockworkRNNCell, type ClockworkRNNCellConfig } from './cells/clockwork_cell.js';
export * from './memory/index.js';
export * as seq from './seq/index.js';
export { scan, type ScanResult, type ScanOptions } from './layers/time_loop.js';
export { StepMask, type SequenceOptions } from './layers/step_mask.js';
export { sequenceMask, checkLengths, type Lengths, type SequenceMaskOptions } from '../tensor/sequence_mask.js';
export { runCell, type RecurrentRegularization, type RunCellOptions } from './layers/run_cell.js';
export type { RegressionLossOptions } from './losses/regression.js';
export type { LengthOptions } from './losses/length_options.js';
export { Recurrence, asSequenceModule, type RecurrenceConfig } from './wrappers/recurrence.js';
export { Bidirectional, mergeOutputs, type BidirectionalConfig, type MergeMode } from './wrappers/bidirectional.js';
export { StackedRNN, type StackedRNNConfig } from './wrappers/stacked_rnn.js';
export { flipSequences } from './wrappers/flip_sequences.js';
export { isSequenceModule, type SequenceModule, type SequenceResult } from './wrappers/sequence_module.js';
export { RecurrentLayer, type RecurrentLayerConfig } from './layers/recurrent_layer.js';
export { RNN, type RNNConfig } from './layers/rnn.js';
export { LSTM, type LSTMConfig } from './layers/lstm.js';
export { GRU, type GRUConfig } from './layers/gru.js';
export { fusedLstm, type LstmSequenceInputs } from '../autograd/recurrent/lstm_sequence.js';
export { fusedGru } from '../autograd/recurrent/gru_sequence.js';
export { fusedRnn } from '../autograd/recurrent/rnn_sequence.js';
export type { SequenceInputs, SequenceOptions as RecurrentSequenceOptions } from '../autograd/recurrent/sequence_inputs.js';
export { setFusedRecurrent, fusedRecurrentEnabled } from './fused/route.js';
export { WorkspacePool } from '../autograd/recurrent/workspace_pool.js';
export * from './conv/index.js';
export {
  checkMemory, adamTrainingMemory, recurrentParameterCount, recurrentActivationBytes, activationBytes, logitBytes, gatesOf, formatBytes,
  DEFAULT_MAX_MEMORY, MAX_MEMORY_LIMIT, GiB, type MemoryEstimate, type RecurrentShape,
} from './memory_estimate.js';
export { DeepTransitionCell, type DeepTransitionCellConfig } from './cells/deep_transition_cell.js';
export { RecurrentHighwayCell, type RecurrentHighwayCellConfig } from './cells/highway_cell.js';
export { DeepOutput, type DeepOutputConfig } from './layers/deep_output.js';
export { dropRecurrentWeight, withRecurrentWeight } from './layers/weight_drop.js';
export { mcDropoutPredict, quantileSorted, type MCDropoutOptions, type MCDropoutResult } from './mc_dropout.js';
export * from './grid/index.js';
