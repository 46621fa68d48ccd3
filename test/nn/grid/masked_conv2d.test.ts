// MaskedConv2d against its definition written as loops (masks A and B): output (r, c) reads only the
// pixels before it in reading order (and itself with mask B); float64 gradcheck; refusals.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MaskedConv2d } from '../../../src/nn/index.js';
import { Rng } from '../../../src/tensor/random.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';

const f64 = { dtype: 'float64' as const };

for (const [mask, k] of [['A', 3], ['B', 3], ['A', 5], ['B', 1]] as const) {
  test(`MaskedConv2d (mask ${mask}, ${k}×${k}) equals the loop over the pixels before each output`, () => {
    const N = 2, C = 2, O = 3, H = 4, W = 5, h = (k - 1) / 2;
    const m = new MaskedConv2d({ inChannels: C, outChannels: O, kernelSize: k, mask }, { ...f64, rng: new Rng(k) });
    const x = rand64([N, C, H, W], 2, { grad: false }), xv = x.toArray(), w = m.weight.toArray(), b = m.bias.toArray();
    const want: number[] = [];
    for (let n = 0; n < N; n++) {
      for (let o = 0; o < O; o++) {
        for (let r = 0; r < H; r++) {
          for (let c = 0; c < W; c++) {
            let s = b[o];
            for (let rr = r - h; rr <= r + h; rr++) {
              for (let cc = c - h; cc <= c + h; cc++) {
                const before = rr < r || (rr === r && (mask === 'A' ? cc < c : cc <= c));
                if (!before || rr < 0 || rr >= H || cc < 0 || cc >= W) continue;
                for (let q = 0; q < C; q++) s += w[((o * C + q) * k + rr - r + h) * k + cc - c + h] * xv[((n * C + q) * H + rr) * W + cc];
              }
            }
            want.push(s);
          }
        }
      }
    }
    assertClose(m.forward(x).toArray(), want, 1e-13);
  });
}

test('MaskedConv2d gradcheck (float64): input, weight and bias', () => {
  const m = new MaskedConv2d({ inChannels: 2, outChannels: 2, kernelSize: 3 }, { ...f64, rng: new Rng(5) });
  check((x) => m.forward(x), [rand64([1, 2, 3, 4], 6), ...m.parameters()]);
});

test('MaskedConv2d refuses bad configs and inputs by name', () => {
  assert.throws(() => new MaskedConv2d({ inChannels: 1, outChannels: 2, kernelSize: 4 }), /MaskedConv2d: expected an odd kernelSize \(centred on the pixel\), got 4/);
  assert.throws(() => new MaskedConv2d({ inChannels: 1, outChannels: 2, kernelSize: 3, mask: 'C' as never }), /MaskedConv2d: expected mask A or B, got C/);
  assert.throws(() => new MaskedConv2d({ inChannels: 1, outChannels: 2, kernelSize: 3 }).forward(rand64([1, 2, 3, 3], 1)), /MaskedConv2d: expected input of shape \[N, 1, H, W\], got \[1, 2, 3, 3\]/);
});
