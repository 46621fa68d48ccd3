// Trees whose every node may carry a label (a constituent tag, a sentiment class, an operator) and
// whose leaves carry words. A node may also carry a word while having children (the head word of a
// dependency tree, the operator of an expression tree), which is what the recursive nets read as
// the node's own input x_j.

import { maxOf } from '../tensor/large_arrays.js';

/**
 * One node of a tree. A leaf has no children and (usually) a word; an inner node has children and
 * may have a word of its own. `label` is the node's tag or target (null: none).
 */
export interface Tree {
  readonly label: string | null;
  readonly word: string | null;
  readonly children: readonly Tree[];
}

/** A leaf: `(label word)` in bracketed form, or the bare word when it has no label. */
export function leaf(word: string, label: string | null = null): Tree {
  return { label, word, children: [] };
}

/** An inner node `(label child …)`. `word` is the node's own input, if any (default none). */
export function node(label: string | null, children: readonly Tree[], word: string | null = null): Tree {
  if (children.length === 0) throw new Error(`node: expected at least one child for node '${label ?? ''}', got none (use leaf() for a word)`);
  return { label, word, children };
}

/** True for a node without children. */
export function isLeaf(t: Tree): boolean {
  return t.children.length === 0;
}

/** The nodes in post-order (children before their parent, left to right); the root is last. */
export function postOrder(t: Tree): Tree[] {
  const out: Tree[] = [];
  // Iterative, so a long chain (a left-branching sentence of thousands of words) cannot overflow the stack.
  const stack: [Tree, number][] = [[t, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top[1] < top[0].children.length) stack.push([top[0].children[top[1]++], 0]);
    else { out.push(top[0]); stack.pop(); }
  }
  return out;
}

/** The words of the leaves, left to right (a tree's sentence). Words on inner nodes are not included. */
export function leafWords(t: Tree): string[] {
  return postOrder(t).filter((n) => isLeaf(n) && n.word !== null).map((n) => n.word as string);
}

/**
 * Every node's words in reading order: a node's own word comes after its first child's span (an
 * operator between its operands; a head after its first dependent), which for leaves-only trees is
 * the plain sentence.
 */
export function inorderWords(t: Tree): string[] {
  const out: string[] = [];
  // [node, next child]; the node's own word goes out once its first child is done
  const stack: [Tree, number][] = [[t, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [n, i] = top;
    if (n.children.length === 0) { if (n.word !== null) out.push(n.word); stack.pop(); continue; }
    if (i === 1 && n.word !== null) out.push(n.word);
    if (i < n.children.length) { top[1]++; stack.push([n.children[i], 0]); } else stack.pop();
  }
  return out;
}

/** Number of nodes. */
export function treeSize(t: Tree): number {
  return postOrder(t).length;
}

/** Height: 0 for a leaf, 1 + the tallest child otherwise. */
export function treeHeight(t: Tree): number {
  const h = new Map<Tree, number>();
  for (const n of postOrder(t)) h.set(n, n.children.length === 0 ? 0 : 1 + maxOf(n.children.map((c) => h.get(c) as number)));
  return h.get(t) as number;
}

/** The same shape with every label replaced by f(node) (children first). */
export function mapLabels(t: Tree, f: (n: Tree) => string | null): Tree {
  const made = new Map<Tree, Tree>();
  for (const n of postOrder(t)) made.set(n, { label: f(n), word: n.word, children: n.children.map((c) => made.get(c) as Tree) });
  return made.get(t) as Tree;
}
