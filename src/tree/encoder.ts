// What the tree encoders share: word embeddings for the nodes that have words, the level-by-level
// forward over a TreeBatch (gather every child's state from the lower levels, one batched step for
// the whole level, the level's outputs appended to the state table), and the plain one-tree-at-a-
// time recursion over the same parameters, kept as the reference the batched path must equal.

import { Tensor } from '../tensor/tensor.js';
import { add } from '../autograd/ops/elementwise.js';
import { linear } from '../autograd/ops/matmul.js';
import { broadcastTo, concat, reshape } from '../autograd/ops/shape_ops.js';
import { embedding, indices } from '../autograd/ops/gather.js';
import { selectStackedRows } from '../autograd/ops/stacked_rows.js';
import { Module } from '../nn/module.js';
import { Embedding } from '../nn/layers/embedding.js';
import { uniformInit, type InitOptions } from '../nn/init.js';
import { postOrder, type Tree } from './tree.js';
import type { TreeBatch } from './tree_batch.js';

/** A node's state: h [n, H], and the memory cell c [n, H] for the Tree-LSTMs (null otherwise). */
export interface NodeState {
  readonly h: Tensor;
  readonly c: Tensor | null;
}

/** Every node's state, rows indexed by node id: h [numNodes, H], c [numNodes, H] or null. */
export type TreeStates = NodeState;

/** The gathered states of a level's children: h and c [n, K, H], zero rows for missing children. */
export interface ChildStates {
  readonly h: Tensor;
  readonly c: Tensor | null;
}

export interface TreeEncoderConfig {
  /** Number of word ids V. */
  vocabSize: number;
  /** Word embedding size E (the node input x_j). */
  inputSize: number;
  /** State size H. */
  hiddenSize: number;
}

function checkSize(name: string, v: number): void {
  if (!(Number.isInteger(v) && v > 0)) throw new Error(`expected ${name} to be a positive integer, got ${v}`);
}

/**
 * The base of the tree encoders. Parameters: `embedding.weight` [V, E] (N(0, 1), as nn.Embedding)
 * and each encoder's own weights, U(−1/√H, 1/√H) as PyTorch's recurrent cells.
 *
 * Node inputs: x_j = embedding of node j's word, or 0 when the node has none (inner nodes of a
 * constituency tree); children states missing from a slot are 0, which is what makes padding exact.
 */
export abstract class TreeEncoder extends Module {
  readonly vocabSize: number;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly embedding: Embedding;
  /** Child slots per node: N for the positional encoders, null when children are summed (any number). */
  abstract readonly arity: number | null;
  /** Whether nodes carry a memory cell c besides h. */
  abstract readonly hasCell: boolean;
  protected readonly init: InitOptions;

  protected constructor(config: TreeEncoderConfig, init: InitOptions) {
    super();
    checkSize('vocabSize', config.vocabSize);
    checkSize('inputSize', config.inputSize);
    checkSize('hiddenSize', config.hiddenSize);
    this.vocabSize = config.vocabSize;
    this.inputSize = config.inputSize;
    this.hiddenSize = config.hiddenSize;
    this.init = init;
    this.embedding = this.registerModule('embedding', new Embedding({ numEmbeddings: config.vocabSize, embeddingDim: config.inputSize }, init));
  }

  /** The sizes every tree encoder has (for the subclasses' getConfig). */
  protected encoderConfig(): TreeEncoderConfig {
    return { vocabSize: this.vocabSize, inputSize: this.inputSize, hiddenSize: this.hiddenSize };
  }

  /** A new U(−1/√H, 1/√H) parameter registered under `name`. */
  protected weight(name: string, shape: number[]): Tensor {
    return this.registerParameter(name, uniformInit(shape, 1 / Math.sqrt(this.hiddenSize), this.init));
  }

