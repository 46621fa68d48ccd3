// Decoding: beam search of width 1 is greedy decoding; on a hand-built decoder whose best sequence
// is known by enumeration, beam search finds it where greedy does not; batching rows changes no
// row's answer; sampling follows softmax(logits / temperature) and top-k.

import test from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { Seq2Seq } from '../../src/seq2seq/model.js';
import { padBatch } from '../../src/seq2seq/batch.js';
import { decode, greedyDecode } from '../../src/seq2seq/decoding.js';
import { beamSearch } from '../../src/seq2seq/beam_search.js';
import { EOS } from '../../src/data/vocab.js';
import { TableDecoder, enumerate, type ProbTable } from './table_decoder.js';

// Tokens: 0 PAD, 1 BOS, 2 EOS, 3 'A', 4 'B'. Row 0: greedy goes A then A (0.35 beats EOS 0.3) and
// ends with p(A A EOS) = 0.21, but p(B EOS) = 0.4 · 0.9 = 0.36 is the best sequence.
const A = 3, Bt = 4, V = 5;
const table: ProbTable = (row, prefix) => {
  const key = prefix.join(',');
  if (row === 0) {
    if (key === '') return [0, 0, 0, 0.6, 0.4];
    if (key === `${A}`) return [0, 0, 0.3, 0.35, 0.35];
    if (key === `${Bt}`) return [0, 0, 0.9, 0.05, 0.05];
    return [0, 0, 1, 0, 0];
  }
  // Row 1: a different model where the greedy path is best: B B B EOS with high probability.
  if (prefix.length < 3) return [0, 0, 0.1, 0.2, 0.7];
  return [0, 0, 1, 0, 0];
};

test('beam search finds the known best sequence of a hand-built decoder where greedy does not', () => {
  const all = enumerate(table, 0, V, EOS, 6);
  const best = all.reduce((x, y) => (y.p > x.p ? y : x));
  assert.deepEqual(best.tokens, [Bt]);
  const greedy = greedyDecode(new TableDecoder(V, 1, table), { maxLength: 6 })[0];
  assert.deepEqual(greedy.tokens, [A, A]);
  assert.ok(Math.abs(greedy.logProb - Math.log(0.6 * 0.35 * 1)) < 1e-12);
  const beam = beamSearch(new TableDecoder(V, 1, table), { beamWidth: 2, maxLength: 6, lengthPenalty: 0 })[0];
  assert.deepEqual(beam.tokens, best.tokens);
  assert.ok(Math.abs(beam.logProb - Math.log(best.p)) < 1e-12);
  assert.equal(beam.finished, true);
  // Its n-best list is sorted and holds only true sequence probabilities.
  for (let i = 1; i < beam.nbest.length; i++) assert.ok(beam.nbest[i - 1].score >= beam.nbest[i].score);
  for (const h of beam.nbest) {
    const ref = all.find((s) => s.tokens.join() === h.tokens.join());
    assert.ok(ref && Math.abs(Math.log(ref.p) - h.logProb) < 1e-12, `hypothesis ${h.tokens}`);
  }
});

test('batched beam search gives each row the answer it gets alone', () => {
  const both = beamSearch(new TableDecoder(V, 2, table), { beamWidth: 3, maxLength: 8, lengthPenalty: 0.7 });
  for (const row of [0, 1]) {
    const alone = beamSearch(new TableDecoder(V, 1, (_, p) => table(row, p)), { beamWidth: 3, maxLength: 8, lengthPenalty: 0.7 })[0];
    assert.deepEqual(both[row].tokens, alone.tokens);
    assert.ok(Math.abs(both[row].score - alone.score) < 1e-12);
  }
  assert.deepEqual(both[1].tokens, [Bt, Bt, Bt]);
});

test('a row cut at the maximum length comes back unfinished', () => {
  const forever: ProbTable = () => [0, 0, 0.01, 0.99, 0];
  const g = greedyDecode(new TableDecoder(V, 1, forever), { maxLength: 4 })[0];
  assert.deepEqual(g.tokens, [A, A, A, A]);
  assert.equal(g.finished, false);
  const b = beamSearch(new TableDecoder(V, 1, forever), { beamWidth: 1, maxLength: 4 })[0];
  assert.deepEqual(b.tokens, [A, A, A, A]);
  assert.equal(b.finished, false);
});

