// TimeDelay against its definition written as loops (valid and causal padding, dilations 1–3), a
// causal output that does not change when later inputs do, float64 gradcheck, and its refusals.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TimeDelay } from '../../../src/nn/index.js';
import { Rng } from '../../../src/tensor/random.js';
import { tensor } from '../../../src/tensor/tensor.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';

const f64 = { dtype: 'float64' as const };

for (const padding of ['valid', 'causal'] as const) {
  for (const [K, d] of [[1, 1], [2, 1], [3, 2], [2, 3]]) {
    test(`TimeDelay (${padding}, K = ${K}, d = ${d}) equals the loop definition`, () => {
      const B = 2, T = 9, C = 3, O = 4;
      const layer = new TimeDelay({ inChannels: C, outChannels: O, kernelSize: K, dilation: d, padding }, { ...f64, rng: new Rng(K * 10 + d) });
      const x = rand64([B, T, C], 5, { grad: false }), xv = x.toArray(), w = layer.weight.toArray(), bias = layer.bias!.toArray();
      const y = layer.forward(x);
      const Tout = padding === 'causal' ? T : T - d * (K - 1);
      assert.deepEqual([...y.shape], [B, Tout, O]);
      const want: number[] = [];
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < Tout; t++) {
          for (let o = 0; o < O; o++) {
            let s = bias[o];
            for (let k = 0; k < K; k++) {
              const tt = padding === 'causal' ? t - (K - 1 - k) * d : t + k * d;
              if (tt < 0) continue;
              for (let c = 0; c < C; c++) s += w[(o * C + c) * K + k] * xv[(b * T + tt) * C + c];
            }
            want.push(s);
          }
        }
      }
      assertClose(y.toArray(), want, 1e-14, 1e-14);
    });
  }
}

test('a causal TimeDelay output at t does not depend on inputs after t', () => {
  const layer = new TimeDelay({ inChannels: 1, outChannels: 2, kernelSize: 3, dilation: 2, padding: 'causal' }, { ...f64, rng: new Rng(1) });
  assert.equal(layer.receptiveField, 5);
  const a = [0.1, 0.5, -0.3, 0.8, 0.2, -0.6, 0.4], b = [...a.slice(0, 4), 9, 9, 9];
  const ya = layer.forward(tensor(a, [1, 7, 1], f64)).toArray(), yb = layer.forward(tensor(b, [1, 7, 1], f64)).toArray();
  assert.deepEqual(yb.slice(0, 8), ya.slice(0, 8)); // t = 0 … 3
  assert.notDeepEqual(yb.slice(8, 10), ya.slice(8, 10));
});

test('TimeDelay gradcheck (float64): input, weight and bias, both paddings', () => {
  for (const padding of ['valid', 'causal'] as const) {
    const layer = new TimeDelay({ inChannels: 2, outChannels: 3, kernelSize: 2, dilation: 2, padding }, { ...f64, rng: new Rng(3) });
    check((x) => layer.forward(x), [rand64([2, 6, 2], 4), ...layer.parameters()]);
  }
});

test('TimeDelay refuses bad configs and inputs by name', () => {
  assert.throws(() => new TimeDelay({ inChannels: 2, outChannels: 3, kernelSize: 0 }), /TimeDelay: expected kernelSize to be an integer >= 1, got 0/);
  assert.throws(() => new TimeDelay({ inChannels: 2, outChannels: 3, kernelSize: 2, padding: 'same' as never }), /expected padding 'valid' or 'causal', got 'same'/);
  const layer = new TimeDelay({ inChannels: 2, outChannels: 3, kernelSize: 3, dilation: 2 });
  assert.throws(() => layer.forward(tensor(new Array(8).fill(0), [1, 4, 2])), /expected sequences longer than d·\(K − 1\) = 4 for 'valid' padding, got length 4/);
  assert.deepEqual([...layer.forward(tensor(new Array(10).fill(0), [1, 5, 2])).shape], [1, 1, 3]);
  assert.throws(() => layer.forward(tensor(new Array(10).fill(0), [1, 2, 5])), /expected input of shape \[N, L, 2\], got \[1, 2, 5\]/);
});
