// The Kneser–Ney n-gram baseline: probabilities on a tiny corpus equal the values worked out by hand
// (bigram level over continuation-count unigrams over the uniform), the estimated discounts are
// n₁ / (n₁ + 2 n₂), every context's distribution sums to one over the vocabulary for orders 0–4,
// and ngramBaseline scores the character trainer's validation split.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KneserNeyModel, ngramBaseline } from '../../src/train/ngram.js';
import { Vocab } from '../../src/data/vocab.js';
import { splitTrainVal } from '../../src/data/split.js';
import { Rng } from '../../src/tensor/random.js';
import { assertClose } from '../helpers/tensors.js';

// a b a c a b, with a fourth symbol d in the vocabulary that never occurs
const [a, b, c, d] = [0, 1, 2, 3];
const ids = [a, b, a, c, a, b];

test('order 1, D = 1/2: P(w | h) by hand', () => {
  const m = KneserNeyModel.fit(ids, { order: 1, vocabSize: 4, discount: 0.5 });
  // unigram level from continuation counts N₁₊(•a) = 2 (b, c before it), N₁₊(•b) = 1, N₁₊(•c) = 1; Σ = 4, 3 types:
  // P(w) = max(N₁₊(•w) − ½, 0)/4 + (½·3/4)·¼
  const uni = [1.5 / 4 + 3 / 32, 0.5 / 4 + 3 / 32, 0.5 / 4 + 3 / 32, 3 / 32];
  assertClose(m.distribution([]), uni, 1e-15);
  // after a: c(ab) = 2, c(ac) = 1, total 3, 2 types
  assertClose(m.distribution([a]), [uni[a] / 3, 1.5 / 3 + uni[b] / 3, 0.5 / 3 + uni[c] / 3, uni[d] / 3], 1e-15);
  // after b: c(ba) = 1 (the final b is followed by nothing)
  assertClose(m.distribution([b]), [0.5 + 0.5 * uni[a], 0.5 * uni[b], 0.5 * uni[c], 0.5 * uni[d]], 1e-15);
  // an unseen context falls back to the unigram level; so does the empty one; only the last k symbols count
  assertClose(m.distribution([d]), uni, 1e-15);
  assertClose(m.distribution([c, c, a]), m.distribution([a]), 0);
  assert.equal(m.prob([b], a), 0.734375);
});

test('the estimated discounts are n₁ / (n₁ + 2 n₂) per level', () => {
  const m = KneserNeyModel.fit(ids, { order: 1, vocabSize: 4 });
  // unigram continuation counts 2, 1, 1 → n₁ = 2, n₂ = 1; bigram counts ab 2, ac 1, ba 1, ca 1 → n₁ = 3, n₂ = 1
  assert.deepEqual(m.discounts, [2 / 4, 3 / 5]);
  const uni = m.distribution([]);
  assertClose([uni[a]], [1.5 / 4 + 0.5 * 3 / 4 / 4], 1e-15);
  assertClose([m.prob([a], b)], [(2 - 0.6) / 3 + (0.6 * 2 / 3) * uni[b]], 1e-15);
});

test('every context’s distribution sums to one over the vocabulary, orders 0–4', () => {
  const rng = new Rng(5);
  // a corpus with structure (repeats) and noise, over 6 of 7 symbols
  const text = Array.from({ length: 600 }, (_, i) => (rng.random() < 0.7 ? [0, 1, 2, 3, 1][i % 5] : rng.int(6)));
  for (let k = 0; k <= 4; k++) {
    const m = KneserNeyModel.fit(text, { order: k, vocabSize: 7 });
    const contexts = new Set<string>();
    for (let i = 0; i + k <= text.length; i++) contexts.add(text.slice(i, i + k).join(','));
    contexts.add([6, 6, 6, 6].slice(0, k).join(',')); // never seen
    contexts.add(''); // the start of a text
    for (const ctx of contexts) {
      const h = ctx === '' ? [] : ctx.split(',').map(Number);
      const p = m.distribution(h);
      const s = p.reduce((x, y) => x + y, 0);
      assert.ok(Math.abs(s - 1) < 1e-12, `order ${k}, context [${ctx}]: Σ = ${s}`);
      assert.ok(p.every((v) => v > 0), `order ${k}, context [${ctx}]: a zero probability`);
    }
  }
});

test('ngramBaseline scores the last 10% of the text (the trainer’s split) and higher orders do better on structured text', () => {
  const rng = new Rng(2);
  const words = ['the ', 'cat ', 'sat ', 'on ', 'a ', 'mat. '];
  let text = '';
  while (text.length < 4000) text += words[rng.int(words.length)];
  const vocab = Vocab.fromText(text);
  const { train, val } = splitTrainVal(vocab.encode(text), 0.1);
  const losses = [0, 1, 2, 4].map((order) => {
    const r = ngramBaseline(text, { order });
    assert.equal(r.trainChars, train.length);
    assert.equal(r.valChars, val.length);
    assert.equal(r.vocabSize, vocab.size);
    assertClose([r.valLoss], [KneserNeyModel.fit(train, { order, vocabSize: vocab.size }).crossEntropy(val)], 0);
    assertClose([r.valBits], [r.valLoss / Math.LN2], 1e-15);
    return r.valLoss;
  });
  for (let i = 1; i < losses.length; i++) assert.ok(losses[i] < losses[i - 1], `losses by order: ${losses}`);
  assert.ok(losses[0] < Math.log(vocab.size));
});

test('KneserNeyModel refuses bad orders, ids and discounts by name', () => {
  assert.throws(() => KneserNeyModel.fit(ids, { order: -1, vocabSize: 4 }), /expected an n-gram order \(context length\) between 0 and 32, got -1/);
  assert.throws(() => KneserNeyModel.fit([0, 5], { order: 1, vocabSize: 4 }), /expected ids in \[0, 4\), got 5 at position 1/);
  assert.throws(() => KneserNeyModel.fit(ids, { order: 1, vocabSize: 4, discount: 1.5 }), /expected a discount in \(0, 1\], got 1.5/);
  assert.throws(() => KneserNeyModel.fit([], { order: 1, vocabSize: 4 }), /expected training ids, got none/);
});
