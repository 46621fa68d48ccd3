// evaluateAsync (the evaluation `unfold eval` runs, awaiting each chunk's loss so that it computes
// on WebGPU too) against evaluate on the same model and text: the same chunks summed in the same
// order, so the same number exactly; and against a hand-made case, a model that predicts every
// character uniformly, whose loss is ln V whatever the text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { CharModel } from '../../src/train/char_model.js';
import { evaluate, evaluateAsync } from '../../src/train/evaluate.js';

test('evaluateAsync gives evaluate\'s loss, and ln V for a model that predicts uniformly', async () => {
  const model = new CharModel({ vocabSize: 9, hiddenSize: 12, embeddingSize: 4 }, { rng: new Rng(3) });
  const ids = Int32Array.from({ length: 700 }, (_, i) => (i * i + 5 * i) % 9);
  for (const options of [{}, { batchSize: 3, seqLen: 20 }, { maxChars: 300 }]) {
    assert.equal(await evaluateAsync(model, ids, options), evaluate(model, ids, options), JSON.stringify(options));
  }
  model.train(true);
  await evaluateAsync(model, ids);
  assert.equal(model.training, true, 'training mode restored');
  // Zero head weights and bias: every logit 0, every character 1/9.
  for (const [name, p] of Object.entries(model.stateDict())) if (name.startsWith('head.')) p.data.fill(0);
  assert.ok(Math.abs(await evaluateAsync(model, ids) - Math.log(9)) < 1e-6);
  await assert.rejects(evaluateAsync(model, ids.subarray(0, 1)), /expected at least 2 characters to evaluate, got 1/);
});
