// The training loop: ε follows the scheduled-sampling schedule step by step, the budget is honoured,
// and bad options are refused before any work.

import test from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { Seq2Seq } from '../../src/seq2seq/model.js';
import { trainSeq2Seq } from '../../src/train/decoder_trainer.js';
import { encodePair, randomBatch, vocabsFor } from '../../src/seq2seq/pairs.js';
import { teacherForcingProbability } from '../../src/nn/seq/scheduled_sampling.js';

const pairs = [{ source: 'abc', target: 'cba' }, { source: 'ba', target: 'ab' }, { source: 'cab', target: 'bac' }];

test('training steps feed ground truth with the scheduled probability and stop at the step budget', async () => {
  const { srcVocab, tgtVocab } = vocabsFor(pairs);
  const model = new Seq2Seq({ srcVocabSize: srcVocab.size, tgtVocabSize: tgtVocab.size, embeddingSize: 4, hiddenSize: 6, cell: 'gru', attention: 'general' }, { rng: new Rng(1) });
  const enc = pairs.map((p) => encodePair(p, srcVocab, tgtVocab));
  const rng = new Rng(2);
  const schedule = { kind: 'linear' as const, slope: 0.3, min: 0.1 };
  const seen: number[] = [];
  const res = await trainSeq2Seq(model, () => randomBatch(enc, 4, rng), { steps: 5, teacherForcing: schedule }, { onStep: (i) => seen.push(i.teacherForcing) });
  assert.equal(res.steps, 5);
  assert.deepEqual(seen, [0, 1, 2, 3, 4].map((i) => teacherForcingProbability(schedule, i)));
  assert.deepEqual(seen.map((x) => Math.round(x * 10) / 10), [1, 0.7, 0.4, 0.1, 0.1]);
  await assert.rejects(trainSeq2Seq(model, () => randomBatch(enc, 4, rng), { steps: 0, time: 0 }), /expected a step or time budget, got neither/);
  await assert.rejects(trainSeq2Seq(model, () => randomBatch(enc, 4, rng), { steps: 2, teacherForcing: { kind: 'exponential', k: 2 } }), /expected an exponential k in \(0, 1\), got 2/);
});
