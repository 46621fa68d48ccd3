// The image encoder of the caption model against a plainly written reference: direct-loop
// convolution over [image ; X ; Y] (coordinate channels written out here), relu, 2×2 max pool; its
// grid must be that feature map re-laid out location by location (g[n, h·W' + w, c] = F[n, c, h, w])
// and its pooled vector the mean over locations. Also: the gradcheck (float64) through the encoder
// and one attention decoder step, and clear errors for bad images.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import { gradcheck } from '../../src/autograd/gradcheck.js';
import { ImageEncoder } from '../../src/seq2seq/image_encoder.js';
import { CaptionModel } from '../../src/seq2seq/caption_model.js';

function rand64(shape: number[], seed: number, requiresGrad = false): Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, d) => a * d, 1);
  return new Tensor(Float64Array.from({ length: n }, () => rng.uniform(-1, 1)), shape, requiresGrad);
}

/** F[n, o, h, w] = relu(b[o] + Σ_{c, i, j} w[o, c, i, j] · xin[n, c, h + i − 1, w + j − 1]) (3×3, zero padding 1), then 2×2 max pool. */
function referenceFeatures(x: Tensor, weight: Tensor, bias: Tensor): { data: number[]; shape: number[] } {
  const [N, C, H, W] = x.shape;
  const Cin = C + 2, O = weight.shape[0];
  const xin = (n: number, c: number, h: number, w: number): number => {
    if (h < 0 || h >= H || w < 0 || w >= W) return 0;
    if (c < C) return x.data[((n * C + c) * H + h) * W + w];
    return c === C ? (2 * w) / (W - 1) - 1 : (2 * h) / (H - 1) - 1; // X then Y in [−1, 1]
  };
  const conv = (n: number, o: number, h: number, w: number): number => {
    let s = bias.data[o];
    for (let c = 0; c < Cin; c++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      s += weight.data[((o * Cin + c) * 3 + i) * 3 + j] * xin(n, c, h + i - 1, w + j - 1);
    }
    return Math.max(0, s);
  };
  const Ho = H / 2, Wo = W / 2;
  const data: number[] = [];
  for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let h = 0; h < Ho; h++) for (let w = 0; w < Wo; w++) {
    data.push(Math.max(conv(n, o, 2 * h, 2 * w), conv(n, o, 2 * h, 2 * w + 1), conv(n, o, 2 * h + 1, 2 * w), conv(n, o, 2 * h + 1, 2 * w + 1)));
  }
  return { data, shape: [N, O, Ho, Wo] };
}

test('grid features are the conv → relu → pool outputs re-laid out per location; pooled is their mean or max', () => {
  const enc = new ImageEncoder({ channels: [5], kernelSize: 3, pool: 2, summary: 'mean' }, { dtype: 'float64', rng: new Rng(4) });
  const x = rand64([2, 3, 6, 4], 11);
  const { features, pooled, grid } = enc.forward(x);
  const maxEnc = new ImageEncoder({ channels: [5], kernelSize: 3, pool: 2, summary: 'max' }, { dtype: 'float64', rng: new Rng(4) });
  const maxPooled = maxEnc.forward(x).pooled;
  const conv = enc.convs[0];
  const ref = referenceFeatures(x, conv.weight, conv.bias!);
  assert.deepEqual(features.shape, ref.shape);
  for (let i = 0; i < ref.data.length; i++) assert.ok(Math.abs(features.data[i] - ref.data[i]) < 1e-12, `feature ${i}: ${features.data[i]} vs ${ref.data[i]}`);
  const [N, C, Hp, Wp] = ref.shape;
  assert.deepEqual(grid.shape, [N, Hp * Wp, C]);
  assert.deepEqual(pooled.shape, [N, C]);
  assert.deepEqual(enc.gridShape(6, 4), [Hp, Wp]);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) {
    let s = 0, m = -Infinity;
    for (let h = 0; h < Hp; h++) for (let w = 0; w < Wp; w++) {
      const f = ref.data[((n * C + c) * Hp + h) * Wp + w];
      s += f;
      m = Math.max(m, f);
      assert.equal(grid.data[(n * Hp * Wp + h * Wp + w) * C + c], features.data[((n * C + c) * Hp + h) * Wp + w], `grid[${n}, ${h * Wp + w}, ${c}]`);
    }
    assert.ok(Math.abs(pooled.data[n * C + c] - s / (Hp * Wp)) < 1e-12, `pooled[${n}, ${c}]`);
    assert.ok(Math.abs(maxPooled.data[n * C + c] - m) < 1e-12, `max-pooled[${n}, ${c}]`);
  }
});

