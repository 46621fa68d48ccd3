// Short versions of the two tree tasks learn in seconds: the Tree-LSTM's held-out root accuracy on
// the sentiment sentences (longer than any it trained on) is far above answering the most frequent
// class, and on the expressions its held-out MSE is well under that of predicting the mean. The
// commands end with the common JSON result line under --json.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { sentimentTrees } from '../../src/tasks/sentiment_trees.js';
import { exprTrees } from '../../src/tasks/expr_trees.js';
import { CLI as main } from '../helpers/files.js';


test('sentiment-trees, short: the Tree-LSTM beats the majority class on held-out longer sentences', async () => {
  const r = await sentimentTrees({ seed: 1, trainClauses: [1, 2], testClauses: [3, 4], trainSize: 300, testSize: 60, epochs: 8, batchSize: 8, hiddenSize: 24, embeddingSize: 16, models: ['tree-lstm'] });
  const t = r.results[0];
  assert.ok(r.testWords[0] > r.maxTrainWords);
  assert.ok(t.rootAccuracy >= r.majorityRootAccuracy + 0.25, `root accuracy ${t.rootAccuracy}, majority ${r.majorityRootAccuracy}`);
  assert.ok(t.trainRootAccuracy > 0.9, `train root accuracy ${t.trainRootAccuracy}`);
});

test('expr-trees, short: the Tree-LSTM regresses held-out values far better than the mean', async () => {
  const r = await exprTrees({ seed: 2, trainSize: 300, testSize: 100, epochs: 6, hiddenSize: 24, models: ['tree-lstm'] });
  const t = r.results[0];
  assert.ok(t.mse < 0.6 * r.meanPredictorMse, `MSE ${t.mse}, mean predictor ${r.meanPredictorMse}`);
  assert.ok(t.r2 > 0.35, `R^2 ${t.r2}`);
});

test('the commands end with the JSON result line', () => {
  for (const [task, extra] of [['sentiment-trees', ['--models', 'tree-lstm,lstm']], ['expr-trees', ['--models', 'recursive,lstm']]] as const) {
    const r = spawnSync(process.execPath, [main, 'tasks', task, '--train', '40', '--test', '10', '--epochs', '1', ...extra, '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1, r.stdout);
    const j = JSON.parse(lines[0]) as Record<string, unknown>;
    assert.equal(j.task, task);
    assert.ok(Number.isFinite(j.value) && Number.isFinite(j.baseline) && Number.isFinite(j.seconds), lines[0]);
    assert.deepEqual(Object.keys(j.models as object), extra[1].split(','));
  }
  const bad = spawnSync(process.execPath, [main, 'tasks', 'sentiment-trees', '--models', 'tree,lstm'], { encoding: 'utf8' });
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /expected one of tree-lstm, lstm, bilstm, got 'tree'/);
});
