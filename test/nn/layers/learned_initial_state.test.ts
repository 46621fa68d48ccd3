// learnInitialState: a parameter per layer and direction (h0_l{k}[_reverse], c0_l{k} for the LSTM;
// h0 / c0 in Recurrence), zero at the start, broadcast over the batch. Running with learned states
// set to v equals running with v given explicitly as the initial state, on the fused and the
// generic path; gradients reach them (float64 gradcheck); a given initial state overrides them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { GRU, LSTM, LSTMCell, RNN, RNNCell, Recurrence, fromConfig, serializeModule } from '../../../src/nn/index.js';
import { Rng } from '../../../src/tensor/random.js';
import { tensor, type Tensor } from '../../../src/tensor/tensor.js';
import { check, rand64 } from '../../helpers/tensors.js';
import { flatAll, runLayer, type AnyLayer } from '../../helpers/recurrent_layers.js';

const T = 4, B = 3, I = 2, H = 3;
const f64 = { dtype: 'float64' as const };

function makeLayers(fused: boolean): [string, AnyLayer][] {
  const common = { inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, learnInitialState: true, fused };
  return [
    ['RNN', new RNN(common, { ...f64, rng: new Rng(1) })],
    ['LSTM', new LSTM(common, { ...f64, rng: new Rng(2) })],
    ['GRU', new GRU(common, { ...f64, rng: new Rng(3) })],
  ];
}

test('the learned initial states are named h0_l{k}[_reverse] (and c0_l{k}), after the weights, zero at the start', () => {
  const [, lstm] = makeLayers(true)[1];
  const names = Object.keys(lstm.stateDict());
  assert.deepEqual(names.slice(-8), ['h0_l0', 'c0_l0', 'h0_l0_reverse', 'c0_l0_reverse', 'h0_l1', 'c0_l1', 'h0_l1_reverse', 'c0_l1_reverse']);
  assert.deepEqual(names.slice(0, 4), ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']);
  assert.ok(lstm.stateDict().h0_l1.toArray().every((v) => v === 0));
  assert.deepEqual([...lstm.stateDict().c0_l0.shape], [H]);
  const [, rnn] = makeLayers(true)[0];
  assert.ok(!Object.keys(rnn.stateDict()).some((n) => n.startsWith('c0')));
  // off by default: no extra names
  assert.deepEqual(Object.keys(new GRU({ inputSize: I, hiddenSize: H }).stateDict()), ['weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0']);
  // and through a config round trip
  const back = fromConfig(JSON.parse(JSON.stringify(serializeModule(lstm))));
  assert.deepEqual(Object.keys(back.stateDict()), names);
});

for (const fused of [true, false]) {
  test(`learned initial states equal the same values given as the initial state (${fused ? 'fused' : 'generic'} path)`, () => {
    for (const [name, layer] of makeLayers(fused)) {
      const learned = Object.entries(layer.stateDict()).filter(([n]) => /^[hc]0_/.test(n));
      learned.forEach(([, p], k) => p.data.set(p.toArray().map((_, j) => 0.1 * (k + 1) * Math.cos(j + k))));
      const x = rand64([T, B, I], 5, { grad: false });
      // explicit: one tensor per carry entry, [numLayers·D, B, H], slot l·D + d
      const carries = name === 'LSTM' ? ['h0', 'c0'] : ['h0'];
      const explicit = carries.map((c) => ops.stack(['_l0', '_l0_reverse', '_l1', '_l1_reverse'].map((s) => ops.broadcastTo(layer.stateDict()[c + s], [B, H])), 0));
      const a = runLayer(layer, x), b = runLayer(layer, x, explicit);
      assert.deepEqual(flatAll([a.output, ...a.finals]).toArray(), flatAll([b.output, ...b.finals]).toArray(), name);
      // an initial state given overrides the learned one
      const zero = explicit.map((e) => ops.mul(e, 0));
      assert.notDeepEqual(runLayer(layer, x, zero).output.toArray(), a.output.toArray(), name);
    }
  });

  test(`gradcheck of the learned initial states through RNN / LSTM / GRU (${fused ? 'fused' : 'generic'} path)`, () => {
    for (const [, layer] of makeLayers(fused)) {
      const x = rand64([T, B, I], 6);
      for (const p of layer.parameters()) p.data.set(p.toArray().map((v, j) => v + 0.05 * Math.sin(j)));
      const learned = Object.entries(layer.stateDict()).filter(([n]) => /^[hc]0_/.test(n)).map(([, p]) => p);
      check((xx) => { const r = runLayer(layer, xx); return flatAll([r.output, ...r.finals]); }, [x, ...learned]);
      for (const p of learned) assert.ok(p.grad!.toArray().some((g) => g !== 0));
    }
  });
}

test('Recurrence learns h0 (and c0 for an LSTM cell) and gradchecks', () => {
  const lstm = new Recurrence(new LSTMCell({ inputSize: I, hiddenSize: H }, { ...f64, rng: new Rng(4) }), { learnInitialState: true });
  assert.deepEqual(Object.keys(lstm.stateDict()).slice(0, 3), ['h0', 'c0', 'cell.weight_ih']); // the wrapper's own, then the cell's
  const rnn = new Recurrence(new RNNCell({ inputSize: I, hiddenSize: H }, { ...f64, rng: new Rng(5) }), { learnInitialState: true, batchFirst: true });
  assert.deepEqual(Object.keys(rnn.stateDict()).slice(0, 2), ['h0', 'cell.weight_ih']);
  for (const m of [lstm, rnn]) {
    for (const p of m.learned!) p.data.set([0.3, -0.2, 0.1]);
    const x = rand64([B, B, I], 8);
    const [y, carry] = m.forward(x);
    const [y2] = m.forward(x, m.learned!.map((p) => ops.broadcastTo(p, [B, H])));
    assert.deepEqual(y.toArray(), y2.toArray());
    assert.equal(carry.length, m.cell.carrySize);
    check((xx) => { const [o, c] = m.forward(xx); return flatAll([o, ...c]); }, [x, ...m.learned!]);
  }
  assert.equal(serializeModule(lstm).config.learnInitialState, true);
});

// a learned state is a leaf the optimizer moves like any other parameter
test('the learned initial states are among the parameters, so an optimizer trains them', () => {
  const m = new RNN({ inputSize: 1, hiddenSize: 2, learnInitialState: true });
  const ps = m.namedParameters().map(([n]) => n);
  assert.ok(ps.includes('h0_l0'));
  const h0 = m.stateDict().h0_l0 as Tensor;
  const [out] = m.forward(tensor([[[1]], [[2]]]));
  ops.sum(out).backward();
  assert.ok(h0.grad !== null && h0.grad.toArray().some((g) => g !== 0));
});
