// Generator of the expr-trees task: arithmetic expressions over small integers with +, − and ×,
// as binary trees whose inner nodes carry their operator as their word and every node is labelled
// with its value, and the same expressions flattened to fully parenthesised token sequences
// ("( 3 + ( 4 × 2 ) )") for the sequential baseline.

import type { Rng } from '../tensor/random.js';
import { leaf, node, postOrder, type Tree } from '../tree/tree.js';

export const EXPR_OPERATORS = ['+', '−', '×'] as const;
/** Tokens of flattened expressions and node words: digits, operators, parentheses. */
export const EXPR_VOCAB: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ...EXPR_OPERATORS, '(', ')'];

/** a op b for one of the task's operators. */
export function applyOperator(op: string, a: number, b: number): number {
  if (op === '+') return a + b;
  if (op === '−') return a - b;
  if (op === '×') return a * b;
  throw new Error(`expected one of + − ×, got '${op}'`);
}

/** The value of every node, children first, as a new tree labelled with those values. */
export function labelExprTree(t: Tree): Tree {
  const value = new Map<Tree, number>();
  for (const n of postOrder(t)) {
    if (n.children.length === 0) {
      const v = Number(n.word);
      if (n.word === null || !/^\d+$/.test(n.word)) throw new Error(`labelExprTree: expected an integer at a leaf, got '${n.word}'`);
      value.set(n, v);
    } else {
      if (n.children.length !== 2) throw new Error(`labelExprTree: expected two operands, got ${n.children.length}`);
      value.set(n, applyOperator(n.word ?? '', value.get(n.children[0]) as number, value.get(n.children[1]) as number));
    }
  }
  const relabel = (n: Tree): Tree => ({ label: String(value.get(n)), word: n.word, children: n.children.map(relabel) });
  return relabel(t);
}

/** Tokens of the fully parenthesised form: a digit, or ( left op right ). */
export function flattenExpr(t: Tree): string[] {
  if (t.children.length === 0) return [t.word as string];
  return ['(', ...flattenExpr(t.children[0]), t.word as string, ...flattenExpr(t.children[1]), ')'];
}

export interface ExprOptions {
  /** Largest number of nested operators, root to leaf (default 3). */
  maxDepth?: number;
  /** Operands are the integers 0 … maxInt (default 9, at most 9). */
  maxInt?: number;
  /** Redraw expressions in which any sub-expression's |value| exceeds this (default 100). */
  maxAbs?: number;
  /** Probability that an operand below the root is a number rather than an expression (default 0.3). */
  leafProb?: number;
}

/**
 * The deepest expressions drawn: a tree of depth d has up to 2^d numbers, and past about 10 nested
 * operators nearly every draw holds a sub-expression beyond ±maxAbs and is redrawn, so deeper
 * settings only spin (and depth 10^9 overflowed the stack).
 */
export const MAX_EXPR_DEPTH = 10;

/** One labelled expression tree with at least one operator and at most maxDepth nested ones. */
export function exprTree(rng: Rng, options: ExprOptions = {}): Tree {
  const maxDepth = options.maxDepth ?? 3, maxInt = options.maxInt ?? 9, maxAbs = options.maxAbs ?? 100, p = options.leafProb ?? 0.3;
  if (!(Number.isInteger(maxDepth) && maxDepth >= 1 && maxDepth <= MAX_EXPR_DEPTH)) throw new Error(`expected maxDepth in [1, ${MAX_EXPR_DEPTH}], got ${maxDepth}`);
  if (!(Number.isInteger(maxInt) && maxInt >= 1 && maxInt <= 9)) throw new Error(`expected maxInt in [1, 9], got ${maxInt}`);
  const build = (depth: number): Tree => {
    if (depth === maxDepth || (depth > 0 && rng.random() < p)) return leaf(String(rng.int(maxInt + 1)));
    return node(null, [build(depth + 1), build(depth + 1)], EXPR_OPERATORS[rng.int(3)]);
  };
  for (let tries = 0; tries < 10000; tries++) {
    const t = labelExprTree(build(0));
    if (postOrder(t).every((n) => Math.abs(Number(n.label)) <= maxAbs)) return t;
  }
  throw new Error(`exprTree: found no expression with values within ±${maxAbs} in 10000 draws`);
}

/** n distinct expressions (by their flattened form), none of them in `exclude`. */
export function exprSet(rng: Rng, n: number, options: ExprOptions = {}, exclude: ReadonlySet<string> = new Set()): Tree[] {
  const seen = new Set<string>();
  const out: Tree[] = [];
  for (let tries = 0; out.length < n; tries++) {
    if (tries > 50 * n + 1000) throw new Error(`exprSet: could not draw ${n} distinct expressions`);
    const t = exprTree(rng, options);
    const key = flattenExpr(t).join(' ');
    if (seen.has(key) || exclude.has(key)) continue;
    seen.add(key);
    out.push(t);
  }
  return out;
}
