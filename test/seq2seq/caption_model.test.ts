// The caption model as a whole: attention over the image grid gives, at every word, weights that
// are non-negative and sum to one over the H'·W' locations; the training forward equals stepping the
// decoder by hand; beam search of width 1 gives exactly greedy decoding's captions and
// log-probabilities; and the attention maps of the report have one row per word and one column per cell.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { CaptionModel, captionImages } from '../../src/seq2seq/caption_model.js';
import { greedyDecode } from '../../src/seq2seq/decoding.js';
import { beamSearch } from '../../src/seq2seq/beam_search.js';
import { targetBatch } from '../../src/seq2seq/batch.js';
import { captionVocab, captionWords, encodeCaption, shapesDataset } from '../../src/tasks/shapes_images.js';
import { captionAttentionMaps, gridCellNames } from '../../src/viz/captions_attention.js';

const vocab = captionVocab();

function model(attention: 'additive' | 'general' | 'none', seed = 5): CaptionModel {
  return new CaptionModel({
    vocabSize: vocab.size, embeddingSize: 8, hiddenSize: 12, cell: 'lstm', attention, context: attention === 'none' ? 'both' : 'init',
    encoder: { channels: [4, 6, 6] },
  }, { rng: new Rng(seed) });
}

test('attention over the 3×3 grid: every word\'s weights are >= 0 and sum to one', () => {
  const data = shapesDataset(4, 21);
  const tgt = targetBatch(data.captions.map((c) => encodeCaption(vocab, c)));
  for (const kind of ['additive', 'general'] as const) {
    const m = model(kind);
    const { logits, weights } = m.forward(data.images, tgt.input);
    const [B, T] = tgt.input.shape;
    assert.deepEqual(logits.shape, [B, T, vocab.size]);
    assert.ok(weights);
    assert.deepEqual(weights.shape, [B, T, 9]);
    for (let r = 0; r < B * T; r++) {
      let s = 0;
      for (let l = 0; l < 9; l++) { const w = weights.data[r * 9 + l]; assert.ok(w >= 0); s += w; }
      assert.ok(Math.abs(s - 1) < 1e-5, `${kind}: row ${r} sums to ${s}`);
    }
  }
  assert.equal(model('none').forward(data.images, tgt.input).weights, null);
});

test('the training forward equals stepping the decoder by hand with the true previous words', () => {
  const data = shapesDataset(3, 8);
  const tgt = targetBatch(data.captions.map((c) => encodeCaption(vocab, c)));
  const m = model('additive');
  const { logits } = m.forward(data.images, tgt.input);
  const [B, T] = tgt.input.shape;
  const ctx = m.encode(data.images);
  let state = m.decoder.initialState(ctx);
  for (let t = 0; t < T; t++) {
    const prev = Int32Array.from({ length: B }, (_, b) => tgt.input.data[b * T + t]);
    const out = m.decoder.step(prev, state, ctx);
    state = out.state;
    for (let b = 0; b < B; b++) for (let v = 0; v < vocab.size; v++) {
      assert.ok(Math.abs(out.logits.data[b * vocab.size + v] - logits.data[(b * T + t) * vocab.size + v]) < 1e-6);
    }
  }
});

test('beam search of width 1 equals greedy decoding for the caption model', () => {
  const data = shapesDataset(6, 33);
  for (const kind of ['general', 'none'] as const) {
    const m = model(kind, 9);
    const greedy = greedyDecode(m.session(data.images), { maxLength: 15 });
    const beam = beamSearch(m.session(data.images), { beamWidth: 1, maxLength: 15, lengthPenalty: 0 });
    assert.equal(greedy.length, 6);
    greedy.forEach((g, i) => {
      assert.deepEqual(beam[i].tokens, g.tokens, `${kind}: image ${i}`);
      assert.equal(beam[i].finished, g.finished);
      assert.ok(Math.abs(beam[i].logProb - g.logProb) < 1e-9, `${kind}: log p ${beam[i].logProb} vs ${g.logProb}`);
    });
    // captionImages batches the same decoding: split in batches of 4 and 2, the same captions.
    const batched = captionImages(m, data.images, { batchSize: 4, maxLength: 15 });
    assert.deepEqual(batched.map((h) => h.tokens), greedy.map((h) => h.tokens));
    const beamed = captionImages(m, data.images, { beamWidth: 1, batchSize: 5, maxLength: 15, lengthPenalty: 0 });
    assert.deepEqual(beamed.map((h) => h.tokens), greedy.map((h) => h.tokens));
  }
});

test('report maps: one row per generated word (then <eos>), one column per grid cell r{row}c{col}', () => {
  assert.deepEqual(gridCellNames(2, 3), ['r0c0', 'r0c1', 'r0c2', 'r1c0', 'r1c1', 'r1c2']);
  const data = shapesDataset(2, 4);
  const m = model('general');
  const maps = captionAttentionMaps(m, data.images, captionWords(vocab), data.captions, 6);
  assert.equal(maps.length, 2);
  const greedy = greedyDecode(m.session(data.images), { maxLength: 6 });
  maps.forEach((map, i) => {
    assert.deepEqual(map.source, gridCellNames(3, 3));
    const words = greedy[i].tokens.map((id) => vocab.nameOf(id));
    assert.deepEqual(map.target, greedy[i].finished ? [...words, '<eos>'] : words);
    for (const row of map.weights) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  });
  assert.throws(() => captionAttentionMaps(model('none'), data.images, captionWords(vocab)), /expected a caption model with attention/);
  assert.throws(() => m.forward(data.images, { data: new Int32Array(3), shape: [3, 1] }), /expected decoder inputs of shape \[2, T\], got \[3, 1\]/);
});
