// The memory a tree task (sentiment-trees, expr-trees) needs, from its settings alone, so that
// `--hidden 1000000000` or `--train 1000000000` is refused before any tree is drawn. The largest of
// its models (a binary Tree-LSTM: 5H × (E + 2H) weights; a bidirectional LSTM: 2 × 4H × (E + H + 2))
// four times over; the activations of the largest forward pass, which is the whole training or test
// set scored at once (every node: the gates and state, about 8H values); and the trees themselves
// with the phrases the sequence baselines read (every node's span of words, as JS numbers).

import { activationBytes, adamTrainingMemory, type MemoryEstimate } from '../nn/memory_estimate.js';

/** A tree task's sizes: vocabulary, widths, outputs, the sets and their trees. */
export interface TreeTaskSize {
  vocabSize: number;
  embeddingSize: number;
  hiddenSize: number;
  /** Classes (sentiment) or 1 (a regression). */
  outputs: number;
  trainSize: number;
  testSize: number;
  /** Nodes of the largest tree, and its words (leaves, with parentheses for expressions). */
  nodesPerTree: number;
  wordsPerTree: number;
}

/** About what a tree task's run holds at its peak. */
export function treeTaskMemory(s: TreeTaskSize): MemoryEstimate {
  const { embeddingSize: E, hiddenSize: H } = s;
  const treeLstm = 5 * H * (E + 2 * H + 1), bilstm = 8 * H * (E + H + 2);
  const parameters = s.vocabSize * E + Math.max(treeLstm, bilstm) + 2 * H * s.outputs + s.outputs;
  const trees = Math.max(s.trainSize, s.testSize);
  const activations = activationBytes(trees * s.nodesPerTree * 8 * H);
  const data = (s.trainSize + s.testSize) * s.nodesPerTree * (200 + 8 * s.wordsPerTree);
  return adamTrainingMemory(parameters, activations, [['trees and phrases', data]]);
}
