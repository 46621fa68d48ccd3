// Attention maps of a seq2seq model: the weights collected while decoding step by step equal those
// of the model's whole-sequence forward fed the same outputs; and `unfold viz` on a seq2seq
// checkpoint draws them in the browser.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../../src/tensor/random.js';
import { indices } from '../../src/autograd/ops/gather.js';
import { Seq2Seq } from '../../src/seq2seq/model.js';
import { Vocab, BOS, SEQUENCE_SPECIALS } from '../../src/data/vocab.js';
import { padBatch } from '../../src/seq2seq/batch.js';
import { saveCheckpoint } from '../../src/train/checkpoint_file.js';
import { seq2seqAttentionMaps } from '../../src/viz/seq2seq_attention.js';
import { launchChromium, watchedPage } from './browser.js';
import { tempDir, CLI } from '../helpers/files.js';

function tinyModel(): { model: Seq2Seq; vocab: Vocab } {
  const vocab = Vocab.fromTexts(['abcde '], { specials: SEQUENCE_SPECIALS });
  const model = new Seq2Seq({ srcVocabSize: vocab.size, tgtVocabSize: vocab.size, embeddingSize: 6, hiddenSize: 8, cell: 'gru', attention: 'additive' }, { rng: new Rng(2) });
  return { model, vocab };
}

test('seq2seqAttentionMaps: rows are the weights of the teacher-forced forward on the decoded output', () => {
  const { model, vocab } = tinyModel();
  const [map] = seq2seqAttentionMaps(model, vocab, vocab, ['abc de'], 7);
  assert.deepEqual(map.source, ['a', 'b', 'c', '␣', 'd', 'e']);
  assert.equal(map.weights.length, map.target.length);
  assert.ok(map.target.length >= 1 && map.target.length <= 7);
  // Re-run the whole target through forward: decoder inputs BOS, y_1, …, y_{T−1}.
  const outIds = map.target.map((c) => (c === '<eos>' ? -1 : vocab.encode(c === '␣' ? ' ' : c)[0]));
  const tgtIn = [BOS, ...outIds.slice(0, -1)];
  const { ids, lengths } = padBatch([vocab.encode('abc de')]);
  model.eval();
  const { weights } = model.forward(ids, lengths, indices(tgtIn, [1, tgtIn.length]));
  const w = weights!.data;
  map.weights.forEach((row, t) => {
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'each row sums to 1');
    row.forEach((v, s) => assert.ok(Math.abs(v - w[t * 6 + s]) < 1e-6, `α[${t}][${s}]: ${v} vs ${w[t * 6 + s]}`));
  });
  const none = new Seq2Seq({ srcVocabSize: vocab.size, tgtVocabSize: vocab.size, embeddingSize: 4, hiddenSize: 4, cell: 'rnn' });
  assert.throws(() => seq2seqAttentionMaps(none, vocab, vocab, ['ab']), /attention 'none'/);
});

test('unfold viz on a seq2seq checkpoint draws its attention maps', async () => {
  const { model, vocab } = tinyModel();
  const dir = tempDir();
  const ckpt = join(dir, 's2s.safetensors'), src = join(dir, 'src.tsv'), html = join(dir, 'r.html');
  await saveCheckpoint(ckpt, { model, vocabs: { source: vocab, target: vocab }, step: 3 });
  writeFileSync(src, 'abc\tcba\n\nde a\taed\n');
  const r = spawnSync(process.execPath, [CLI, 'viz', '--checkpoint', ckpt, src, '--out', html], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /2 attention maps/);
  const ctx = await launchChromium();
  try {
    const { page, errors } = await watchedPage(ctx);
    await page.goto(`file://${html}`);
    assert.equal(await page.locator('#attention figure.attention-map').count(), 2);
    assert.equal(await page.locator('#attention figure').first().locator('th.att-src').count(), 3);
    assert.equal(await page.locator('section#cells').isHidden(), true);
    assert.match(await page.locator('#summary-body').innerText(), /Seq2seq GRU encoder-decoder, hidden 8, additive attention/);
    assert.deepEqual(errors, []);
  } finally {
    await ctx.close();
  }
});
