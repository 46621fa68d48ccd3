// Recursive (tree) networks: tree data and its bracketed form, binarisation, level-by-level
// batching of many trees, the recursive net (positional or shared child weights), the Child-Sum and
// N-ary Tree-LSTMs, and node- or root-level losses.

export { leaf, node, isLeaf, postOrder, leafWords, inorderWords, treeSize, treeHeight, mapLabels, type Tree } from './tree.js';
export { parseTree, parseTrees } from './parse.js';
export { treeToString } from './print.js';
export { binarize, type BinarizeOptions } from './binarize.js';
export { TreeBatch, type TreeLevel, type TreeBatchOptions } from './tree_batch.js';
export { TreeEncoder, type NodeState, type TreeStates, type ChildStates, type TreeEncoderConfig } from './encoder.js';
export { RecursiveNet, type RecursiveNetConfig } from './recursive_net.js';
export { ChildSumTreeLSTM, type ChildSumTreeLSTMConfig } from './child_sum_tree_lstm.js';
export { NaryTreeLSTM, type NaryTreeLSTMConfig } from './nary_tree_lstm.js';
export { treeCrossEntropy, treeMse, treeAccuracy, nodeMask, type TreeNodes } from './losses.js';
export { TreeClassifier, TreeRegressor, type TreeHeadOptions } from './heads.js';
