// The 2-D LSTM image encoder: its features are the MDLSTM over p×p pixel blocks (with coordinate
// channels) laid out by hand here, its pooled vector the mean of its grid; a caption model built on
// it trains end to end (gradients reach the 2-D LSTM); bad configs and images are refused by name.

import '../../src/autograd/methods.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { tensor } from '../../src/tensor/tensor.js';
import { MDLSTMImageEncoder } from '../../src/seq2seq/mdlstm_image_encoder.js';
import { CaptionModel } from '../../src/seq2seq/caption_model.js';
import { targetBatch } from '../../src/seq2seq/batch.js';
import { captionTrainingMemory } from '../../src/seq2seq/seq2seq_memory.js';
import { astype } from '../../src/autograd/ops/copy.js';
import { assertClose, rand64 } from '../helpers/tensors.js';

const f64 = { dtype: 'float64' as const };

test('MDLSTMImageEncoder reads p×p blocks of [x ; X ; Y] into the 2-D LSTM; pooled is the grid mean', () => {
  const N = 2, C = 2, H = 4, W = 6, p = 2, Hp = 2, Wp = 3;
  const enc = new MDLSTMImageEncoder({ kind: 'mdlstm', inChannels: C, patch: p, hiddenSize: 3 }, { ...f64, rng: new Rng(1) });
  const x = rand64([N, C, H, W], 2, { grad: false }), xv = x.toArray();
  const C2 = C + 2, blocks: number[] = [];
  const pixel = (n: number, c: number, h: number, w: number): number =>
    c < C ? xv[((n * C + c) * H + h) * W + w] : c === C ? (2 * w) / (W - 1) - 1 : (2 * h) / (H - 1) - 1;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C2; c++) {
      for (let a = 0; a < p; a++) {
        for (let b = 0; b < p; b++) {
          for (let i = 0; i < Hp; i++) for (let j = 0; j < Wp; j++) blocks.push(pixel(n, c, i * p + a, j * p + b));
        }
      }
    }
  }
  const want = enc.mdlstm.forward(tensor(blocks, [N, C2 * p * p, Hp, Wp], f64)).toArray();
  const out = enc.forward(x);
  assertClose(out.features.toArray(), want, 1e-14);
  const F = 4 * 3, L = Hp * Wp;
  assert.deepEqual([...out.grid.shape], [N, L, F]);
  const grid = out.grid.toArray();
  for (let n = 0; n < N; n++) {
    for (let f = 0; f < F; f++) {
      for (let l = 0; l < L; l++) assert.equal(grid[(n * L + l) * F + f], want[(n * F + f) * L + l]);
      const m = Array.from({ length: L }, (_, l) => want[(n * F + f) * L + l]).reduce((a, v) => a + v, 0) / L;
      assertClose([out.pooled.toArray()[n * F + f]], [m], 1e-14);
    }
  }
  assert.deepEqual(enc.gridShape(8, 4), [4, 2]);
});

test("MDLSTMImageEncoder summary 'last': each direction's state at the corner opposite its start, which every pixel reaches", () => {
  const N = 2, C = 1, H = 6, W = 4, Hd = 2; // a 3×2 grid of 2×2 blocks
  const enc = new MDLSTMImageEncoder({ kind: 'mdlstm', inChannels: C, patch: 2, hiddenSize: Hd, summary: 'last' }, { ...f64, rng: new Rng(3) });
  const x = rand64([N, C, H, W], 4, { grad: false });
  const out = enc.forward(x), f = out.features.toArray(), pooled = out.pooled.toArray();
  assert.deepEqual([...out.pooled.shape], [N, 4 * Hd]);
  // directions 0 … 3 start top-left, top-right, bottom-left, bottom-right: they end at (2, 1), (2, 0), (0, 1), (0, 0)
  const ends = [[2, 1], [2, 0], [0, 1], [0, 0]];
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < 4; k++) {
      for (let j = 0; j < Hd; j++) assert.equal(pooled[n * 4 * Hd + k * Hd + j], f[((n * 4 * Hd + k * Hd + j) * 3 + ends[k][0]) * 2 + ends[k][1]]);
    }
  }
  // the pixel in the start corner of direction 0 (top left) moves every direction's end state
  const xv = x.toArray();
  xv[0] += 1;
  const moved = enc.forward(tensor(xv, [N, C, H, W], f64)).pooled.toArray();
  for (let i = 0; i < 4 * Hd; i++) assert.notEqual(moved[i], pooled[i]);
});

