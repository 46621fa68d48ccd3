// Generator of the expr-parse task: infix arithmetic strings such as "(3 + 4) * 2 - 5" over single
// digits and + − * /, and the expression trees they mean under the usual rules (* and / bind
// tighter than + and −; operators of one precedence associate to the left). A tree is drawn with an
// exact number of operators (the task's length), printed with the fewest brackets that keep its
// shape, and the target is what a precedence parser makes of that string. Trees are bracketed Trees
// of ../tree/tree.ts with the operator as an inner node's label: (- (* (+ 3 4) 2) 5).
//
// (expr_trees_data.ts draws expressions by nesting depth, writes them fully parenthesised and keeps
// values on the nodes; here the length must be exact and the brackets minimal, so the shapes are
// drawn by operator count instead.)

import type { Rng } from '../tensor/random.js';
import { leaf, node, type Tree } from '../tree/tree.js';
import { shortJson } from '../tensor/describe_value.js';

export const INFIX_OPERATORS = ['+', '-', '*', '/'] as const;
const PRECEDENCE: Readonly<Record<string, number>> = { '+': 1, '-': 1, '*': 2, '/': 2 };

/** The characters of a source string, spaces aside. */
export const INFIX_CHARS = '0123456789+-*/()';

/** Most operators in one expression: the parser and printer recurse once per bracket level. */
export const MAX_INFIX_OPERATORS = 64;

/** A random expression tree with exactly `operators` operators (≥ 1): shapes split at random, digits and operators uniform. */
export function randomInfixTree(rng: Rng, operators: number): Tree {
  if (!(Number.isInteger(operators) && operators >= 1 && operators <= MAX_INFIX_OPERATORS)) {
    throw new Error(`expected a number of operators in [1, ${MAX_INFIX_OPERATORS}], got ${operators}`);
  }
  const build = (n: number): Tree => {
    if (n === 0) return leaf(String(rng.int(10)));
    const left = rng.int(n);
    return node(INFIX_OPERATORS[rng.int(INFIX_OPERATORS.length)], [build(left), build(n - 1 - left)]);
  };
  return build(operators);
}

/** Operators in a tree (its inner nodes). */
export function operatorCount(t: Tree): number {
  return t.children.length === 0 ? 0 : 1 + operatorCount(t.children[0]) + operatorCount(t.children[1]);
}

/**
 * The infix string of a tree with the fewest brackets that keep its shape: a left operand in brackets
 * when it binds more loosely than its operator, a right operand when it binds as loosely or more so.
 */
export function infixOf(t: Tree): string {
  if (t.children.length === 0) return t.word as string;
  const op = t.label as string, p = PRECEDENCE[op];
  if (p === undefined || t.children.length !== 2) throw new Error(`infixOf: expected a binary node with one of + - * /, got ${shortJson(op)} with ${t.children.length} operands`);
  const side = (c: Tree, right: boolean): string => {
    const s = infixOf(c);
    const q = c.children.length === 0 ? Infinity : PRECEDENCE[c.label as string];
    return q < p || (right && q === p) ? `(${s})` : s;
  };
  return `${side(t.children[0], false)} ${op} ${side(t.children[1], true)}`;
}

/**
 * The tree of an infix string (precedence climbing): digits, + − * /, brackets, spaces anywhere.
 * Throws naming the position and what was expected.
 */
export function parseInfix(text: string): Tree {
  const tokens = [...text].map((ch, at) => ({ ch, at })).filter((x) => x.ch !== ' ');
  let i = 0, depth = 0;
  const fail = (what: string): never => {
    const got = i < tokens.length ? `'${tokens[i].ch}' at column ${tokens[i].at + 1}` : 'the end';
    throw new Error(`expected ${what} in ${shortJson(text)}, got ${got}`);
  };
  const operand = (): Tree => {
    const tok = tokens[i];
    if (tok !== undefined && /^\d$/.test(tok.ch)) { i++; return leaf(tok.ch); }
    if (tok?.ch !== '(') return fail('a digit or \'(\'');
    if (++depth > MAX_INFIX_OPERATORS) return fail(`at most ${MAX_INFIX_OPERATORS} nested brackets`);
    i++;
    const inner = expression(1);
    if (tokens[i]?.ch !== ')') return fail('\')\'');
    i++;
    depth--;
    return inner;
  };
  const expression = (min: number): Tree => {
    let left = operand();
    for (;;) {
      const op = tokens[i]?.ch;
      const p = op === undefined ? undefined : PRECEDENCE[op];
      if (p === undefined || p < min) return left;
      i++;
      left = node(op as string, [left, expression(p + 1)]);
    }
  };
  const t = expression(1);
  if (i < tokens.length) fail('an operator or the end');
  return t;
}

/** n distinct strings with `operators` operators each, none in `exclude`; gives up after many repeats. */
export function infixSet(rng: Rng, n: number, operators: number, exclude: ReadonlySet<string> = new Set()): string[] {
  const out = new Set<string>();
  for (let tries = 0; out.size < n; tries++) {
    if (tries > 50 * n + 1000) throw new Error(`infixSet: could not draw ${n} distinct expressions of ${operators} operators`);
    const s = infixOf(randomInfixTree(rng, operators));
    if (!exclude.has(s)) out.add(s);
  }
  return [...out];
}
