// RNN / LSTM / GRU parameter names, order and shapes equal PyTorch's state_dict (copied from
// torch 1.13 for numLayers=2, bidirectional): weight_ih_l{k}[_reverse] [G·H, in] with in = D·H
// above layer 0, weight_hh [G·H, H], bias_ih / bias_hh [G·H]; no bias entries with bias: false.
// The cells' own parameter names, and the PyTorch default init bound 1/√H.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GRU, GRUCell, LSTM, LSTMCell, RNN, RNNCell } from '../../../src/nn/index.js';
import { Rng } from '../../../src/tensor/random.js';

// torch.nn.GRU(5, 3, num_layers=2, bidirectional=True).state_dict(), gates G = 3
const torchGRU: [string, number[]][] = [
  ['weight_ih_l0', [9, 5]], ['weight_hh_l0', [9, 3]], ['bias_ih_l0', [9]], ['bias_hh_l0', [9]],
  ['weight_ih_l0_reverse', [9, 5]], ['weight_hh_l0_reverse', [9, 3]], ['bias_ih_l0_reverse', [9]], ['bias_hh_l0_reverse', [9]],
  ['weight_ih_l1', [9, 6]], ['weight_hh_l1', [9, 3]], ['bias_ih_l1', [9]], ['bias_hh_l1', [9]],
  ['weight_ih_l1_reverse', [9, 6]], ['weight_hh_l1_reverse', [9, 3]], ['bias_ih_l1_reverse', [9]], ['bias_hh_l1_reverse', [9]],
];

const withGates = (G: number): [string, number[]][] => torchGRU.map(([n, s]) => [n, [(s[0] / 3) * G, ...s.slice(1)]]);

const layers = [
  { name: 'RNN', G: 1, make: (o: object) => new RNN({ inputSize: 5, hiddenSize: 3, ...o }) },
  { name: 'LSTM', G: 4, make: (o: object) => new LSTM({ inputSize: 5, hiddenSize: 3, ...o }) },
  { name: 'GRU', G: 3, make: (o: object) => new GRU({ inputSize: 5, hiddenSize: 3, ...o }) },
];

for (const { name, G, make } of layers) {
  test(`${name} numLayers=2 bidirectional: names, order and shapes equal PyTorch's`, () => {
    const m = make({ numLayers: 2, bidirectional: true });
    assert.deepEqual(Object.entries(m.stateDict()).map(([n, p]) => [n, [...p.shape]]), withGates(G));
  });

  test(`${name} numLayers=2, one direction, bias: false`, () => {
    const m = make({ numLayers: 2, bias: false });
    // torch.nn.LSTM(5, 3, num_layers=2, bias=False): weight_ih_l0 (12, 5), weight_hh_l0 (12, 3), weight_ih_l1 (12, 3), weight_hh_l1 (12, 3)
    assert.deepEqual(Object.entries(m.stateDict()).map(([n, p]) => [n, [...p.shape]]), [
      ['weight_ih_l0', [G * 3, 5]], ['weight_hh_l0', [G * 3, 3]], ['weight_ih_l1', [G * 3, 3]], ['weight_hh_l1', [G * 3, 3]],
    ]);
  });
}

test('cells name weight_ih, weight_hh, bias_ih, bias_hh with gate blocks of H rows', () => {
  for (const [cell, G] of [[new RNNCell({ inputSize: 2, hiddenSize: 3 }), 1], [new LSTMCell({ inputSize: 2, hiddenSize: 3 }), 4], [new GRUCell({ inputSize: 2, hiddenSize: 3 }), 3]] as const) {
    assert.deepEqual(cell.namedParameters().map(([n, p]) => [n, [...p.shape]]), [
      ['weight_ih', [G * 3, 2]], ['weight_hh', [G * 3, 3]], ['bias_ih', [G * 3]], ['bias_hh', [G * 3]],
    ]);
  }
});

test('default init is U(−1/√H, 1/√H) for every recurrent parameter (PyTorch)', () => {
  const m = new LSTM({ inputSize: 7, hiddenSize: 16, numLayers: 2 }, { rng: new Rng(4) });
  let maxAbs = 0;
  for (const p of m.parameters()) for (const v of p.data) maxAbs = Math.max(maxAbs, Math.abs(v));
  assert.ok(maxAbs <= 0.25, `max |w| ${maxAbs}`);
  assert.ok(maxAbs > 0.24, `max |w| ${maxAbs} should approach 1/√16`);
});
