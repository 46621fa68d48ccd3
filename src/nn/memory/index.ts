// Explicit memory: the neural Turing machine's addressing, heads and cell.

export { circularShift } from '../../autograd/ops/circular_shift.js';
export { cosineSimilarity, contentWeighting, address, readMemory, writeMemory, type AddressParams } from './addressing.js';
export { NTMHead, type NTMHeadConfig, type HeadOutputs } from './ntm_head.js';
export { NTMCell, type NTMCellConfig } from './ntm_cell.js';
