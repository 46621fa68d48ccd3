// RNN / LSTM / GRU layers over T = 4 steps against the step-by-step reference of reference_rnn.ts:
// two layers, bidirectional (reverse direction from t = T−1 down, output [fwd, bwd]), batch-first,
// given initial states, unbatched [T, I] input, and final states laid out [layer·D + direction].

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, type Tensor } from '../../../src/tensor/tensor.js';
import { assertClose } from '../../helpers/tensors.js';
import { carryOf, flat, inputValue, runLayers, stateValue, to3, type Kind } from '../../helpers/reference_rnn.js';
import { makeLayer, runLayer } from '../../helpers/recurrent_layers.js';
import type { RecurrentLayerConfig } from '../../../src/nn/layers/recurrent_layer.js';

const T = 4, I = 3, H = 2;
const kinds: Kind[] = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru', 'gru_reset_before'];

const t64 = (v: number[], shape: number[]): Tensor => tensor(v, shape, { dtype: 'float64' });
const transpose01 = <X>(a: X[][]): X[][] => a[0].map((_, j) => a.map((row) => row[j]));

interface Case { name: string; opts: Partial<RecurrentLayerConfig>; B: number; unbatched?: boolean; withInit: boolean }

const cases: Case[] = [
  { name: 'one layer, one direction', opts: {}, B: 2, withInit: false },
  { name: 'numLayers=2 bidirectional', opts: { numLayers: 2, bidirectional: true }, B: 2, withInit: false },
  { name: 'numLayers=2 bidirectional with initial states', opts: { numLayers: 2, bidirectional: true }, B: 2, withInit: true },
  { name: 'batchFirst numLayers=2 bidirectional with initial states', opts: { numLayers: 2, bidirectional: true, batchFirst: true }, B: 3, withInit: true },
  { name: 'unbatched [T, I] numLayers=2 bidirectional', opts: { numLayers: 2, bidirectional: true }, B: 1, unbatched: true, withInit: false },
  { name: 'unbatched [T, I] with initial states [L·D, H]', opts: { numLayers: 2, bidirectional: true }, B: 1, unbatched: true, withInit: true },
  { name: 'numLayers=3 one direction without bias', opts: { numLayers: 3, bias: false }, B: 2, withInit: true },
];

for (const kind of kinds) {
  for (const c of cases) {
    test(`${kind}: ${c.name} equals the step-by-step reference`, () => {
      const { layer, weights } = makeLayer(kind, { inputSize: I, hiddenSize: H, ...c.opts });
      const L = c.opts.numLayers ?? 1, D = c.opts.bidirectional ? 2 : 1, B = c.B;
      const xs = to3(Array.from({ length: T * B * I }, (_, k) => inputValue(k)), T, B, I); // [T][B][I]
      const init = c.withInit
        ? Array.from({ length: carryOf(kind) }, (_, j) => to3(Array.from({ length: L * D * B * H }, (_, k) => stateValue(j, k)), L * D, B, H))
        : undefined;
      const ref = runLayers(kind, weights, H, xs, init);

      const xIn = c.unbatched ? t64(flat(xs), [T, I]) : c.opts.batchFirst ? t64(flat(transpose01(xs)), [B, T, I]) : t64(flat(xs), [T, B, I]);
      const initIn = init?.map((s) => (c.unbatched ? t64(flat(s), [L * D, H]) : t64(flat(s), [L * D, B, H])));
      const { output, finals } = runLayer(layer, xIn, initIn);

      const outShape = c.unbatched ? [T, D * H] : c.opts.batchFirst ? [B, T, D * H] : [T, B, D * H];
      assert.deepEqual([...output.shape], outShape);
      const refOut = c.opts.batchFirst ? flat(transpose01(ref.output)) : flat(ref.output);
      assertClose(output.data, refOut, 1e-14, 1e-12, 'output');
      assert.equal(finals.length, carryOf(kind));
      finals.forEach((f, j) => {
        assert.deepEqual([...f.shape], c.unbatched ? [L * D, H] : [L * D, B, H]);
        assertClose(f.data, flat(ref.finals[j]), 1e-14, 1e-12, `final state ${j}`);
      });
    });
  }
}

test('bidirectional output halves: forward h_n is output[T−1, :, :H], reverse h_n is output[0, :, H:]', () => {
  const { layer } = makeLayer('gru', { inputSize: I, hiddenSize: H, bidirectional: true });
  const x = t64(Array.from({ length: T * 2 * I }, (_, k) => inputValue(k)), [T, 2, I]);
  const { output, finals } = runLayer(layer, x);
  const o = output.tolist() as number[][][], h = finals[0].tolist() as number[][][];
  for (let b = 0; b < 2; b++) {
    assert.deepEqual(h[0][b], o[T - 1][b].slice(0, H));
    assert.deepEqual(h[1][b], o[0][b].slice(H));
  }
  // and the reverse direction is not just the forward one (different outputs at t = 0)
  assert.notDeepEqual(o[0][0].slice(0, H), o[0][0].slice(H));
});

test('dropout between layers is off in eval and on (only between layers) in training', async () => {
  const { LSTM } = await import('../../../src/nn/index.js');
  const { Rng } = await import('../../../src/tensor/random.js');
  const m = new LSTM({ inputSize: I, hiddenSize: H, numLayers: 2, dropout: 0.5 }, { dtype: 'float64', rng: new Rng(1) });
  m.rng = new Rng(2);
  const ref = new LSTM({ inputSize: I, hiddenSize: H, numLayers: 2 }, { dtype: 'float64' });
  ref.loadStateDict(m.stateDict());
  const x = t64(Array.from({ length: T * 2 * I }, (_, k) => inputValue(k)), [T, 2, I]);
  m.eval();
  assert.deepEqual(m.forward(x)[0].toArray(), ref.forward(x)[0].toArray());
  m.train();
  assert.notDeepEqual(m.forward(x)[0].toArray(), ref.forward(x)[0].toArray());
  // a single layer has no "between": dropout must not touch its output
  const one = new LSTM({ inputSize: I, hiddenSize: H, dropout: 0.5 }, { dtype: 'float64' });
  const oneRef = new LSTM({ inputSize: I, hiddenSize: H }, { dtype: 'float64' });
  oneRef.loadStateDict(one.stateDict());
  assert.deepEqual(one.forward(x)[0].toArray(), oneRef.forward(x)[0].toArray());
});
