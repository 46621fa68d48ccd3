// The row LSTM against its equations written as loops over rows and columns (both masks), float64
// gradcheck; PixelRNN's causality (the logits at a pixel have zero gradient with respect to that
// pixel and every later one, and a nonzero one with respect to earlier pixels it can see), its
// sampler (each drawn image's log-probability equals the one the training pass gives it), and the
// refusals of both.

import '../../../src/autograd/methods.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PixelRNN, RowLSTM } from '../../../src/nn/index.js';
import { Rng } from '../../../src/tensor/random.js';
import { indices } from '../../../src/autograd/ops/gather.js';
import { select } from '../../../src/autograd/ops/shape_ops.js';
import { sum } from '../../../src/autograd/ops/reduce.js';
import { noGrad } from '../../../src/autograd/grad_mode.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';

const f64 = { dtype: 'float64' as const };
const sig = (v: number): number => 1 / (1 + Math.exp(-v));

/** RowLSTM's TSDoc equations, one (row, column) at a time: h [N, H, rows, W] flat. */
function loopRowLSTM(m: RowLSTM, xv: number[], N: number, R: number, W: number): number[] {
  const { inputSize: I, hiddenSize: H, inputKernel: K, stateKernel: ks, mask } = m.config;
  const wi = m.weight_is.toArray(), ws = m.weight_ss.toArray(), b = m.bias.toArray(), Kw = K + (mask === 'B' ? 1 : 0);
  const out = new Array<number>(N * H * R * W).fill(0);
  for (let n = 0; n < N; n++) {
    let hPrev: number[][] | null = null, cPrev: number[][] | null = null; // [W][H]
    for (let r = 0; r < R; r++) {
      const hRow: number[][] = [], cRow: number[][] = [];
      for (let c = 0; c < W; c++) {
        const a = Array.from({ length: 4 * H }, (_, g) => {
          let s = b[g];
          for (let t = 0; t < Kw; t++) { // tap t reads column c − K + t
            const cc = c - K + t;
            if (cc < 0 || cc >= W) continue;
            for (let q = 0; q < I; q++) s += wi[(g * I + q) * Kw + t] * xv[((n * I + q) * R + r) * W + cc];
          }
          if (hPrev !== null) {
            for (let j = 0; j < ks; j++) {
              const cc = c + j - (ks - 1) / 2;
              if (cc < 0 || cc >= W) continue;
              for (let q = 0; q < H; q++) s += ws[(g * H + q) * ks + j] * hPrev[cc][q];
            }
          }
          return s;
        });
        const cc = Array.from({ length: H }, (_, j) => (cPrev !== null ? sig(a[H + j]) * cPrev[c][j] : 0) + sig(a[j]) * Math.tanh(a[2 * H + j]));
        const hh = cc.map((v, j) => sig(a[3 * H + j]) * Math.tanh(v));
        hRow.push(hh); cRow.push(cc);
        for (let j = 0; j < H; j++) out[((n * H + j) * R + r) * W + c] = hh[j];
      }
      hPrev = hRow; cPrev = cRow;
    }
  }
  return out;
}

for (const [mask, K, ks] of [['A', 3, 3], ['B', 2, 3], ['A', 1, 5], ['B', 4, 1]] as const) {
  test(`RowLSTM (mask ${mask}, K = ${K}, state kernel ${ks}) equals the per-pixel loop`, () => {
    const N = 2, I = 2, H = 3, R = 4, W = 5;
    const m = new RowLSTM({ inputSize: I, hiddenSize: H, mask, inputKernel: K, stateKernel: ks, forgetBias: 0.7 }, { ...f64, rng: new Rng(K * 10 + ks) });
    const x = rand64([N, I, R, W], 3, { grad: false });
    const y = m.forward(x);
    assert.deepEqual([...y.shape], [N, H, R, W]);
    assertClose(y.toArray(), loopRowLSTM(m, x.toArray(), N, R, W), 1e-13);
  });
}

test('RowLSTM gradcheck (float64): input and every parameter, both masks', () => {
  for (const mask of ['A', 'B'] as const) {
    const m = new RowLSTM({ inputSize: 2, hiddenSize: 2, mask, inputKernel: 2 }, { ...f64, rng: new Rng(mask === 'A' ? 1 : 2) });
    check((x) => m.forward(x), [rand64([2, 2, 3, 4], 5), ...m.parameters()]);
  }
});

test('RowLSTM alone is causal: h at (r, c) has zero gradient w.r.t. x at (r, c) (mask A) and every later pixel', () => {
  const R = 3, W = 4;
  for (const mask of ['A', 'B'] as const) {
    const m = new RowLSTM({ inputSize: 1, hiddenSize: 2, mask, inputKernel: 2 }, { ...f64, rng: new Rng(9) });
    for (let r = 0; r < R; r++) {
      for (let c = 0; c < W; c++) {
        const x = rand64([1, 1, R, W], 50 + r * W + c);
        sum(select(select(m.forward(x), 2, r), 2, c)).backward();
        const g = x.grad!.toArray(), here = r * W + c;
        for (let q = 0; q < R * W; q++) {
          const allowed = q < here || (mask === 'B' && q === here);
          if (!allowed) assert.equal(g[q], 0, `mask ${mask}: h at (${r}, ${c}) depends on x at (${Math.floor(q / W)}, ${q % W})`);
        }
        if (mask === 'B') assert.ok(g[here] !== 0, `mask B: h at (${r}, ${c}) ignores x there`);
      }
    }
  }
});

