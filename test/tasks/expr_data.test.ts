// The expr-trees generator: every node's label is the value of its sub-expression, checked by
// evaluating the flattened, fully parenthesised text with JavaScript's own arithmetic; depth and
// magnitude limits hold; held-out expressions are distinct from the training ones.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { postOrder, treeHeight } from '../../src/tree/index.js';
import { exprSet, exprTree, flattenExpr, labelExprTree } from '../../src/tasks/expr_trees_data.js';
import { leaf, node } from '../../src/tree/index.js';

const evalText = (tokens: string[]): number => Number(new Function(`return ${tokens.join(' ').replace(/×/g, '*').replace(/−/g, '-')};`)());

test('every node is labelled with the value of its sub-expression', () => {
  const rng = new Rng(4);
  for (let k = 0; k < 300; k++) {
    const t = exprTree(rng, { maxDepth: 3 });
    assert.ok(treeHeight(t) >= 1 && treeHeight(t) <= 3);
    for (const n of postOrder(t)) {
      assert.equal(Number(n.label), evalText(flattenExpr(n)) + 0 /* −0 reads as 0 */, flattenExpr(n).join(' '));
      assert.ok(Math.abs(Number(n.label)) <= 100);
    }
  }
});

test('a hand-written expression: (7 − 2) × (3 + 4) = 35', () => {
  const t = labelExprTree(node(null, [node(null, [leaf('7'), leaf('2')], '−'), node(null, [leaf('3'), leaf('4')], '+')], '×'));
  assert.equal(t.label, '35');
  assert.deepEqual(postOrder(t).map((n) => n.label), ['7', '2', '5', '3', '4', '7', '35']);
  assert.deepEqual(flattenExpr(t), ['(', '(', '7', '−', '2', ')', '×', '(', '3', '+', '4', ')', ')']);
  assert.throws(() => labelExprTree(node(null, [leaf('7'), leaf('2')], '/')), /expected one of \+ − ×, got '\/'/);
});

test('held-out expressions are distinct and none was seen in training', () => {
  const rng = new Rng(5);
  const train = exprSet(rng, 300);
  const keys = new Set(train.map((t) => flattenExpr(t).join(' ')));
  assert.equal(keys.size, 300);
  const test2 = exprSet(rng, 100, {}, keys);
  for (const t of test2) assert.ok(!keys.has(flattenExpr(t).join(' ')));
});
