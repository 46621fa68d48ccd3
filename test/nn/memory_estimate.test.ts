// The memory estimate that refuses oversized runs before they allocate: parameter counts equal the
// real modules' numParameters() (the truth: the modules built and counted), sizes print in binary
// units, and the refusal names the estimate, its parts, the limit and the --max-memory that would do.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { LSTM } from '../../src/nn/layers/lstm.js';
import { GRU } from '../../src/nn/layers/gru.js';
import { RNN } from '../../src/nn/layers/rnn.js';
import {
  adamTrainingMemory, checkMemory, formatBytes, GiB, recurrentParameterCount, type MemoryEstimate,
} from '../../src/nn/memory_estimate.js';
import { CharModel } from '../../src/train/char_model.js';
import { charModelParameterCount } from '../../src/train/char_model_memory.js';
import { Seq2Seq, type Seq2SeqConfig } from '../../src/seq2seq/model.js';
import { CaptionModel } from '../../src/seq2seq/caption_model.js';
import { captionModelParameterCount, seq2seqParameterCount } from '../../src/seq2seq/seq2seq_memory.js';
import { captionsModel } from '../../src/tasks/captions.js';
import { captionVocab } from '../../src/tasks/shapes_images.js';

const CELLS = ['rnn', 'lstm', 'gru'] as const;

test('recurrentParameterCount equals nn.RNN / LSTM / GRU numParameters()', () => {
  const make = { rnn: RNN, lstm: LSTM, gru: GRU };
  for (const cell of CELLS) {
    for (const [inputSize, hiddenSize, numLayers, bidirectional] of [[3, 5, 1, false], [7, 4, 3, true], [1, 9, 2, false]] as const) {
      const layer = new make[cell]({ inputSize, hiddenSize, numLayers, bidirectional }, { rng: new Rng(1) });
      assert.equal(recurrentParameterCount({ cell, inputSize, hiddenSize, numLayers, bidirectional }), layer.numParameters(), `${cell} ${inputSize} ${hiddenSize} ${numLayers} ${bidirectional}`);
    }
  }
});

test('charModelParameterCount, seq2seqParameterCount and captionModelParameterCount equal the built models\' numParameters()', () => {
  for (const cell of CELLS) {
    for (const [vocabSize, embeddingSize, hiddenSize, numLayers] of [[5, 3, 4, 1], [11, 6, 7, 3]]) {
      const c = { vocabSize, cell, hiddenSize, numLayers, embeddingSize, dropout: 0 };
      assert.equal(charModelParameterCount(c), new CharModel(c, { rng: new Rng(1) }).numParameters());
    }
  }
  let checked = 0;
  for (const cell of CELLS) {
    for (const attention of ['additive', 'general', 'dot', 'none'] as const) {
      for (const context of ['init', 'input', 'both'] as const) {
        for (const [bidirectional, numLayers] of [[false, 1], [true, 2], [false, 3]] as const) {
          if (attention === 'dot' && bidirectional) continue;
          const c: Seq2SeqConfig = { srcVocabSize: 7, tgtVocabSize: 5, embeddingSize: 3, hiddenSize: 4, numLayers, cell, bidirectional, attention, context };
          assert.equal(seq2seqParameterCount(c), new Seq2Seq(c, { rng: new Rng(1) }).numParameters(), JSON.stringify(c));
          checked++;
        }
      }
    }
  }
  assert.equal(checked, 99);
  const vocab = captionVocab();
  for (const attention of ['additive', 'general', 'none'] as const) {
    for (const context of ['init', 'input', 'both'] as const) {
      const model = captionsModel({ attention, context, hiddenSize: 7, embeddingSize: 5, cell: 'gru' }, vocab);
      assert.equal(captionModelParameterCount(model.getConfig()), model.numParameters(), `${attention} ${context}`);
    }
  }
  for (const [patch, hiddenSize] of [[2, 3], [4, 5]]) {
    const model = new CaptionModel({ vocabSize: 9, embeddingSize: 4, hiddenSize: 6, cell: 'lstm', attention: 'additive', encoder: { kind: 'mdlstm', patch, hiddenSize } }, { rng: new Rng(2) });
    assert.equal(captionModelParameterCount(model.getConfig()), model.numParameters(), `mdlstm encoder, patch ${patch}, ${hiddenSize} units`);
  }
});

test('formatBytes prints binary units', () => {
  assert.equal(formatBytes(12), '12 bytes');
  assert.equal(formatBytes(3 * 1024), '3 KiB');
  assert.equal(formatBytes(1.25 * 1024 ** 2), '1.3 MiB');
  assert.equal(formatBytes(4 * GiB), '4 GiB');
  assert.equal(formatBytes(14.2 * GiB), '14.2 GiB');
  assert.equal(formatBytes(512 * 1024 ** 2), '512 MiB');
  assert.equal(formatBytes(3 * 1024 ** 6), '3 EiB');
  assert.equal(formatBytes(1.5e24), '1.5e+24 bytes');
});

test('checkMemory refuses past the limit with the estimate, its parts and the way out', () => {
  // 10^8 parameters: 400,000,000 bytes as float32, × 16 = 6.4e9; activations 2 GiB: 8.1e9 bytes = 7.96 GiB in all.
  const e = adamTrainingMemory(1e8, 2 * GiB);
  assert.equal(e.bytes, 16 * 4e8 + 2 * GiB);
  assert.throws(() => checkMemory(e, 4 * GiB), (err: Error) => {
    assert.equal(err.message, 'this run needs about 8 GiB (model 381 MiB × 16 for weights, gradients, Adam\'s moments and their working copies ' +
      '+ activations 2 GiB); the limit is 4 GiB: raise it with --max-memory 8G or make the model smaller');
    return true;
  });
  checkMemory(e, 8 * GiB);
  const huge: MemoryEstimate = { bytes: 1e30, parts: ['reservoir 1e30 bytes'] };
  assert.throws(() => checkMemory(huge, GiB, 'use fewer --units'), /the limit is 1 GiB: use fewer --units$/);
});
