// The tree encoders against independent truths: finite-difference gradients (float64) through the
// level-batched forward of each encoder on small trees; the level-batched forward over many trees
// equal to the plain one-tree-at-a-time recursion, values and gradients; and the number of levels
// equal to the tallest tree's height + 1 (log n for balanced trees).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../src/autograd/index.js';
import { Rng } from '../../src/tensor/random.js';
import { Tensor, tensor } from '../../src/tensor/tensor.js';
import {
  ChildSumTreeLSTM, NaryTreeLSTM, RecursiveNet, TreeBatch, binarize, leaf, node, parseTree, treeHeight, type Tree, type TreeEncoder,
} from '../../src/tree/index.js';
import { assertClose, check } from '../helpers/tensors.js';
import { randomTree, wordId } from './helpers.js';

const V = 5, E = 3, H = 2;
const f64 = (seed: number) => ({ dtype: 'float64' as const, rng: new Rng(seed) });

const encoders: [string, () => TreeEncoder, boolean][] = [
  // [name, make, binary only]
  ['RecursiveNet positional (W_l, W_r)', () => new RecursiveNet({ vocabSize: V, inputSize: E, hiddenSize: H }, f64(1)), true],
  ['RecursiveNet positional, arity 3', () => new RecursiveNet({ vocabSize: V, inputSize: E, hiddenSize: H, arity: 3 }, f64(2)), false],
  ['RecursiveNet shared', () => new RecursiveNet({ vocabSize: V, inputSize: E, hiddenSize: H, childWeights: 'shared' }, f64(3)), false],
  ['ChildSumTreeLSTM', () => new ChildSumTreeLSTM({ vocabSize: V, inputSize: E, hiddenSize: H }, f64(4)), false],
  ['NaryTreeLSTM N = 2', () => new NaryTreeLSTM({ vocabSize: V, inputSize: E, hiddenSize: H }, f64(5)), true],
  ['NaryTreeLSTM N = 3', () => new NaryTreeLSTM({ vocabSize: V, inputSize: E, hiddenSize: H, arity: 3 }, f64(6)), false],
];

// A binary tree with words at the leaves, and a ragged one (1 to 3 children, words on inner nodes).
const binaryTrees = (): Tree[] => [parseTree('(a (b w0) (c (d w1) (e w2)))'), parseTree('(f (g (h w3) (i w4)) (j w0))')];
const raggedTrees = (): Tree[] => [
  node('r', [leaf('w1'), node('s', [leaf('w2')], 'w3'), node('t', [leaf('w4'), leaf('w0'), leaf('w1')])], 'w2'),
  parseTree('(u (v w3) (x w4))'),
];

const outputs = (enc: TreeEncoder, batch: TreeBatch): Tensor => {
  const s = enc.forward(batch);
  return s.c ? ops.concat([ops.reshape(s.h, [-1]), ops.reshape(s.c, [-1])], 0) : ops.reshape(s.h, [-1]);
};

