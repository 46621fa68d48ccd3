// A character LSTM learns "hello" by heart: the loss goes to near zero, and greedy sampling from
// "h" gives back "ello". The independent truth is the text itself.

import test from 'node:test';
import assert from 'node:assert/strict';
import '../../src/autograd/methods.js';
import { indices } from '../../src/autograd/ops/gather.js';
import { crossEntropy } from '../../src/nn/losses/cross_entropy.js';
import { Adam } from '../../src/optim/adam.js';
import { Rng } from '../../src/tensor/random.js';
import { Vocab } from '../../src/data/vocab.js';
import { CharModel } from '../../src/train/char_model.js';
import { sample } from '../../src/train/sample.js';

for (const cell of ['lstm', 'gru', 'rnn'] as const) {
  test(`${cell} char model overfits "hello" and samples it back`, () => {
    const vocab = Vocab.fromText('hello');
    const model = new CharModel({ vocabSize: vocab.size, cell, hiddenSize: 16, numLayers: 1, embeddingSize: 8, dropout: 0 }, { rng: new Rng(3) });
    const opt = new Adam(model.parameters(), { lr: 0.05 });
    const ids = vocab.encode('hello');
    const x = indices(ids.subarray(0, 4), [1, 4]), y = indices(ids.subarray(1), [1, 4]);
    let loss = Infinity;
    for (let step = 0; step < 150; step++) {
      const [logits] = model.forward(x);
      const l = crossEntropy(logits, y);
      loss = l.item();
      l.backward();
      opt.step();
      opt.zeroGrad();
    }
    assert.ok(loss < 0.01, `loss after training is ${loss}`);
    assert.equal(sample(model, vocab, { prime: 'h', length: 4, temperature: 0 }), 'ello');
  });
}
