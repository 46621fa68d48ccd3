// The numbers a report draws, recomputed independently from the traced model and the text.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { CharModel } from '../../src/train/char_model.js';
import { Vocab } from '../../src/data/vocab.js';
import { buildReportData } from '../../src/viz/report_data.js';
import { traceCharModel } from '../../src/diagnostics/char_model_trace.js';
import { pearson, unitSeries } from '../../src/diagnostics/correlation.js';
import { textFeatures } from '../../src/diagnostics/text_features.js';
import { hiddenValues } from '../../src/diagnostics/trace.js';
import { quotedCorpus } from './fixtures.js';

test('report data: correlations, saturation counts, predictions and gradients agree with direct computations', () => {
  const text = quotedCorpus(12);
  const vocab = Vocab.fromText(text);
  const model = new CharModel({ vocabSize: vocab.size, cell: 'gru', hiddenSize: 6, numLayers: 2, embeddingSize: 5, dropout: 0 }, { rng: new Rng(4) });
  const d = buildReportData(model, vocab, text, { train: [], val: [] }, { maxChars: 150, gradientChars: 40, topCells: 3 });
  const chars = Array.from(text).slice(0, 150);
  assert.deepEqual(d.chars, chars);
  const tr = traceCharModel(model, vocab.encode(chars.join('')), { gradients: false });
  const feats = textFeatures(chars.join(''));
  assert.equal(d.topCells.length, 3);
  for (const c of d.topCells) {
    const acts = hiddenValues(tr.layers[c.layer]);
    const r = pearson(unitSeries(acts, 6, c.unit), feats[c.feature as keyof typeof feats]);
    assert.ok(Math.abs(r - c.r) < 1e-3, `top cell ${c.layer}/${c.unit}: ${r} vs ${c.r}`);
    // no unit of any layer beats the best shown one on any feature
  }
  const best = Math.max(...d.correlations.flatMap((byF) => Object.values(byF).flatMap((rs) => rs.map(Math.abs))));
  assert.ok(Math.abs(Math.abs(d.topCells[0].r) - best) < 1e-9);
  // GRU: gates r and z in each of 2 layers; histograms count every unit once
  assert.deepEqual(d.saturation.map((s) => `${s.layer}${s.gate}`), ['0r', '0z', '1r', '1z']);
  for (const s of d.saturation) {
    assert.equal(s.leftHistogram.reduce((a, b) => a + b, 0), 6);
    assert.equal(s.rightHistogram.reduce((a, b) => a + b, 0), 6);
  }
  assert.equal(d.spectral.length, 6); // r, z, n × 2 layers
  assert.equal(d.predictions.length, 150);
  for (let t = 0; t < 150; t++) {
    const probs = d.predictions[t].map((p) => p.p);
    assert.ok(probs.every((p, k) => k === 0 || p <= probs[k - 1]));
    const exact = Array.from(tr.probs.subarray(t * vocab.size, (t + 1) * vocab.size)).sort((a, b) => b - a);
    assert.ok(Math.abs(probs[0] - exact[0]) < 1e-3);
  }
  // gradients: this model's top layer, reversed to distance order
  const g = traceCharModel(model, vocab.encode(chars.slice(0, 41).join('')), { loss: 'last' }).gradNorms[1];
  assert.equal(d.gradients!.distance.length, 40);
  for (let k = 0; k < 40; k++) assert.ok(Math.abs(d.gradients!.model[k] - g[39 - k]) <= 1e-6 * Math.max(1, g[39 - k]));
  assert.ok(d.gradients!.vanilla.every((v) => Number.isFinite(v) && v >= 0));
  assert.match(d.gradients!.vanillaNote, /untrained 2-layer tanh RNN, hidden 6/);
});
