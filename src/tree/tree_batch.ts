// Many trees flattened into one table of nodes grouped by height, for level-by-level evaluation:
// every node of height k depends only on nodes of height < k, so one batched matrix product per
// height computes all of them, across all trees at once. Depth of the computation is the height of
// the tallest tree: O(log n) for balanced trees instead of the O(n) of a chain.
//
// Node ids are level-major (all leaves first, then height 1, …), so the concatenation of the
// levels' outputs is the [numNodes, H] state table indexed by node id.

import { postOrder, type Tree } from './tree.js';
import { maxOf } from '../tensor/large_arrays.js';

/** The nodes of one height, contiguous ids start … start + size − 1. */
export interface TreeLevel {
  readonly height: number;
  readonly start: number;
  readonly size: number;
  /** Largest number of children among the level's nodes (0 for the leaves). */
  readonly width: number;
  /** [size · width]: the node ids of each node's children in order, −1 padding after the last. */
  readonly children: Int32Array;
  /** [size]: each node's word id, −1 for a node without a word. */
  readonly words: Int32Array;
}

export interface TreeBatchOptions {
  /** Id of a word (an integer ≥ 0); called for every node that has a word. */
  wordId: (word: string) => number;
  /**
   * A node's target: a class index or a regression value (null: no target). Called for every node
   * with a label; default: no targets.
   */
  target?: (label: string, node: Tree) => number | null;
  /** Most children a node may have; a wider node is an error naming it (default: no limit). */
  maxChildren?: number;
}

/**
 * A batch of trees laid out for level-by-level evaluation (see TreeLevel).
 *
 * Fields: numNodes N, numTrees B; levels by height; roots [B] (node id of each tree's root);
 * targets [N] (NaN where a node has none); nodeTree [N] (which tree a node belongs to);
 * nodes [N] (the Tree node behind each id); isRoot [N].
 */
export class TreeBatch {
  readonly numNodes: number;
  readonly numTrees: number;
  readonly levels: readonly TreeLevel[];
  readonly roots: Int32Array;
  readonly targets: Float64Array;
  readonly nodeTree: Int32Array;
  readonly isRoot: Uint8Array;
  readonly nodes: readonly Tree[];

  constructor(trees: readonly Tree[], options: TreeBatchOptions) {
    if (trees.length === 0) throw new Error('TreeBatch: expected at least one tree, got none');
    const maxChildren = options.maxChildren ?? Infinity;
    // Heights and post-orders, tree by tree.
    const height = new Map<Tree, number>();
    const all: { n: Tree; tree: number }[] = [];
    trees.forEach((t, b) => {
      for (const n of postOrder(t)) {
        if (height.has(n)) throw new Error(`TreeBatch: a node appears twice (tree ${b}); trees must not share nodes`);
        if (n.children.length > maxChildren) {
          throw new Error(`TreeBatch: expected at most ${maxChildren} children per node, got ${n.children.length} at node '${n.label ?? ''}' of tree ${b} (binarize the trees first)`);
        }
        height.set(n, n.children.length === 0 ? 0 : 1 + maxOf(n.children.map((c) => height.get(c) as number)));
        all.push({ n, tree: b });
      }
    });
    // Stable sort by height: within a level, trees in order, nodes in post-order.
    const order = all.map((e, i) => i).sort((a, b) => (height.get(all[a].n) as number) - (height.get(all[b].n) as number) || a - b);
    const N = order.length;
    const id = new Map<Tree, number>();
    order.forEach((k, i) => id.set(all[k].n, i));
    this.numNodes = N;
    this.numTrees = trees.length;
    this.nodes = order.map((k) => all[k].n);
    this.nodeTree = Int32Array.from(order, (k) => all[k].tree);
    this.roots = Int32Array.from(trees, (t) => id.get(t) as number);
    this.isRoot = new Uint8Array(N);
    for (const r of this.roots) this.isRoot[r] = 1;
    this.targets = new Float64Array(N).fill(NaN);
    const levels: TreeLevel[] = [];
    let i = 0;
    while (i < N) {
      const h = height.get(this.nodes[i]) as number;
      let j = i;
      while (j < N && height.get(this.nodes[j]) === h) j++;
      const size = j - i;
      let width = 0;
      for (let k = i; k < j; k++) width = Math.max(width, this.nodes[k].children.length);
      const children = new Int32Array(size * width).fill(-1);
      const words = new Int32Array(size).fill(-1);
      for (let k = i; k < j; k++) {
        const n = this.nodes[k];
        n.children.forEach((c, s) => { children[(k - i) * width + s] = id.get(c) as number; });
        if (n.word !== null) {
          const w = options.wordId(n.word);
          if (!(Number.isInteger(w) && w >= 0)) throw new Error(`TreeBatch: expected a word id >= 0 for '${n.word}', got ${w}`);
          words[k - i] = w;
        }
        if (n.label !== null && options.target) {
          const t = options.target(n.label, n);
          if (t !== null) {
            if (!Number.isFinite(t)) throw new Error(`TreeBatch: expected a finite target for label '${n.label}', got ${t}`);
            this.targets[k] = t;
          }
        }
      }
      levels.push({ height: h, start: i, size, width, children, words });
      i = j;
    }
    this.levels = levels;
  }

  /** The children ids of a level padded (with −1) to exactly K slots per node: [size · K]. */
  childSlots(level: TreeLevel, K: number): Int32Array {
    if (level.width > K) {
      throw new Error(`expected at most ${K} children per node, got ${level.width} at height ${level.height} (binarize the trees first)`);
    }
    if (level.width === K) return level.children;
    const out = new Int32Array(level.size * K).fill(-1);
    for (let n = 0; n < level.size; n++) {
      for (let s = 0; s < level.width; s++) out[n * K + s] = level.children[n * level.width + s];
    }
    return out;
  }
}
