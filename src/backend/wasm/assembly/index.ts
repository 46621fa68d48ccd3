// Entry of the unfold WebAssembly module: everything exported here is callable from TypeScript
// (see ../module.ts for the signatures as the wrappers see them).

export { heapBase, workspaceBytes, sgemm, sgemmLd, packB, packedBBytes, sgemmPackedB } from './sgemm';
export { packedRowsBytes, packRows, gemvPacked } from './gemv';
export { lstmForwardSeq, lstmBackwardSeq, lstmStep } from './lstm';
export { gruForwardSeq, gruBackwardSeq } from './gru';
export { colSums, colSumsRange, softmaxRows } from './rows';
export { rnnForwardSeq, rnnBackwardSeq } from './rnn';
export { crossEntropyForward, crossEntropyBackward } from './cross_entropy';
export { gatherRows, scatterAddRows } from './gather';
export { adamUpdate, sgdUpdate } from './optim';
export { binarySame, affine, sumSquares } from './pointwise';
export { binaryStrided, sumToStrided, permuteStrided } from './strided';
export { unaryMap, unaryGrad, powConst } from './unary';
