// Entry of the unfold WebAssembly module: everything exported here is callable from TypeScript
// (see ../module.ts for the signatures as the wrappers see them).

export { heapBase, workspaceBytes, sgemm } from './sgemm';
export { lstmForwardSeq, lstmBackwardSeq, lstmStep } from './lstm';
