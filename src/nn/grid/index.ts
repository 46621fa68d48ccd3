// 2-D recurrence over images: the multi-dimensional LSTM and PixelRNN's row LSTM.

export { MDLSTM, type MDLSTMConfig } from './md_lstm.js';
export { diagonals, scanPixel, wavefrontTables, type Diagonal, type WavefrontTables } from './wavefront.js';
export { RowLSTM, type RowLSTMConfig, type RowState } from './row_lstm.js';
export { PixelRNN, MAX_LEVELS, type PixelRNNConfig } from './pixel_rnn.js';
export { MaskedConv2d, type MaskedConv2dConfig } from './masked_conv2d.js';