test('MDLSTMImageEncoder with an embedding: each p×p block of [x ; X ; Y] through tanh(w · block + b), then the 2-D LSTM', () => {
  const N = 2, C = 1, H = 4, W = 6, p = 2, Hp = 2, Wp = 3, E = 3, C2 = C + 2;
  const enc = new MDLSTMImageEncoder({ kind: 'mdlstm', inChannels: C, patch: p, hiddenSize: 2, embedding: E }, { ...f64, rng: new Rng(5) });
  assert.equal(enc.mdlstm.config.inputSize, E);
  const x = rand64([N, C, H, W], 6, { grad: false }), xv = x.toArray();
  const w = enc.embed!.weight.toArray(), b = enc.embed!.bias!.toArray();
  const pixel = (n: number, c: number, h: number, v: number): number =>
    c < C ? xv[((n * C + c) * H + h) * W + v] : c === C ? (2 * v) / (W - 1) - 1 : (2 * h) / (H - 1) - 1;
  const blocks = new Array<number>(N * E * Hp * Wp);
  for (let n = 0; n < N; n++) {
    for (let e = 0; e < E; e++) {
      for (let i = 0; i < Hp; i++) {
        for (let j = 0; j < Wp; j++) {
          let s = b[e];
          for (let c = 0; c < C2; c++) for (let a = 0; a < p; a++) for (let q = 0; q < p; q++) s += w[((e * C2 + c) * p + a) * p + q] * pixel(n, c, i * p + a, j * p + q);
          blocks[((n * E + e) * Hp + i) * Wp + j] = Math.tanh(s);
        }
      }
    }
  }
  const want = enc.mdlstm.forward(tensor(blocks, [N, E, Hp, Wp], f64)).toArray();
  assertClose(enc.forward(x).features.toArray(), want, 1e-13);
  assert.equal(enc.numParameters(), E * C2 * p * p + E + enc.mdlstm.numParameters());
  assert.throws(() => new MDLSTMImageEncoder({ kind: 'mdlstm', embedding: 2.5 }), /embedding/);
});

test('a caption model on the 2-D LSTM encoder: the loss gradient reaches the 2-D LSTM weights', () => {
  const model = new CaptionModel({ vocabSize: 7, embeddingSize: 3, hiddenSize: 5, cell: 'lstm', attention: 'additive', encoder: { kind: 'mdlstm', patch: 4, hiddenSize: 3 } }, { rng: new Rng(4) });
  const images = astype(rand64([2, 3, 8, 8], 5, { lo: 0, hi: 1, grad: false }), 'float32');
  const out = model.loss(images, targetBatch([[3, 4], [5, 6, 4]]));
  assert.equal(out.weights!.shape[2], 4); // attention over a 2×2 grid of 4×4 blocks
  out.loss.backward();
  for (const [name, w] of model.encoder.namedParameters()) assert.ok(w.grad!.data.some((g) => g !== 0), `${name} gets no gradient`);
  const mem = captionTrainingMemory(model.getConfig(), 32, 24, 12, 500);
  assert.ok(mem.bytes > 0 && mem.parts.length > 0);
});

test('MDLSTMImageEncoder and the caption model refuse bad encoder configs and images by name', () => {
  assert.throws(() => new CaptionModel({ vocabSize: 7, embeddingSize: 3, hiddenSize: 5, cell: 'lstm', encoder: { kind: 'lstm' } as never }), /MDLSTM image encoder: expected kind mdlstm, got lstm/);
  assert.throws(() => new MDLSTMImageEncoder({ kind: 'mdlstm', patch: 0 }), /MDLSTM image encoder: expected patch to be a positive integer <= 65536, got 0/);
  assert.throws(() => new MDLSTMImageEncoder({ kind: 'mdlstm', coordinates: 'yes' as never }), /MDLSTM image encoder: expected coordinates to be true or false, got/);
  const enc = new MDLSTMImageEncoder({ kind: 'mdlstm', patch: 4, hiddenSize: 2 });
  assert.throws(() => enc.forward(rand64([1, 3, 6, 8], 1)), /MDLSTM image encoder: expected image sides divisible by the patch 4, got 6×8/);
  assert.throws(() => enc.forward(rand64([1, 1, 8, 8], 1)), /MDLSTM image encoder: expected images of shape \[N, 3, H, W\], got \[1, 1, 8, 8\]/);
  const nan = rand64([1, 3, 4, 4], 1, { grad: false });
  nan.data[5] = NaN;
  assert.throws(() => enc.forward(nan), /MDLSTM image encoder: expected finite pixel values, got NaN at flat index 5/);
});