test('beam search of width 1 equals greedy decoding on a trained-shape model, row by row', () => {
  for (const [cell, attention] of [['lstm', 'additive'], ['gru', 'general'], ['rnn', 'none']] as const) {
    const model = new Seq2Seq({ srcVocabSize: 9, tgtVocabSize: 7, embeddingSize: 5, hiddenSize: 6, cell, attention, bidirectional: true }, { rng: new Rng(3) });
    const { ids, lengths } = padBatch([[4, 5, 6, 7], [8, 4], [5, 5, 5]]);
    const greedy = greedyDecode(model.session(ids, lengths), { maxLength: 9 });
    const beam = beamSearch(model.session(ids, lengths), { beamWidth: 1, maxLength: 9 });
    greedy.forEach((g, b) => {
      assert.deepEqual(beam[b].tokens, g.tokens, `${cell}/${attention} row ${b}`);
      assert.equal(beam[b].finished, g.finished);
      assert.ok(Math.abs(beam[b].logProb - g.logProb) < 1e-4, `${cell}/${attention} row ${b}: ${beam[b].logProb} vs ${g.logProb}`);
    });
  }
});

test('sampling follows softmax(logits / T), and top-k = 1 is greedy', () => {
  const n = 4000;
  const row0: ProbTable = (_, p) => table(0, p);
  const first = (temperature: number, seed: number): number => {
    const hyps = decode(new TableDecoder(V, n, row0), { temperature, rng: new Rng(seed), maxLength: 1 });
    return hyps.filter((h) => h.tokens[0] === A).length / n;
  };
  // p(A) = 0.6 at T = 1; at T = 0.5 the probabilities are squared and renormalised: 0.36 / 0.52.
  assert.ok(Math.abs(first(1, 1) - 0.6) < 0.03, `T = 1: ${first(1, 1)}`);
  assert.ok(Math.abs(first(0.5, 2) - 0.36 / 0.52) < 0.03, `T = 0.5: ${first(0.5, 2)}`);
  const top1 = decode(new TableDecoder(V, 50, (_, p) => table(1, p)), { temperature: 2, topK: 1, rng: new Rng(3), maxLength: 6 });
  for (const h of top1) assert.deepEqual(h.tokens, [Bt, Bt, Bt]);
  assert.throws(() => decode(new TableDecoder(V, 1, table), { temperature: -1 }), /expected a temperature >= 0, got -1/);
  assert.throws(() => beamSearch(new TableDecoder(V, 1, table), { beamWidth: 0 }), /expected a beam width in \[1, 256\], got 0/);
  assert.throws(() => beamSearch(new TableDecoder(V, 1, table), { beamWidth: 1_000_000_000 }), /expected a beam width in \[1, 256\], got 1000000000/);
});

test('greedy decoding keeps each step\'s attention weights: a row batched equals the row alone, and equals the teacher-forced forward', () => {
  const model = new Seq2Seq({ srcVocabSize: 9, tgtVocabSize: 7, embeddingSize: 5, hiddenSize: 6, cell: 'gru', attention: 'additive' }, { rng: new Rng(4) });
  model.eval();
  const sources = [[4, 5, 6, 7], [8, 4], [5, 5, 5]];
  const { ids, lengths } = padBatch(sources);
  const batched = greedyDecode(model.session(ids, lengths), { maxLength: 6, keepWeights: true });
  batched.forEach((h, b) => {
    const S = sources[b].length;
    const one = padBatch([sources[b]]);
    const [alone] = greedyDecode(model.session(one.ids, one.lengths), { maxLength: 6, keepWeights: true });
    assert.deepEqual(alone.tokens, h.tokens);
    const w = h.weights!;
    assert.equal(w.length, h.tokens.length + (h.finished ? 1 : 0), `row ${b}: one row of weights per produced token, EOS included`);
    w.forEach((row, t) => {
      assert.equal(row.length, 4, 'S of the padded batch');
      row.forEach((v, s) => {
        // Padding gets exp(−∞); float32 softmax on wasm returns it as a denormal, not always 0.
        if (s >= S) assert.ok(v < 1e-30, `row ${b} step ${t}: padded position ${s} has weight ${v}`);
        else assert.ok(Math.abs(v - alone.weights![t][s]) < 1e-6, `row ${b} step ${t} position ${s}: ${v} vs ${alone.weights![t][s]}`);
      });
    });
    // The whole-sequence forward fed BOS, y_1, … gives the same weights at every step.
    const tgtIn = [1, ...h.tokens].slice(0, w.length);
    const { weights } = model.forward(one.ids, one.lengths, { data: Int32Array.from(tgtIn), shape: [1, tgtIn.length] });
    w.forEach((row, t) => row.slice(0, S).forEach((v, s) => assert.ok(Math.abs(v - weights!.data[t * S + s]) < 1e-5)));
  });
  assert.throws(() => greedyDecode(new TableDecoder(V, 1, table), { keepWeights: true }), /keepWeights: expected attention weights from the decoder step, got none/);
});