for (const [name, make, binaryOnly] of encoders) {
  test(`gradcheck ${name}: level-batched forward w.r.t. every parameter`, () => {
    const enc = make();
    const batch = new TreeBatch(binaryOnly ? binaryTrees() : raggedTrees(), { wordId });
    check(() => outputs(enc, batch), enc.parameters());
  });

  test(`${name}: level-batched forward equals one tree at a time, values and gradients`, () => {
    const enc = make();
    const rng = new Rng(99);
    const trees = Array.from({ length: 7 }, (_, k) => {
      const t = randomTree(rng, 1 + rng.int(9), { maxChildren: binaryOnly ? 2 : 3, V, innerWords: !binaryOnly, allowUnary: !binaryOnly });
      return binaryOnly ? binarize(t) : t;
    });
    const batch = new TreeBatch(trees, { wordId });
    const r = new Rng(5);
    const weights = (n: number): Tensor => tensor(Array.from({ length: n * H }, () => r.uniform(-1, 1)), [n, H], { dtype: 'float64' });
    const wH = weights(batch.numNodes), wC = weights(batch.numNodes);
    // batched: loss = Σ wH ⊙ h + Σ wC ⊙ c over all nodes
    enc.zeroGrad();
    const s = enc.forward(batch);
    let loss = ops.sum(ops.mul(s.h, wH));
    if (s.c) loss = ops.add(loss, ops.sum(ops.mul(s.c, wC)));
    loss.backward();
    const gradsBatched = enc.parameters().map((p) => Float64Array.from((p.grad as Tensor).data));
    // one by one, the same loss with each node's weight row looked up by its node id
    enc.zeroGrad();
    const row = new Map(batch.nodes.map((n, i) => [n, i]));
    let total: Tensor | null = null;
    for (const t of trees) {
      const { nodes, states } = enc.encodeTree(t, wordId);
      const ids = ops.indices(nodes.map((n) => row.get(n) as number));
      const hb = s.h.detach(), want = ops.embedding(hb, ids);
      assertClose(states.h.data, want.data, 1e-12, 0, 'h');
      let l = ops.sum(ops.mul(states.h, ops.embedding(wH, ids)));
      if (states.c) {
        assertClose(states.c.data, ops.embedding((s.c as Tensor).detach(), ids).data, 1e-12, 0, 'c');
        l = ops.add(l, ops.sum(ops.mul(states.c, ops.embedding(wC, ids))));
      }
      total = total ? ops.add(total, l) : l;
    }
    assertClose([(total as Tensor).item()], [loss.item()], 1e-10, 0, 'loss');
    (total as Tensor).backward();
    enc.parameters().forEach((p, k) => assertClose((p.grad as Tensor).data, gradsBatched[k], 1e-10, 0, `grad ${k}`));
  });
}

test('levels: one per height, so a balanced tree of 64 leaves takes 7 batched steps', () => {
  const build = (lo: number, hi: number): Tree => (hi - lo === 1 ? leaf(`w${lo % V}`) : node('n', [build(lo, (lo + hi) >> 1), build((lo + hi) >> 1, hi)]));
  const t = build(0, 64);
  const chain = binarize(randomTree(new Rng(3), 10, { maxChildren: 2 }));
  const batch = new TreeBatch([t, chain, leaf('w1')], { wordId });
  assert.equal(batch.levels.length, Math.max(treeHeight(t), treeHeight(chain)) + 1);
  assert.equal(treeHeight(t), 6);
  assert.equal(batch.levels[0].size, 64 + 10 + 1);
  // node ids are level-major and every child sits at a lower level than its parent
  for (const level of batch.levels) {
    for (const c of level.children) if (c >= 0) assert.ok(c < level.start);
  }
  assert.deepEqual(Array.from(batch.roots).map((r) => batch.nodes[r]), [t, chain, batch.nodes[batch.roots[2]]]);
});

test('bad input: too many children for a positional net, word ids out of range, no trees', () => {
  const enc = new NaryTreeLSTM({ vocabSize: V, inputSize: E, hiddenSize: H });
  assert.throws(() => enc.forward(new TreeBatch([parseTree('(x a b c)')], { wordId: () => 0 })), /expected at most 2 children per node, got 3 at height 1 \(binarize the trees first\)/);
  assert.throws(() => enc.forward(new TreeBatch([parseTree('(x w1 w9)')], { wordId })), /expected word ids in \[0, 5\), got 9/);
  assert.throws(() => new TreeBatch([], { wordId }), /expected at least one tree, got none/);
  assert.throws(() => new TreeBatch([parseTree('(x a b c)')], { wordId: () => 0, maxChildren: 2 }), /expected at most 2 children per node, got 3 at node 'x' of tree 0/);
  assert.throws(() => new TreeBatch([parseTree('(x a)')], { wordId: () => -2 }), /expected a word id >= 0 for 'a', got -2/);
  assert.throws(() => new RecursiveNet({ vocabSize: 0, inputSize: 2, hiddenSize: 2 }), /expected vocabSize to be a positive integer, got 0/);
});
