// Binarisation: turns any tree into one whose inner nodes have exactly two children, the shape the
// binary recursive nets (W_l, W_r) and the binary N-ary Tree-LSTM expect. Nodes with k > 2 children
// are factored into a chain of new nodes; unary chains are collapsed into one node.

import { postOrder, type Tree } from './tree.js';

export interface BinarizeOptions {
  /**
   * 'right' (default): (X a b c) → (X a (@X b c)); 'left': (X a b c) → (X (@X a b) c).
   */
  factor?: 'right' | 'left';
  /** Label of the nodes added by factoring (default `@` + the parent's label, or null if it has none). */
  intermediateLabel?: (parent: Tree) => string | null;
  /**
   * Merge each node having a single child with that child, keeping the upper node's label when it
   * has one (the lower's otherwise) and the lower node's children or word (default true). Without
   * it, unary nodes stay and the result is binary only where nodes have two or more children.
   */
  collapseUnary?: boolean;
}

/** A new tree in which every inner node has two children (see BinarizeOptions). */
export function binarize(t: Tree, options: BinarizeOptions = {}): Tree {
  const factor = options.factor ?? 'right';
  const midLabel = options.intermediateLabel ?? ((p: Tree) => (p.label === null ? null : `@${p.label}`));
  const collapse = options.collapseUnary ?? true;
  // children before parents, so that deep trees cannot overflow the call stack
  const made = new Map<Tree, Tree>();
  const visit = (n: Tree): Tree => {
    if (n.children.length === 0) return { label: n.label, word: n.word, children: [] };
    if (n.children.length === 1 && collapse) {
      const c = made.get(n.children[0]) as Tree;
      if (n.word !== null && c.word !== null) {
        throw new Error(`binarize: cannot collapse the unary node '${n.label ?? ''}' (word '${n.word}') into a child with the word '${c.word}'`);
      }
      return { label: n.label ?? c.label, word: n.word ?? c.word, children: c.children };
    }
    const kids = n.children.map((c) => made.get(c) as Tree);
    const mid = midLabel(n);
    if (factor === 'right') {
      let acc = kids[kids.length - 1];
      for (let i = kids.length - 2; i >= 1; i--) acc = { label: mid, word: null, children: [kids[i], acc] };
      return { label: n.label, word: n.word, children: kids.length === 1 ? [kids[0]] : [kids[0], acc] };
    }
    let acc = kids[0];
    for (let i = 1; i <= kids.length - 2; i++) acc = { label: mid, word: null, children: [acc, kids[i]] };
    return { label: n.label, word: n.word, children: kids.length === 1 ? [kids[0]] : [acc, kids[kids.length - 1]] };
  };
  for (const n of postOrder(t)) made.set(n, visit(n));
  return made.get(t) as Tree;
}
