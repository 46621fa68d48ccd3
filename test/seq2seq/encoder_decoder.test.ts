// The encoder-decoder: gradients of the training loss through encoder, bridge, decoder cells,
// attention and head agree with finite differences (float64); a padded row gives exactly what it
// gives alone (padding never leaks into real positions, the summary or the attention); teacher
// forcing feeds the truth and ε = 0 feeds the model's own arg-max; the context modes wire c in.

import test from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { gradcheck } from '../../src/autograd/gradcheck.js';
import { Seq2Seq, type Seq2SeqConfig } from '../../src/seq2seq/model.js';
import { padBatch, targetBatch } from '../../src/seq2seq/batch.js';
import { BOS } from '../../src/data/vocab.js';
import { assertClose } from '../helpers/tensors.js';

const f64 = (seed: number) => ({ dtype: 'float64' as const, rng: new Rng(seed) });
const sources = [[4, 5, 6], [7, 4], [5, 6, 7, 4, 5]];
const targets = [[4, 5], [6], [7, 7, 4]];

function checkLossGradient(config: Seq2SeqConfig, seed: number): void {
  const model = new Seq2Seq(config, f64(seed));
  const { ids, lengths } = padBatch(sources.slice(0, 2));
  const tgt = targetBatch(targets.slice(0, 2));
  const res = gradcheck(() => model.loss(ids, lengths, tgt).loss, model.parameters(), { atol: 1e-7, rtol: 1e-5 });
  assert.ok(res.ok, `${JSON.stringify(config)}: max error ${res.maxAbsError}`);
  for (const [name, p] of model.namedParameters()) assert.ok(p.grad !== null, `${name} got no gradient`);
}

test('gradcheck (float64): LSTM, bidirectional encoder, additive attention, context as state and input', () => {
  checkLossGradient({ srcVocabSize: 8, tgtVocabSize: 8, embeddingSize: 3, hiddenSize: 3, cell: 'lstm', bidirectional: true, attention: 'additive', attentionSize: 2, context: 'both' }, 1);
});

test('gradcheck (float64): two-layer GRU, general attention, context as input', () => {
  checkLossGradient({ srcVocabSize: 8, tgtVocabSize: 8, embeddingSize: 2, hiddenSize: 3, numLayers: 2, cell: 'gru', attention: 'general', context: 'input' }, 2);
});

test('gradcheck (float64): plain RNN encoder-decoder without attention, context as initial state', () => {
  checkLossGradient({ srcVocabSize: 8, tgtVocabSize: 8, embeddingSize: 3, hiddenSize: 4, cell: 'rnn', attention: 'none', context: 'init' }, 3);
});

test('a padded row decodes exactly as it does alone (bidirectional, stacked, attention)', () => {
  for (const cell of ['lstm', 'gru'] as const) {
    const model = new Seq2Seq({ srcVocabSize: 8, tgtVocabSize: 8, embeddingSize: 3, hiddenSize: 4, numLayers: 2, cell, bidirectional: true, attention: 'general', context: 'both' }, f64(4));
    const { ids, lengths } = padBatch(sources);
    const tgt = targetBatch(targets);
    const batched = model.forward(ids, lengths, tgt.input);
    const [, T, V] = batched.logits.shape, S = ids.shape[1];
    sources.forEach((src, b) => {
      const one = padBatch([src]);
      const alone = model.forward(one.ids, one.lengths, { data: tgt.input.data.slice(b * T, (b + 1) * T), shape: [1, T] });
      assertClose(batched.logits.data.subarray(b * T * V, (b + 1) * T * V), alone.logits.data, 1e-12, 0, `${cell} row ${b} logits`);
      // Weights over the row's own positions match; past its length they are exactly zero.
      for (let t = 0; t < T; t++) {
        for (let s = 0; s < S; s++) {
          const w = batched.weights!.data[(b * T + t) * S + s];
          if (s >= src.length) assert.equal(w, 0);
          else assert.ok(Math.abs(w - alone.weights!.data[t * src.length + s]) < 1e-12);
        }
      }
    });
  }
});

test('teacher forcing feeds the truth; ε = 0 feeds the previous arg-max (scheduled sampling ends)', () => {
  const model = new Seq2Seq({ srcVocabSize: 8, tgtVocabSize: 8, embeddingSize: 3, hiddenSize: 4, cell: 'lstm', attention: 'general' }, f64(5));
  const { ids, lengths } = padBatch(sources);
  const tgt = targetBatch(targets);
  const [B, T] = tgt.input.shape;
  const V = 8;
  const replay = (feedOf: (b: number, t: number, logits: Float64Array | null) => number): Float64Array => {
    const s = model.session(ids, lengths);
    const out = new Float64Array(B * T * V);
    let last: Float64Array | null = null;
    for (let t = 0; t < T; t++) {
      const prev = Int32Array.from({ length: B }, (_, b) => feedOf(b, t, last));
      last = Float64Array.from(s.next(prev));
      for (let b = 0; b < B; b++) out.set(last.subarray(b * V, (b + 1) * V), (b * T + t) * V);
    }
    return out;
  };
  const forced = model.forward(ids, lengths, tgt.input, { teacherForcing: 1 });
  assertClose(forced.logits.data, replay((b, t) => tgt.input.data[b * T + t]), 1e-12, 0, 'teacher forcing');
  const free = model.forward(ids, lengths, tgt.input, { teacherForcing: 0 });
  const argmaxRow = (l: Float64Array, b: number): number => {
    let best = 0;
    for (let v = 1; v < V; v++) if (l[b * V + v] > l[b * V + best]) best = v;
    return best;
  };
  assertClose(free.logits.data, replay((b, t, l) => (t === 0 ? BOS : argmaxRow(l!, b))), 1e-12, 0, 'free running');
  // In between, some steps take the truth and some the prediction: the logits match neither.
  const mixed = model.forward(ids, lengths, tgt.input, { teacherForcing: 0.5, rng: new Rng(9) });
  assert.notDeepEqual(Array.from(mixed.logits.data), Array.from(forced.logits.data));
  assert.throws(() => model.forward(ids, lengths, tgt.input, { teacherForcing: 1.5 }), /expected a teacher-forcing probability in \[0, 1\], got 1.5/);
});

test('the context modes: c reaches the decoder only where configured', () => {
  // With context 'input' the bridge does not exist; with 'init' the first cell's input has no c.
  const base = { srcVocabSize: 8, tgtVocabSize: 8, embeddingSize: 3, hiddenSize: 4, cell: 'gru' as const, attention: 'none' as const };
  const names = (context: 'init' | 'input' | 'both') => new Seq2Seq({ ...base, context }).namedParameters().map(([n, p]) => `${n}:${p.shape.join('x')}`);
  assert.ok(names('init').includes('decoder.bridge_l0.weight:4x4'));
  assert.ok(names('init').includes('decoder.cell_l0.weight_ih:12x3'));
  assert.ok(!names('input').some((n) => n.startsWith('decoder.bridge')));
  assert.ok(names('input').includes('decoder.cell_l0.weight_ih:12x7'));
  assert.ok(names('both').includes('decoder.bridge_l0.weight:4x4') && names('both').includes('decoder.cell_l0.weight_ih:12x7'));
  assert.throws(() => new Seq2Seq({ ...base, context: 'sideways' as 'init' }), /expected context init, input or both, got sideways/);
  assert.throws(() => new Seq2Seq({ ...base, hiddenSize: 0 }), /expected hiddenSize to be a positive integer, got 0/);
});
