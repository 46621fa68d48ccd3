// The 2-D LSTM against its equations written as plain loops over pixels (all four directions, both
// merges, non-square images), against the 1-D LSTM on a one-row image, float64 gradcheck, and its
// refusals.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LSTMCell, MDLSTM } from '../../../src/nn/index.js';
import { Rng } from '../../../src/tensor/random.js';
import { tensor } from '../../../src/tensor/tensor.js';
import { noGrad } from '../../../src/autograd/grad_mode.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';

const f64 = { dtype: 'float64' as const };
const sig = (v: number): number => 1 / (1 + Math.exp(-v));

/** The equations of MDLSTM's TSDoc, one pixel at a time, in scan order; returns [N, D·H (or H), Hh, Ww] flat. */
function loopMDLSTM(m: MDLSTM, xv: number[], N: number, Hh: number, Ww: number): number[] {
  const { inputSize: I, hiddenSize: H, directions: D, merge } = m.config;
  const out = new Array<number>(N * m.outputSize * Hh * Ww).fill(0);
  for (let k = 0; k < D; k++) {
    const wi = m.weightsIh[k].toArray(), wh = m.weightsHh[k].toArray(), b = m.biases[k].toArray();
    for (let n = 0; n < N; n++) {
      const hS: number[][][] = [], cS: number[][][] = [];
      for (let r = 0; r < Hh; r++) {
        hS.push([]); cS.push([]);
        for (let c = 0; c < Ww; c++) {
          const pr = k & 2 ? Hh - 1 - r : r, pc = k & 1 ? Ww - 1 - c : c;
          const zero = new Array<number>(H).fill(0);
          const hu = r > 0 ? hS[r - 1][c] : zero, hl = c > 0 ? hS[r][c - 1] : zero;
          const cu = r > 0 ? cS[r - 1][c] : zero, cl = c > 0 ? cS[r][c - 1] : zero;
          const a = Array.from({ length: 5 * H }, (_, g) => {
            let s = b[g];
            for (let q = 0; q < I; q++) s += wi[g * I + q] * xv[((n * I + q) * Hh + pr) * Ww + pc];
            for (let q = 0; q < H; q++) s += wh[g * 2 * H + q] * hu[q] + wh[g * 2 * H + H + q] * hl[q];
            return s;
          });
          const cc = zero.map((_, j) => sig(a[H + j]) * cu[j] + sig(a[2 * H + j]) * cl[j] + sig(a[j]) * Math.tanh(a[3 * H + j]));
          const hh = cc.map((v, j) => sig(a[4 * H + j]) * Math.tanh(v));
          hS[r].push(hh); cS[r].push(cc);
          for (let j = 0; j < H; j++) {
            const ch = merge === 'concat' ? k * H + j : j;
            out[((n * m.outputSize + ch) * Hh + pr) * Ww + pc] += hh[j];
          }
        }
      }
    }
  }
  return out;
}

for (const [directions, merge, Hh, Ww] of [[4, 'concat', 3, 4], [4, 'sum', 4, 2], [1, 'concat', 3, 3], [4, 'concat', 1, 5], [4, 'concat', 5, 1]] as const) {
  test(`MDLSTM (${directions} direction(s), ${merge}, ${Hh}×${Ww}) equals the per-pixel loop`, () => {
    const N = 2, I = 3, H = 2;
    const m = new MDLSTM({ inputSize: I, hiddenSize: H, directions, merge, forgetBias: 0.5 }, { ...f64, rng: new Rng(Hh * 7 + Ww) });
    const x = rand64([N, I, Hh, Ww], 11, { grad: false });
    const y = m.forward(x);
    assert.deepEqual([...y.shape], [N, m.outputSize, Hh, Ww]);
    assertClose(y.toArray(), loopMDLSTM(m, x.toArray(), N, Hh, Ww), 1e-13);
  });
}

test('MDLSTM on a 1×W image is the 1-D LSTM with W_ih, the left half of W_hh and b (gates i|f←|g|o)', () => {
  const I = 3, H = 4, W = 6, N = 2;
  const m = new MDLSTM({ inputSize: I, hiddenSize: H, directions: 1 }, { ...f64, rng: new Rng(5) });
  const cell = new LSTMCell({ inputSize: I, hiddenSize: H }, { ...f64, rng: new Rng(6) });
  const rows = (t: number[], blocks: number[], width: number): number[] =>
    blocks.flatMap((g) => t.slice(g * H * width, (g + 1) * H * width));
  const wi = m.weightsIh[0].toArray(), b = m.biases[0].toArray(), wh = m.weightsHh[0].toArray();
  const whLeft = wh.filter((_, q) => q % (2 * H) >= H); // [5H, H]: the columns acting on h from the left
  // i | f← | g | o are blocks 0, 2, 3, 4 of i | f↑ | f← | g | o
  cell.weight_ih.data.set(rows(wi, [0, 2, 3, 4], I));
  cell.weight_hh.data.set(rows(whLeft, [0, 2, 3, 4], H));
  cell.bias_ih!.data.set(rows(b, [0, 2, 3, 4], 1));
  cell.bias_hh!.data.fill(0);
  // the up forget gate would matter if the (absent) cell above had any state: make it large
  m.biases[0].data.fill(5, H, 2 * H);
  const x = rand64([N, I, 1, W], 9, { grad: false }), xv = x.toArray();
  const y = m.forward(x).toArray(); // [N, H, 1, W]
  noGrad(() => {
    let h = tensor(new Array(N * H).fill(0), [N, H], f64), c = h;
    for (let t = 0; t < W; t++) {
      const xt = tensor(Array.from({ length: N * I }, (_, q) => xv[q * W + t]), [N, I], f64);
      [h, c] = cell.forward(xt, [h, c]);
      assertClose(Array.from({ length: N * H }, (_, q) => y[q * W + t]), h.toArray(), 1e-14);
    }
  });
});

test('MDLSTM gradcheck (float64): input and every parameter, four directions', () => {
  const m = new MDLSTM({ inputSize: 2, hiddenSize: 2, forgetBias: 0.3 }, { ...f64, rng: new Rng(3) });
  check((x) => m.forward(x), [rand64([2, 2, 3, 2], 4), ...m.parameters()]);
  const s = new MDLSTM({ inputSize: 2, hiddenSize: 2, merge: 'sum' }, { ...f64, rng: new Rng(4) });
  check((x) => s.forward(x), [rand64([1, 2, 2, 3], 5), ...s.parameters()]);
});

test('MDLSTM refuses bad configs and inputs by name', () => {
  assert.throws(() => new MDLSTM({ inputSize: 0, hiddenSize: 2 }), /MDLSTM: expected inputSize to be a positive integer, got 0/);
  assert.throws(() => new MDLSTM({ inputSize: 2, hiddenSize: 2, directions: 2 as never }), /MDLSTM: expected directions 1 or 4, got 2/);
  assert.throws(() => new MDLSTM({ inputSize: 2, hiddenSize: 2, merge: 'mean' as never }), /MDLSTM: expected merge concat or sum, got mean/);
  const m = new MDLSTM({ inputSize: 2, hiddenSize: 2 });
  assert.throws(() => m.forward(rand64([1, 3, 2, 2], 1)), /MDLSTM: expected input of shape \[N, 2, H, W\], got \[1, 3, 2, 2\]/);
});
