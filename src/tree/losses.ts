// Losses on tree nets' outputs: node-level (every node with a target counts, as the Stanford
// Sentiment Treebank's phrase labels are used) or root-level (one target per tree), for
// classification (softmax cross-entropy) and regression (squared error).

import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { softmaxCrossEntropy } from '../autograd/ops/cross_entropy.js';
import { mul, sub } from '../autograd/ops/elementwise.js';
import { sum } from '../autograd/ops/reduce.js';
import { reshape } from '../autograd/ops/shape_ops.js';
import { tensor } from '../tensor/tensor.js';
import type { TreeBatch } from './tree_batch.js';

/** Which nodes a loss or metric counts: every node with a target, or the roots only. */
export type TreeNodes = 'all' | 'root';

/** Weight per node: 1 where the node counts and has a target, else 0. */
export function nodeMask(batch: TreeBatch, nodes: TreeNodes): Float64Array {
  const m = new Float64Array(batch.numNodes);
  for (let i = 0; i < batch.numNodes; i++) {
    if (!Number.isNaN(batch.targets[i]) && (nodes === 'all' || batch.isRoot[i])) m[i] = 1;
  }
  return m;
}

function counted(batch: TreeBatch, nodes: TreeNodes): Float64Array {
  const m = nodeMask(batch, nodes);
  if (!m.some((v) => v > 0)) throw new Error(`expected ${nodes === 'root' ? 'a root' : 'a node'} with a target in the batch, got none`);
  return m;
}

/**
 * L = −(1/|S|) Σ_{j∈S} log softmax(z_j)[y_j], S the counted nodes with targets.
 *
 * Inputs: logits [numNodes, C] in the batch's node order; the batch's targets are class indices.
 * Outputs: a scalar.
 */
export function treeCrossEntropy(logits: Tensor, batch: TreeBatch, nodes: TreeNodes = 'all'): Tensor {
  if (logits.rank !== 2 || logits.shape[0] !== batch.numNodes) {
    throw new Error(`treeCrossEntropy: expected logits of shape [${batch.numNodes}, C], got ${formatShape(logits.shape)}`);
  }
  const m = counted(batch, nodes);
  const C = logits.shape[1];
  const y = new Int32Array(batch.numNodes);
  for (let i = 0; i < y.length; i++) {
    if (m[i] === 0) continue;
    const t = batch.targets[i];
    if (!(Number.isInteger(t) && t >= 0 && t < C)) throw new Error(`treeCrossEntropy: expected class targets in [0, ${C}), got ${t} at node ${i}`);
    y[i] = t;
  }
  return softmaxCrossEntropy(logits, y, m, 'mean');
}

/**
 * L = (1/|S|) Σ_{j∈S} (ŷ_j − y_j)², S the counted nodes with targets.
 *
 * Inputs: predictions [numNodes] or [numNodes, 1] in the batch's node order. Outputs: a scalar.
 */
export function treeMse(pred: Tensor, batch: TreeBatch, nodes: TreeNodes = 'all'): Tensor {
  if (pred.size !== batch.numNodes || pred.shape[0] !== batch.numNodes) {
    throw new Error(`treeMse: expected predictions of shape [${batch.numNodes}], got ${formatShape(pred.shape)}`);
  }
  const m = counted(batch, nodes);
  const y = new Float64Array(batch.numNodes);
  let count = 0;
  for (let i = 0; i < y.length; i++) if (m[i] > 0) { y[i] = batch.targets[i]; count++; }
  // weights 1/|S| on the counted nodes (fixed after the loop), 0 elsewhere
  for (let i = 0; i < y.length; i++) if (m[i] > 0) m[i] = 1 / count;
  const d = sub(reshape(pred, [batch.numNodes]), tensor(y, [batch.numNodes], { dtype: pred.dtype }));
  return sum(mul(mul(d, d), tensor(m, [batch.numNodes], { dtype: pred.dtype })));
}

/** Correct argmax predictions and the number counted, over the nodes chosen. */
export function treeAccuracy(logits: Tensor, batch: TreeBatch, nodes: TreeNodes = 'all'): { correct: number; total: number } {
  const m = nodeMask(batch, nodes);
  const C = logits.shape[1];
  let correct = 0, total = 0;
  for (let i = 0; i < batch.numNodes; i++) {
    if (m[i] === 0) continue;
    let best = 0;
    for (let k = 1; k < C; k++) if (logits.data[i * C + k] > logits.data[i * C + best]) best = k;
    if (best === batch.targets[i]) correct++;
    total++;
  }
  return { correct, total };
}