test('without coordinate channels the first conv sees the image alone', () => {
  const enc = new ImageEncoder({ channels: [2, 3], coordinates: false }, { dtype: 'float64', rng: new Rng(1) });
  assert.deepEqual(enc.convs[0].weight.shape, [2, 3, 3, 3]);
  assert.deepEqual(enc.convs[1].weight.shape, [3, 2, 3, 3]);
  const { grid, pooled } = enc.forward(rand64([1, 3, 8, 8], 2));
  assert.deepEqual(grid.shape, [1, 4, 3]);
  assert.deepEqual(pooled.shape, [1, 3]);
  assert.equal(new ImageEncoder().convs[0].weight.shape[1], 5, 'RGB + X + Y by default');
});

test('gradcheck (float64) through the image encoder and one attention decoder step', () => {
  for (const attention of ['additive', 'general'] as const) {
    const model = new CaptionModel({
      vocabSize: 6, embeddingSize: 3, hiddenSize: 4, cell: 'lstm', attention, attentionSize: 3,
      encoder: { channels: [3], pool: 2 },
    }, { dtype: 'float64', rng: new Rng(7) });
    const images = rand64([2, 3, 4, 4], 3, true);
    const prev = Int32Array.of(1, 4);
    const fn = (): Tensor => {
      const ctx = model.encode(images);
      const out = model.decoder.step(prev, model.decoder.initialState(ctx), ctx);
      assert.deepEqual(out.weights!.shape, [2, 4]);
      return out.logits; // [2, 6], projected on a random direction by gradcheck
    };
    const res = gradcheck(fn, [images, ...model.parameters()], { atol: 1e-7, rtol: 1e-5 });
    assert.ok(res.ok, `${attention}: max error ${res.maxAbsError}`);
    // The gradient reaches the pixels and the first conv (through grid keys and the initial state).
    assert.ok(images.grad!.data.some((g) => g !== 0));
    assert.ok((model.encoder as ImageEncoder).convs[0].weight.grad!.data.some((g) => g !== 0));
  }
});

test('bad images and configs get errors naming what was expected', () => {
  const enc = new ImageEncoder({ channels: [4, 4] });
  assert.throws(() => enc.forward(new Tensor(new Float32Array(2 * 24 * 24), [2, 24, 24])), /expected images of shape \[N, 3, H, W\], got \[2, 24, 24\]/);
  assert.throws(() => enc.forward(new Tensor(new Float32Array(3 * 6 * 6), [1, 3, 6, 6])), /expected image sides divisible by 4 .*got 6×6/);
  const nan = new Float32Array(3 * 8 * 8);
  nan[5] = NaN;
  assert.throws(() => enc.forward(new Tensor(nan, [1, 3, 8, 8])), /expected finite pixel values, got NaN/);
  assert.throws(() => new ImageEncoder({ kernelSize: 4 }), /expected an odd kernelSize/);
  assert.throws(() => new ImageEncoder({ channels: [] }), /expected at least one block/);
  assert.throws(() => new CaptionModel({ vocabSize: 3, embeddingSize: 2, hiddenSize: 2, cell: 'lstm' }), /expected vocabSize >= 4/);
});
