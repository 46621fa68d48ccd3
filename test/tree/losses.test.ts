// Node- and root-level losses against values computed by hand from the logits, and gradients through
// the classifier and regressor heads with those losses (float64 finite differences).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { tensor } from '../../src/tensor/tensor.js';
import {
  NaryTreeLSTM, ChildSumTreeLSTM, leaf, node, TreeBatch, TreeClassifier, TreeRegressor, parseTree, treeAccuracy, treeCrossEntropy, treeMse,
} from '../../src/tree/index.js';
import { assertClose, check } from '../helpers/tensors.js';
import { wordId } from './helpers.js';

// Two trees, labels are classes; node 'x' has no target (label not a number).
const trees = () => [parseTree('(2 (0 w1) (1 (1 w2) (x w3)))'), parseTree('(0 w4)')];
const target = (l: string): number | null => (l === 'x' ? null : Number(l));

test('treeCrossEntropy: mean of −log softmax over the nodes with targets, or over the roots', () => {
  const batch = new TreeBatch(trees(), { wordId, target });
  const C = 3;
  const rng = new Rng(1);
  const z = Array.from({ length: batch.numNodes * C }, () => rng.uniform(-2, 2));
  const logits = tensor(z, [batch.numNodes, C], { dtype: 'float64' });
  const nll = (i: number): number => {
    const row = z.slice(i * C, (i + 1) * C);
    const lse = Math.log(row.reduce((s, v) => s + Math.exp(v), 0));
    return lse - row[batch.targets[i]];
  };
  const labelled = [...Array(batch.numNodes).keys()].filter((i) => !Number.isNaN(batch.targets[i]));
  assert.equal(labelled.length, 5);
  assertClose([treeCrossEntropy(logits, batch, 'all').item()], [labelled.reduce((s, i) => s + nll(i), 0) / 5], 1e-12);
  const roots = Array.from(batch.roots);
  assertClose([treeCrossEntropy(logits, batch, 'root').item()], [(nll(roots[0]) + nll(roots[1])) / 2], 1e-12);
  const acc = treeAccuracy(logits, batch, 'all');
  const argmax = (i: number): number => { const r = z.slice(i * C, (i + 1) * C); return r.indexOf(Math.max(...r)); };
  assert.deepEqual(acc, { correct: labelled.filter((i) => argmax(i) === batch.targets[i]).length, total: 5 });
  assert.throws(() => treeCrossEntropy(tensor(z.slice(0, 3 * 2), [2, 3], { dtype: 'float64' }), batch), /expected logits of shape \[6, C\], got \[2, 3\]/);
  const none = new TreeBatch(trees(), { wordId });
  assert.throws(() => treeCrossEntropy(logits, none), /expected a node with a target in the batch, got none/);
});

test('treeMse: mean squared error over the nodes with targets, or over the roots', () => {
  const batch = new TreeBatch(trees(), { wordId, target });
  const y = Array.from({ length: batch.numNodes }, (_, i) => 0.5 * i - 1);
  const pred = tensor(y, [batch.numNodes], { dtype: 'float64' });
  let all = 0, n = 0;
  for (let i = 0; i < batch.numNodes; i++) if (!Number.isNaN(batch.targets[i])) { all += (y[i] - batch.targets[i]) ** 2; n++; }
  assertClose([treeMse(pred, batch, 'all').item()], [all / n], 1e-12);
  const r = Array.from(batch.roots);
  assertClose([treeMse(pred, batch, 'root').item()], [((y[r[0]] - 2) ** 2 + (y[r[1]] - 0) ** 2) / 2], 1e-12);
});

test('gradcheck: classifier with the node-level loss, regressor with the root-level loss', () => {
  const batch = new TreeBatch(trees(), { wordId, target });
  const clf = new TreeClassifier(new NaryTreeLSTM({ vocabSize: 5, inputSize: 3, hiddenSize: 3 }, { dtype: 'float64', rng: new Rng(3) }), 3, {}, { dtype: 'float64', rng: new Rng(4) });
  check(() => treeCrossEntropy(clf.forward(batch), batch, 'all'), clf.parameters());
  const reg = new TreeRegressor(new ChildSumTreeLSTM({ vocabSize: 5, inputSize: 3, hiddenSize: 3 }, { dtype: 'float64', rng: new Rng(5) }), { dtype: 'float64', rng: new Rng(6) });
  // an inner node with a word of its own, so that the forget gates' input weights are used
  const withWord = new TreeBatch([node('3', [leaf('w1', '1'), node('2', [leaf('w2', '0'), leaf('w0', '1')])], 'w3'), parseTree('(0 w4)')], { wordId, target });
  check(() => treeMse(reg.forward(withWord), withWord, 'root'), reg.parameters());
});

