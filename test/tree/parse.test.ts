// The bracketed-tree parser and printer: known trees parse to the expected structure, printing
// round-trips (text → tree → text and tree → text → tree), malformed input gets an error naming
// the line, column and what was expected; binarisation gives the factored shapes written out here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import {
  binarize, inorderWords, leaf, leafWords, mapLabels, node, parseTree, parseTrees, postOrder, treeHeight, treeSize, treeToString, type Tree,
} from '../../src/tree/index.js';
import { randomTree } from './helpers.js';

test('parses a Penn-style tree into labelled nodes and labelled leaves', () => {
  const t = parseTree('(S (NP (D the) (N cat)) (VP sat))');
  assert.deepEqual(t, node('S', [node('NP', [leaf('the', 'D'), leaf('cat', 'N')]), leaf('sat', 'VP')]));
  assert.deepEqual(leafWords(t), ['the', 'cat', 'sat']);
  assert.equal(treeSize(t), 5);
  assert.equal(treeHeight(t), 2);
});

test('parses the binarised sentiment-treebank form with a label at every node', () => {
  const t = parseTree('(3 (2 I) (4 (2 am) (4 happy)))');
  assert.deepEqual(postOrder(t).map((n) => n.label), ['2', '2', '4', '4', '3']);
  assert.deepEqual(leafWords(t), ['I', 'am', 'happy']);
});

test('bare words, unlabelled nodes and several trees per text', () => {
  assert.deepEqual(parseTree('(NP the big cat)'), node('NP', [leaf('the'), leaf('big'), leaf('cat')]));
  assert.deepEqual(parseTree('( (S (A a) b))'), node(null, [node('S', [leaf('a', 'A'), leaf('b')])]));
  assert.deepEqual(parseTree('  word '), leaf('word'));
  const many = parseTrees('(1 (0 a) (1 b))\n(2 c)\n\n(0 (1 d) (0 e))\n');
  assert.equal(many.length, 3);
  assert.deepEqual(many.map(leafWords), [['a', 'b'], ['c'], ['d', 'e']]);
});

test('text → tree → text is the identity on canonical text', () => {
  for (const s of [
    '(S (NP (D the) (N cat)) (VP sat))', '(3 (2 I) (4 (2 am) (4 happy)))', '(NP the big cat)', '((S (A a) b))', 'word',
    '(X (Y (Z z)) (-LRB- -LRB-) q)',
  ]) {
    assert.equal(treeToString(parseTree(s)), s);
  }
  assert.equal(treeToString(parseTree('(S\n\t(NP  (D the)\n (N cat))   (VP sat) )')), '(S (NP (D the) (N cat)) (VP sat))');
});

test('tree → text → tree is the identity on random trees', () => {
  const rng = new Rng(7);
  for (let k = 0; k < 50; k++) {
    const t = randomTree(rng, 1 + rng.int(12), { maxChildren: 4, allowUnary: true });
    assert.deepEqual(parseTree(treeToString(t)), t);
  }
});

test('a 20000-deep chain parses and prints without overflowing the stack', () => {
  const depth = 20000;
  const text = '(A '.repeat(depth) + 'x' + ')'.repeat(depth);
  const t = parseTree(text);
  assert.equal(treeHeight(t), depth - 1);
  assert.equal(treeToString(t), text);
  const b = binarize(parseTree('(B '.repeat(depth) + 'x y' + ')'.repeat(depth)));
  assert.equal(treeHeight(b), 1);
  assert.equal(inorderWords(mapLabels(t, () => 'Q')).length, 1);
});

test('inorderWords puts the word of an inner node after its first child; mapLabels keeps the shape', () => {
  const t = node('+', [leaf('3'), node('*', [leaf('4'), leaf('5')], '*')], '+');
  assert.deepEqual(inorderWords(t), ['3', '+', '4', '*', '5']);
  assert.deepEqual(mapLabels(parseTree('(S (A a) b)'), (n) => (n.word ?? 'inner')), parseTree('(inner (a a) (b b))'));
});

test('malformed input: each error names the position and what was expected', () => {
  const bad: [string, RegExp][] = [
    ['', /expected a bracketed tree, got empty input/],
    ['(S (NP the cat)', /expected '\)' to close the '\(' at line 1, column 1 \(offset 0\), got end of input \(1 bracket open\)/],
    ['(S (NP) (VP sat))', /expected a word or '\(' after the label 'NP' at line 1, column 7 \(offset 6\), got '\)'/],
    ['(S a))', /unexpected '\)' at line 1, column 6 \(offset 5\): no '\(' is open/],
    ['(S ())', /expected a label, a word or '\(' after '\(' at line 1, column 4 \(offset 3\), got '\)' \(an empty tree\)/],
    ['(S a) (T b)', /expected one tree, got 2 \(the second starts with '\(' at line 1, column 7 \(offset 6\)\)/],
    ['(S\n  (NP a)\n  (VP))', /after the label 'VP' at line 3, column 6 \(offset 17\), got '\)'/],
    ['(S (', /expected a label, a word or '\(' after '\(' at line 1, column 4 \(offset 3\), got end of input/],
  ];
  for (const [text, re] of bad) assert.throws(() => parseTree(text), re, JSON.stringify(text));
});

test('printing rejects what has no bracketed form', () => {
  assert.throws(() => treeToString(leaf('a b')), /expected a word without spaces or parentheses, got 'a b'/);
  assert.throws(() => treeToString(node('+', [leaf('1'), leaf('2')], '+')), /inner node with a word of its own \('\+'\)/);
  assert.throws(() => treeToString(node(null, [leaf('a')])), /unlabelled node whose only child is the bare word 'a'/);
});

test('binarize: right and left factoring, intermediate labels, unary chains collapsed', () => {
  const t = parseTree('(X a b c d)');
  assert.equal(treeToString(binarize(t)), '(X a (@X b (@X c d)))');
  assert.equal(treeToString(binarize(t, { factor: 'left' })), '(X (@X (@X a b) c) d)');
  assert.equal(treeToString(binarize(t, { intermediateLabel: () => 'M' })), '(X a (M b (M c d)))');
  assert.equal(treeToString(binarize(parseTree('(S (NP (N cat)) (VP (V sat)))'))), '(S (NP cat) (VP sat))');
  assert.equal(treeToString(binarize(parseTree('(ROOT (S (A a) (B b) (C c)))'))), '(ROOT (A a) (@S (B b) (C c)))');
  assert.equal(treeToString(binarize(parseTree('(S (NP (N cat)) (VP (V sat)))'), { collapseUnary: false })), '(S (NP (N cat)) (VP (V sat)))');
});

test('binarize: every inner node of a random tree ends with two children, leaves kept in order', () => {
  const rng = new Rng(11);
  for (let k = 0; k < 50; k++) {
    const t: Tree = randomTree(rng, 1 + rng.int(15), { maxChildren: 5, allowUnary: true });
    for (const factor of ['right', 'left'] as const) {
      const b = binarize(t, { factor });
      assert.deepEqual(leafWords(b), leafWords(t));
      for (const n of postOrder(b)) assert.ok(n.children.length === 0 || n.children.length === 2, treeToString(b));
    }
  }
});
