// The trainers' guards, in the library: a run whose estimated memory passes maxMemory, or a corpus
// past maxVocab distinct characters, is refused before the model is built (fast, with the estimate
// in the message); learning rates are bounded the same way in every trainer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { trainCharModel } from '../../src/train/trainer.js';
import { TRAIN_DEFAULTS, validateOptions } from '../../src/train/options.js';
import { trainSeq2Seq } from '../../src/train/decoder_trainer.js';
import { Seq2Seq } from '../../src/seq2seq/model.js';
import { MAX_LEARNING_RATE } from '../../src/optim/learning_rate_limit.js';
import { runTask } from '../../src/tasks/task_train.js';
import { ADDING } from '../../src/tasks/adding.js';
import { generatedCorpus } from '../helpers/corpus.js';

const budget = { steps: 1, time: 0 };

test('trainCharModel refuses sizes whose estimate passes maxMemory, before allocating', async () => {
  const text = generatedCorpus(20);
  for (const options of [{ hiddenSize: 1e9 }, { batchSize: 1e9 }, { embeddingSize: 1e9 }, { numLayers: 100_000 }, { hiddenSize: 30_000 }]) {
    await assert.rejects(trainCharModel({ text, out: null, options: { ...budget, ...options } }),
      /^Error: this run needs about [\d.]+ [KMGTPE]iB \(model .* × 16 for weights, gradients, Adam's moments and their working copies \+ activations .*\); the limit is 4 GiB: /,
      JSON.stringify(options));
  }
  // The same run fits under a raised limit's estimate: 1024 hidden units need about 0.3 GiB.
  await assert.rejects(trainCharModel({ text, out: null, options: { ...budget, hiddenSize: 1024, maxMemory: 64 * 1024 ** 2 } }),
    /the limit is 64 MiB: raise it with --max-memory 1G or make the model smaller/);
});

test('trainCharModel refuses a corpus of more distinct characters than maxVocab', async () => {
  const many = Array.from({ length: 70_000 }, (_, i) => String.fromCodePoint(0x10000 + i)).join('').repeat(2);
  await assert.rejects(trainCharModel({ text: many, out: null, options: budget }),
    /expected a corpus of at most 65536 distinct characters \(each one is a row of the embedding and of the output layer\), got 7000\d: raise the limit with --max-vocab 7000\d/);
  await assert.rejects(trainCharModel({ text: generatedCorpus(20), out: null, options: { ...budget, maxVocab: 10 } }), /expected a corpus of at most 10 distinct characters/);
});

test('every trainer bounds the learning rate by MAX_LEARNING_RATE', async () => {
  for (const lr of [1e30, 0, -1, NaN, Infinity, MAX_LEARNING_RATE * 1.01]) {
    assert.throws(() => validateOptions({ ...TRAIN_DEFAULTS, lr }), new RegExp(`expected lr in \\(0, ${MAX_LEARNING_RATE}\\], got ${String(lr).replace('+', '\\+')}`));
    const model = new Seq2Seq({ srcVocabSize: 5, tgtVocabSize: 5, embeddingSize: 2, hiddenSize: 3, cell: 'gru' }, { rng: new Rng(1) });
    await assert.rejects(trainSeq2Seq(model, () => { throw new Error('no batch expected'); }, { steps: 1, lr }), /expected a learning rate in \(0, 100\]/);
    await assert.rejects(runTask(ADDING, { cell: 'rnn', length: 5, settings: { steps: 1, lr } }), /expected a learning rate in \(0, 100\]/);
  }
  validateOptions({ ...TRAIN_DEFAULTS, lr: 20 }); // SGD-sized rates stay allowed
});
