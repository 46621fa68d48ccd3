// Layers, cells, losses and the Module base.

export { Module, parameter, type LoadStateDictOptions } from './module.js';
export { uniformInit, normalInit, type InitOptions } from './init.js';
export { Linear, type LinearConfig } from './layers/linear.js';
export { Embedding, type EmbeddingConfig } from './layers/embedding.js';
export { Dropout, dropout, dropoutMask } from './layers/dropout.js';
export { crossEntropy, type CrossEntropyOptions } from './losses/cross_entropy.js';
export { mseLoss, bceWithLogits } from './losses/regression.js';
export type { RecurrentCell, Carry, CellConfig } from './cells/cell.js';
export { RNNCell, type RNNCellConfig } from './cells/rnn_cell.js';
export { LSTMCell, setForgetBias, type LSTMCellConfig } from './cells/lstm_cell.js';
export { GRUCell, type GRUCellConfig } from './cells/gru_cell.js';
export { scan, type ScanResult } from './layers/time_loop.js';
export { RecurrentLayer, type RecurrentLayerConfig } from './layers/recurrent_layer.js';
export { RNN, type RNNConfig } from './layers/rnn.js';
export { LSTM, type LSTMConfig } from './layers/lstm.js';
export { GRU, type GRUConfig } from './layers/gru.js';
export { fusedLstm, type FusedLstmInputs } from './fused/fused_lstm.js';
export { fusedGru } from './fused/fused_gru.js';
export { fusedRnn } from './fused/fused_rnn.js';
export type { FusedInputs, FusedOptions } from './fused/fused_common.js';
export { setFusedRecurrent, fusedRecurrentEnabled } from './fused/route.js';
export { WorkspacePool } from './fused/workspace.js';
