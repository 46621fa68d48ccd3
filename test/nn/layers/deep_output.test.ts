// DeepOutput (the DO-RNN head) against the MLP written as plain loops on hand-set weights; no
// hidden layers is a Linear; gradcheck; bad configs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeepOutput, Linear } from '../../../src/nn/index.js';
import * as ops from '../../../src/autograd/index.js';
import { affine, mat, vec } from '../../helpers/reference_rnn.js';
import { close, t64 } from '../../helpers/recurrent_layers.js';
import { check, rand64 } from '../../helpers/tensors.js';

test('DeepOutput [3 → 4 → 2 → 5] equals y = W3 tanh(W2 tanh(W1 h + b1) + b2) + b3 on hand-set weights', () => {
  const m = new DeepOutput({ inputSize: 3, hiddenSizes: [4, 2], outputSize: 5 }, { dtype: 'float64' });
  const widths = [3, 4, 2, 5];
  const Ws = widths.slice(1).map((o, k) => mat(o, widths[k], (r, c) => 0.1 * (((r + 3 * c + k) % 7) - 3)));
  const bs = widths.slice(1).map((o, k) => vec(o, (r) => 0.05 * (r - k)));
  m.loadStateDict(Object.fromEntries(Ws.flatMap((W, k) => [[`layers.${k}.weight`, t64(W)], [`layers.${k}.bias`, t64(bs[k])]])));
  const hs = [[0.5, -0.2, 0.9], [-1, 0.3, 0.1]];
  const ref = hs.map((h) => {
    let z = h;
    Ws.forEach((W, k) => { z = affine(W, z, bs[k]); if (k < 2) z = z.map(Math.tanh); });
    return z;
  });
  close(m.forward(t64(hs)).data, ref.flat(), 1e-15);
  assert.deepEqual(m.forward(t64([hs, hs])).shape, [2, 2, 5]);
});

test('DeepOutput without hidden layers is a Linear; gradcheck with relu; bad configs', () => {
  const m = new DeepOutput({ inputSize: 3, hiddenSizes: [], outputSize: 2 }, { dtype: 'float64' });
  const lin = new Linear({ inFeatures: 3, outFeatures: 2 }, { dtype: 'float64' });
  lin.loadStateDict({ weight: m.layers[0].weight, bias: m.layers[0].bias! });
  const h = rand64([2, 3], 1);
  assert.deepEqual(m.forward(h).toArray(), lin.forward(h).toArray());
  const deep = new DeepOutput({ inputSize: 3, outputSize: 2, nonlinearity: 'relu' }, { dtype: 'float64' });
  assert.deepEqual(deep.hiddenSizes, [3]);
  check((x) => ops.sum(ops.mul(deep.forward(x), 0.3)), [rand64([4, 3], 2), ...deep.parameters()]);
  assert.throws(() => new DeepOutput({ inputSize: 3, outputSize: 2, hiddenSizes: [4, 0] }), /DeepOutput: expected hiddenSizes\[1\] to be a positive integer, got 0/);
  assert.throws(() => m.forward(t64([[1, 2]])), /DeepOutput: expected input of shape \[\.\.\., 3\], got \[1, 2\]/);
});
