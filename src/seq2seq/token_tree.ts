// Trees as a tree decoder writes them (Dong & Lapata 2016, seq2tree): every inner node is one token
// sequence, its label then its children, where a child that is itself an inner node stands as the
// non-terminal token <n> and is written out in a sequence of its own. `(- (* (+ 3 4) 2) 5)` is the
// three sequences `- <n> 5`, `* <n> 2`, `+ 3 4`. Conversions to and from the bracketed Tree of
// ../tree/tree.ts, and the flat breadth-first token stream that sequence decoders (greedy, beam
// search) produce: the nodes' sequences one after another, each closed by a node-end token.

import { leaf, node, type Tree } from '../tree/tree.js';
import { shortJson } from '../tensor/describe_value.js';

/**
 * One inner node: its tokens (label first, then the children; <n> for an inner child), and the
 * inner children in the order of their <n> tokens.
 */
export interface TokenTree {
  readonly tokens: readonly number[];
  readonly children: readonly TokenTree[];
}

/**
 * The token tree of `t` (an inner node): tokens = [id(label)] (when labelled) followed by, per child,
 * id(word) for an unlabelled leaf and `nonTerminal` for an inner node. Labelled leaves and inner
 * nodes with a word of their own have no token form and throw.
 */
export function tokenTreeOf(t: Tree, id: (symbol: string) => number, nonTerminal: number): TokenTree {
  if (t.children.length === 0) throw new Error(`tokenTreeOf: expected an inner node at the root, got the leaf ${shortJson(t.word)}`);
  if (t.word !== null) throw new Error(`tokenTreeOf: an inner node with a word of its own (${shortJson(t.word)}) has no token form`);
  const tokens: number[] = t.label === null ? [] : [id(t.label)];
  const children: TokenTree[] = [];
  for (const c of t.children) {
    if (c.children.length > 0) {
      tokens.push(nonTerminal);
      children.push(tokenTreeOf(c, id, nonTerminal));
    } else {
      if (c.label !== null || c.word === null) throw new Error(`tokenTreeOf: expected unlabelled leaves with a word, got label ${shortJson(c.label)} and word ${shortJson(c.word)}`);
      tokens.push(id(c.word));
    }
  }
  return { tokens, children };
}

/**
 * The bracketed Tree of a token tree: the first token is the label unless it is <n> (then none),
 * the others are leaves or, for <n>, the next inner child. Null when it has no such form: a node
 * without tokens or without children after its label, or a count of <n> different from its children.
 */
export function treeOfTokens(tt: TokenTree, symbol: (id: number) => string, nonTerminal: number): Tree | null {
  if (tt.tokens.filter((v) => v === nonTerminal).length !== tt.children.length) return null;
  const [first, ...rest] = tt.tokens;
  if (first === undefined) return null;
  const label = first === nonTerminal ? null : symbol(first);
  const items = first === nonTerminal ? tt.tokens : rest;
  if (items.length === 0) return null;
  let k = 0;
  const children: Tree[] = [];
  for (const v of items) {
    if (v !== nonTerminal) { children.push(leaf(symbol(v))); continue; }
    const sub = treeOfTokens(tt.children[k++], symbol, nonTerminal);
    if (sub === null) return null;
    children.push(sub);
  }
  // `(a b)` with one bare word reads back as a labelled leaf, not as this node.
  if (label !== null && children.length === 1 && children[0].children.length === 0) return null;
  return node(label, children);
}

/** The nodes breadth-first: the root, then the children of each node in <n> order, level by level. */
export function breadthFirst(tt: TokenTree): TokenTree[] {
  const out = [tt];
  for (let i = 0; i < out.length; i++) out.push(...out[i].children);
  return out;
}

/** The stream a sequence decoder writes: the breadth-first nodes' tokens, each node but the last followed by `nodeEnd`. */
export function tokenStream(tt: TokenTree, nodeEnd: number): number[] {
  return breadthFirst(tt).flatMap((n, i, all) => (i < all.length - 1 ? [...n.tokens, nodeEnd] : [...n.tokens]));
}

/**
 * The token tree of a breadth-first stream (tokenStream's inverse): sequences split at `nodeEnd`,
 * the i-th <n> in stream order expanded by sequence i + 1. Null when the stream is not one whole
 * tree (a sequence too many, or a <n> left without one).
 */
export function tokenTreeFromStream(stream: readonly number[], nonTerminal: number, nodeEnd: number): TokenTree | null {
  const seqs: number[][] = [[]];
  for (const v of stream) {
    if (v === nodeEnd) seqs.push([]);
    else seqs[seqs.length - 1].push(v);
  }
  const nts = seqs.reduce((a, s) => a + s.filter((v) => v === nonTerminal).length, 0);
  if (nts !== seqs.length - 1) return null;
  // Build bottom-up: the children of sequence i are the next unclaimed sequences, in order.
  const made: TokenTree[] = new Array(seqs.length);
  const firstChild: number[] = [];
  let next = 1;
  for (const s of seqs) { firstChild.push(next); next += s.filter((v) => v === nonTerminal).length; }
  for (let i = seqs.length - 1; i >= 0; i--) {
    const n = seqs[i].filter((v) => v === nonTerminal).length;
    made[i] = { tokens: seqs[i], children: made.slice(firstChild[i], firstChild[i] + n) };
  }
  return made[0];
}
