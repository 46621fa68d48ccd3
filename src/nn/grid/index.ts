// 2-D recurrence over images: the multi-dimensional LSTM and PixelRNN's row LSTM.

export { MDLSTM, type MDLSTMConfig } from './md_lstm.js';
export { diagonals, scanPixel, wavefrontTables, type Diagonal, type WavefrontTables } from './wavefront.js';
