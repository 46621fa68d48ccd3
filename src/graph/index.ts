// Graph networks: graphs batched as one table of nodes with typed edges (GraphBatch), and the gated
// graph neural network (GGNN) with its node and graph readouts.

export { GraphBatch, type Graph, type GraphBatchOptions } from './graph_batch.js';
export { GGNN, type GGNNConfig, type GGNNOutput } from './ggnn.js';