test('PixelRNN is causal: the logits at (r, c) have zero gradient w.r.t. pixel (r, c) and every later pixel', () => {
  const R = 4, W = 5;
  const model = new PixelRNN({ levels: 3, hiddenSize: 3, numLayers: 2, inputKernel: 2 }, { ...f64, rng: new Rng(7) });
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < W; c++) {
      const v = rand64([2, 1, R, W], 100 + r * W + c);
      const logits = model.logitsOf(v); // [2, R, W, 3]
      sum(select(select(logits, 1, r), 1, c)).backward();
      const g = v.grad!.toArray();
      for (let q = 0; q < R * W; q++) {
        const later = q >= r * W + c;
        const seen = g[q] !== 0 || g[R * W + q] !== 0;
        if (later) assert.equal(seen, false, `logits at (${r}, ${c}) depend on pixel (${Math.floor(q / W)}, ${q % W})`);
      }
      // and they do see the pixel just before (row-major), and the row above when there is one
      if (c > 0) assert.ok(g[r * W + c - 1] !== 0, `logits at (${r}, ${c}) ignore pixel (${r}, ${c - 1})`);
      if (r > 0) assert.ok(g[(r - 1) * W + c] !== 0, `logits at (${r}, ${c}) ignore pixel (${r - 1}, ${c})`);
    }
  }
});

test('PixelRNN.sample draws each image with the log-probability the training pass gives it', () => {
  const model = new PixelRNN({ levels: 3, hiddenSize: 4, numLayers: 2 }, { ...f64, rng: new Rng(3) });
  const n = 3, H = 4, W = 5;
  const a = model.sample(n, H, W, new Rng(11)), b = model.sample(n, H, W, new Rng(11));
  assert.deepEqual(a, b);
  assert.ok(a.pixels.every((x) => x >= 0 && x < 3));
  noGrad(() => {
    for (let i = 0; i < n; i++) {
      const one = indices(a.pixels.slice(i * H * W, (i + 1) * H * W), [1, H, W]);
      const nats = model.nll(one).item() * H * W;
      assertClose([-a.logProb[i]], [nats], 1e-10);
    }
  });
  // a head that always says level 2 draws only 2s
  model.head.weight.data.fill(0);
  model.head.bias!.data.set([-30, -30, 30]);
  assert.ok(model.sample(2, 3, 3, new Rng(1)).pixels.every((x) => x === 2));
});

test('PixelRNN nll is the mean cross-entropy per pixel of its logits', () => {
  const model = new PixelRNN({ levels: 2, hiddenSize: 3 }, { ...f64, rng: new Rng(4) });
  const px = indices([0, 1, 1, 0, 1, 0], [1, 2, 3]);
  const z = noGrad(() => model.forward(px)).toArray(); // [1, 2, 3, 2]
  let want = 0;
  px.data.forEach((x, i) => { want -= z[2 * i + x] - Math.log(Math.exp(z[2 * i]) + Math.exp(z[2 * i + 1])); });
  assertClose([noGrad(() => model.nll(px)).item()], [want / 6], 1e-12);
});

test('RowLSTM and PixelRNN refuse bad configs and inputs by name', () => {
  assert.throws(() => new RowLSTM({ inputSize: 1, hiddenSize: 2, stateKernel: 2 }), /RowLSTM: expected an odd stateKernel \(centred on the column\), got 2/);
  assert.throws(() => new RowLSTM({ inputSize: 1, hiddenSize: 2, mask: 'C' as never }), /RowLSTM: expected mask A or B, got C/);
  assert.throws(() => new RowLSTM({ inputSize: 2, hiddenSize: 2 }).forward(rand64([1, 3, 2, 2], 1)), /RowLSTM: expected input of shape \[N, 2, H, W\], got \[1, 3, 2, 2\]/);
  assert.throws(() => new PixelRNN({ levels: 1, hiddenSize: 2 }), /PixelRNN: expected at least 2 levels, got 1/);
  assert.throws(() => new PixelRNN({ levels: 300, hiddenSize: 2 }), /PixelRNN: expected levels to be a positive integer <= 256, got 300/);
  const m = new PixelRNN({ levels: 2, hiddenSize: 2 });
  assert.throws(() => m.nll(indices([0, 1, 2, 0], [1, 2, 2])), /PixelRNN: expected pixel levels in \[0, 2\), got 2 at flat index 2/);
  assert.throws(() => m.forward(indices([0, 1], [2])), /PixelRNN: expected pixels of shape \[N, H, W\], got \[2\]/);
});