  /**
   * One level, batched: x [n, E] (null: no node of the level has a word), kids (null for leaves)
   * with h, c [n, K, H], K = arity or the level's widest node. Returns the level's states [n, H].
   */
  protected abstract levelStep(x: Tensor | null, n: number, kids: ChildStates | null): NodeState;

  /**
   * One node, unbatched and written plainly: x [1, E] or null, its children's states in order
   * (each [1, H]). The reference the level-batched path is tested against.
   */
  abstract nodeStep(x: Tensor | null, children: readonly NodeState[]): NodeState;

  /**
   * Every node of every tree in the batch, level by level (one batched step per height).
   *
   * Inputs: a TreeBatch. Outputs: h [numNodes, H] (and c [numNodes, H] for the Tree-LSTMs), rows
   * in the batch's node order; the roots are the rows batch.roots.
   */
  forward(batch: TreeBatch): TreeStates {
    const H = this.hiddenSize, V = this.vocabSize;
    const hs: Tensor[] = [], cs: Tensor[] = [];
    for (const level of batch.levels) {
      const n = level.size;
      let anyWord = false;
      for (let k = 0; k < n; k++) {
        const w = level.words[k];
        if (w >= V) throw new Error(`expected word ids in [0, ${V}), got ${w} at node ${level.start + k}`);
        if (w >= 0) anyWord = true;
      }
      const x = anyWord ? selectStackedRows([this.embedding.weight], level.words) : null; // [n, E]
      let kids: ChildStates | null = null;
      if (level.width > 0) {
        const K = this.arity ?? level.width;
        const slots = batch.childSlots(level, K); // [n·K] node ids, −1 padding
        kids = {
          h: reshape(selectStackedRows(hs, slots), [n, K, H]),
          c: this.hasCell ? reshape(selectStackedRows(cs, slots), [n, K, H]) : null,
        };
      }
      const s = this.levelStep(x, n, kids);
      hs.push(s.h);
      if (s.c) cs.push(s.c);
    }
    return { h: concat(hs, 0), c: this.hasCell ? concat(cs, 0) : null };
  }

  /**
   * One tree by plain recursion (children before parents), node by node with nodeStep.
   * Returns the nodes in post-order and their states h (and c) [numNodes, H] in that order.
   */
  encodeTree(tree: Tree, wordId: (word: string) => number): { nodes: Tree[]; states: TreeStates } {
    const nodes = postOrder(tree);
    const state = new Map<Tree, NodeState>();
    for (const n of nodes) {
      const x = n.word === null ? null : embedding(this.embedding.weight, indices([wordId(n.word)], [1]));
      if (this.arity !== null && n.children.length > this.arity) {
        throw new Error(`expected at most ${this.arity} children per node, got ${n.children.length} (binarize the trees first)`);
      }
      state.set(n, this.nodeStep(x, n.children.map((c) => state.get(c) as NodeState)));
    }
    const h = concat(nodes.map((n) => (state.get(n) as NodeState).h), 0);
    const c = this.hasCell ? concat(nodes.map((n) => (state.get(n) as NodeState).c as Tensor), 0) : null;
    return { nodes, states: { h, c } };
  }
}

/**
 * pre = x·W_xᵀ + hin·W_hᵀ + b over rows, [n, G], leaving out the terms that are absent (a level
 * without words, a leaf level without children): absent inputs are zeros, so dropping the term is exact.
 */
export function affine(x: Tensor | null, wx: Tensor, hin: Tensor | null, wh: Tensor, b: Tensor, n: number): Tensor {
  let out: Tensor | null = hin ? linear(hin, wh, b) : null;
  if (x) out = out ? add(out, linear(x, wx)) : linear(x, wx, b);
  return out ?? broadcastTo(reshape(b, [1, b.shape[0]]), [n, b.shape[0]]);
}

/** Σ over a list of same-shaped tensors (first + second + …). */
export function sumAll(ts: readonly Tensor[]): Tensor {
  return ts.reduce((a, t) => add(a, t));
}
