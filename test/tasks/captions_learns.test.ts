// A short captions run learns in seconds: on small single-shape images (8×8, "a {colour} {kind}")
// a small caption model with attention over its 2×2 grid, trained for 200 steps, names the colour
// and the kind of held-out shapes far above chance (1/5 and 1/3), gets whole captions right far
// above chance (1/15), and its BLEU-1 beats the untrained model's.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCaptions, scoreCaptions, captionsModel, heldOutSeed } from '../../src/tasks/captions.js';
import { captionImages } from '../../src/seq2seq/caption_model.js';
import { captionVocab, SHAPE_COLOURS, SHAPE_KINDS, shapesDataset, tokenizeCaption } from '../../src/tasks/shapes_images.js';

test('single-shape captions: colour and kind words well above chance after 200 steps', async () => {
  const vocab = captionVocab();
  const options = {
    attention: 'general' as const, hiddenSize: 32, embeddingSize: 16, channels: [8, 16], batchSize: 32,
    steps: 200, lr: 1e-2, testSize: 150, data: { maxShapes: 1, grid: 1 }, seed: 2,
  };
  // The untrained model's BLEU-1 on the same held-out images, for comparison.
  const heldOut = shapesDataset(150, heldOutSeed(2), options.data);
  const before = scoreCaptions(captionImages(captionsModel(options, vocab), heldOut.images, { maxLength: 8 }).map((h) => h.tokens), heldOut, vocab);

  const t0 = Date.now();
  const res = await runCaptions(options);
  const outputs = captionImages(res.model, res.heldOut.images, { maxLength: 8 }).map((h) => vocab.decodeSymbols(h.tokens));
  let colour = 0, kind = 0;
  res.heldOut.shapes.forEach((s, i) => {
    if (outputs[i].includes(s[0].colour)) colour++;
    if (outputs[i].includes(s[0].kind)) kind++;
    assert.deepEqual(tokenizeCaption(res.heldOut.captions[i]), ['a', s[0].colour, s[0].kind]);
  });
  const n = res.heldOut.shapes.length;
  console.log(`colour ${colour}/${n}, kind ${kind}/${n}, exact ${res.exactMatch.toFixed(3)}, BLEU-1 ${before.bleu[0].toFixed(3)} → ${res.bleu[0].toFixed(3)}, ${Date.now() - t0} ms`);
  assert.equal(res.steps, 200);
  assert.ok(colour / n > 0.8, `colour named in ${colour}/${n} captions (chance 1/${SHAPE_COLOURS.length})`);
  assert.ok(kind / n > 0.55, `kind named in ${kind}/${n} captions (chance 1/${SHAPE_KINDS.length})`);
  assert.ok(res.exactMatch > 0.4, `exact captions ${res.exactMatch} (chance 1/15)`);
  assert.ok(res.bleu[0] > before.bleu[0] + 0.2, `BLEU-1 ${before.bleu[0]} → ${res.bleu[0]}`);
  assert.ok(res.loss < res.firstLoss / 3, `loss ${res.firstLoss} → ${res.loss}`);
});
