// Parser for bracketed trees: Penn-Treebank style `(S (NP (D the) (N cat)) (VP sat))` and the
// binarised Stanford Sentiment Treebank form `(3 (2 I) (4 (2 am) (4 happy)))`, where the tag is the
// node's label. Errors name the line, column and offset, what was expected and what came.
//
// Grammar (whitespace separates tokens; a word is any run of characters other than space and
// parentheses):
//   tree  := word | '(' label? tree+ ')'
//   label := word          (a word directly after '(' is the label; '(' directly after '(' means none)
// `(label word)` with exactly one bare word is a labelled leaf; `(label a b)` is an inner node whose
// children are the unlabelled leaves a and b.

import { leaf, node, type Tree } from './tree.js';

interface Token { kind: '(' | ')' | 'word'; text: string; offset: number }

/** Where an offset lies, as `line L, column C (offset O)`, 1-based line and column. */
function where(text: string, offset: number): string {
  let line = 1, col = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') { line++; col = 1; } else col++;
  }
  return `line ${line}, column ${col} (offset ${offset})`;
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '(' || ch === ')') { out.push({ kind: ch, text: ch, offset: i }); i++; continue; }
    if (/\s/.test(ch)) { i++; continue; }
    const start = i;
    while (i < text.length && !/[\s()]/.test(text[i])) i++;
    out.push({ kind: 'word', text: text.slice(start, i), offset: start });
  }
  return out;
}

function describe(t: Token | undefined): string {
  if (t === undefined) return 'end of input';
  return t.kind === 'word' ? `the word '${t.text}'` : `'${t.text}'`;
}

/** An open '(' whose children are being collected. */
interface Frame { label: string | null; open: Token; items: (Tree | { bare: string })[] }

function finish(f: Frame, text: string, close: Token): Tree {
  if (f.items.length === 0) {
    const after = f.label === null ? "'('" : `the label '${f.label}'`;
    throw new Error(`expected a word or '(' after ${after} at ${where(text, close.offset)}, got ')'`);
  }
  if (f.items.length === 1 && 'bare' in f.items[0]) return leaf(f.items[0].bare, f.label);
  return node(f.label, f.items.map((it) => ('bare' in it ? leaf(it.bare) : it)));
}

/**
 * Parses every tree in `text` (trees follow one another, separated by any whitespace, one per line
 * in treebank files). Throws on malformed input, naming the position and what was expected.
 */
export function parseTrees(text: string): Tree[] {
  const tokens = tokenize(text);
  const trees: Tree[] = [];
  const stack: Frame[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.kind === '(') {
      const next = tokens[k + 1];
      if (next === undefined) throw new Error(`expected a label, a word or '(' after '(' at ${where(text, t.offset)}, got end of input`);
      if (next.kind === ')') throw new Error(`expected a label, a word or '(' after '(' at ${where(text, t.offset)}, got ')' (an empty tree)`);
      if (next.kind === 'word') { stack.push({ label: next.text, open: t, items: [] }); k++; }
      else stack.push({ label: null, open: t, items: [] });
    } else if (t.kind === ')') {
      const f = stack.pop();
      if (f === undefined) throw new Error(`unexpected ')' at ${where(text, t.offset)}: no '(' is open`);
      const tree = finish(f, text, t);
      if (stack.length > 0) stack[stack.length - 1].items.push(tree);
      else trees.push(tree);
    } else if (stack.length > 0) {
      stack[stack.length - 1].items.push({ bare: t.text });
    } else {
      trees.push(leaf(t.text));
    }
  }
  if (stack.length > 0) {
    const open = stack[stack.length - 1].open;
    throw new Error(`expected ')' to close the '(' at ${where(text, open.offset)}, got end of input (${stack.length} bracket${stack.length === 1 ? '' : 's'} open)`);
  }
  return trees;
}

/** Parses exactly one tree; more or none is an error. */
export function parseTree(text: string): Tree {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new Error('expected a bracketed tree, got empty input');
  const trees = parseTrees(text);
  if (trees.length !== 1) {
    // Find where the second tree starts, to point at it.
    let depth = 0, second: Token | undefined;
    for (const t of tokens) {
      if (depth === 0 && t !== tokens[0]) { second = t; break; }
      if (t.kind === '(') depth++;
      else if (t.kind === ')') depth--;
    }
    const at = second ? ` (the second starts with ${describe(second)} at ${where(text, second.offset)})` : '';
    throw new Error(`expected one tree, got ${trees.length}${at}`);
  }
  return trees[0];
}
