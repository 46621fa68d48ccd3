// The expr-parse generator: hand-checked strings parse to the trees precedence and left
// associativity give; printing any drawn tree with minimal brackets and parsing it back gives the
// tree again, with no bracket that could be dropped; lengths are exact; bad strings are refused
// naming the place; the prefix form a sequence decoder writes parses back to the tree.

import test from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { treeToString } from '../../src/tree/print.js';
import { infixOf, infixSet, operatorCount, parseInfix, randomInfixTree } from '../../src/tasks/expr_parse_data.js';
import { parsePrefix, prefixOf } from '../../src/tasks/expr_parse.js';

const parsed = (s: string): string => treeToString(parseInfix(s));

test('precedence and left associativity, by hand', () => {
  assert.equal(parsed('(3 + 4) * 2 - 5'), '(- (* (+ 3 4) 2) 5)');
  assert.equal(parsed('8 - 3 - 2'), '(- (- 8 3) 2)');
  assert.equal(parsed('8 - (3 - 2)'), '(- 8 (- 3 2))');
  assert.equal(parsed('2 + 3 * 4'), '(+ 2 (* 3 4))');
  assert.equal(parsed('8 / 4 * 2'), '(* (/ 8 4) 2)');
  assert.equal(parsed('1 + 2 * 3 - 4 / 5'), '(- (+ 1 (* 2 3)) (/ 4 5))');
  assert.equal(parsed('((1+2))*3'), '(* (+ 1 2) 3)', 'spaces are optional and brackets may be redundant');
  assert.equal(infixOf(parseInfix('(3 + 4) * 2 - 5')), '(3 + 4) * 2 - 5');
  assert.equal(infixOf(parseInfix('8 - (3 - 2)')), '8 - (3 - 2)');
  assert.equal(infixOf(parseInfix('((1+2))+3')), '1 + 2 + 3', 'a redundant bracket is not printed');
  assert.equal(infixOf(parseInfix('1 + (2 + 3)')), '1 + (2 + 3)', 'a bracket that changes the tree is');
  assert.equal(infixOf(parseInfix('1 * (2 / 3)')), '1 * (2 / 3)');
});

test('drawn trees: exact operator counts, and print then parse gives the tree back with only needed brackets', () => {
  const rng = new Rng(5);
  for (let k = 0; k < 400; k++) {
    const n = 1 + (k % 9);
    const t = randomInfixTree(rng, n);
    assert.equal(operatorCount(t), n);
    const s = infixOf(t);
    assert.equal(treeToString(parseInfix(s)), treeToString(t), s);
    // Every bracket pair is needed: removing any one changes the tree (or the string stops parsing).
    for (let i = s.indexOf('('); i >= 0; i = s.indexOf('(', i + 1)) {
      let depth = 0, j = i;
      for (; j < s.length; j++) { if (s[j] === '(') depth++; else if (s[j] === ')' && --depth === 0) break; }
      const without = s.slice(0, i) + s.slice(i + 1, j) + s.slice(j + 1);
      assert.notEqual(treeToString(parseInfix(without)), treeToString(t), `${s}: the bracket at ${i} is not needed`);
    }
    assert.equal(parsePrefix(prefixOf(t)), treeToString(t));
  }
  const set = infixSet(new Rng(1), 50, 3);
  assert.equal(new Set(set).size, 50);
  assert.ok(set.every((s) => operatorCount(parseInfix(s)) === 3));
  assert.deepEqual(infixSet(new Rng(1), 50, 3, new Set(set.slice(0, 10))).filter((s) => set.slice(0, 10).includes(s)), []);
});

test('malformed strings are refused naming what was expected and where; a bad prefix form does not parse', () => {
  assert.throws(() => parseInfix('3 + '), /expected a digit or '\(' in "3 \+ ", got the end/);
  assert.throws(() => parseInfix('(3 + 4'), /expected '\)' in "\(3 \+ 4", got the end/);
  assert.throws(() => parseInfix('3 4'), /expected an operator or the end in "3 4", got '4' at column 3/);
  assert.throws(() => parseInfix('3 % 4'), /expected an operator or the end in "3 % 4", got '%' at column 3/);
  assert.throws(() => parseInfix('12 + 3'), /got '2' at column 2/);
  assert.throws(() => randomInfixTree(new Rng(0), 0), /expected a number of operators in \[1, 64\], got 0/);
  assert.equal(parsePrefix('(+3'), null);
  assert.equal(parsePrefix('(+34)5'), null);
  assert.equal(parsePrefix('(+(34)'), null);
});
