// The experiment behind `unfold tasks pixels`: density estimation of small images with a PixelRNN
// (row LSTMs, nn/grid/pixel_rnn.ts). The images are the captions task's shapes drawn on a 2×2
// placement grid (16×16 pixels, one to three shapes) and reduced to a few grey levels (2: binary,
// shape or background). The score is the held-out negative log-likelihood per pixel, in nats and in
// bits, against independent per-pixel distributions counted on training images (which know where
// ink tends to be but nothing of shapes); the trained model then draws images pixel by pixel.

import { existsSync } from 'node:fs';
import { Rng } from '../tensor/random.js';
import { noGrad } from '../autograd/grad_mode.js';
import { indices, type IndexTensor } from '../autograd/ops/gather.js';
import { PixelRNN } from '../nn/grid/pixel_rnn.js';
import { Adam } from '../optim/adam.js';
import { BudgetCosine } from '../optim/schedules.js';
import { fit, type StepInfo } from '../train/fit.js';
import { modelCheckpoint, resumeInto } from '../train/fit_state_file.js';
import { shapesDataset, type ShapesImageConfig } from './shapes_images.js';
import { heldOutSeed } from './captions.js';
import { definedOnly } from './defined_only.js';

/** The images: shapes on a 2×2 grid of 8-pixel cells (16×16), sides 5 to 7. */
export const PIXEL_SHAPES: ShapesImageConfig = { grid: 2, cellSize: 8 };
export const PIXEL_SIDE = 16;

/**
 * n images of 16×16 pixels as levels [n, 16, 16]: 0 for the background; on a shape, with L = 2
 * levels 1, else its grey value (mean of R, G, B) scaled to L − 1 and rounded, at least 1.
 */
export function pixelImages(n: number, seed: number, levels: number): IndexTensor {
  if (!(Number.isInteger(levels) && levels >= 2 && levels <= 256)) throw new Error(`pixels: expected levels to be an integer in [2, 256], got ${levels}`);
  const data = shapesDataset(n, seed, PIXEL_SHAPES), rgb = data.images.dataSync(), P = PIXEL_SIDE * PIXEL_SIDE;
  const out = new Int32Array(n * P);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < P; p++) {
      const grey = (rgb[(i * 3) * P + p] + rgb[(i * 3 + 1) * P + p] + rgb[(i * 3 + 2) * P + p]) / 3;
      out[i * P + p] = grey === 0 ? 0 : Math.min(levels - 1, Math.max(1, Math.round(grey * (levels - 1))));
    }
  }
  return indices(out, [n, PIXEL_SIDE, PIXEL_SIDE]);
}

/**
 * The baseline: each pixel independent, p(x_p = l) = (count_p(l) + 1) / (n + L) over n training
 * images (add-one smoothing, so no held-out level has probability 0). Returns its mean NLL per
 * pixel (nats) on `test`.
 */
export function independentPixelNll(train: IndexTensor, test: IndexTensor, levels: number): number {
  const P = train.shape[1] * train.shape[2], n = train.shape[0];
  const counts = new Float64Array(P * levels);
  for (let i = 0; i < train.data.length; i++) counts[(i % P) * levels + train.data[i]]++;
  let nats = 0;
  for (let i = 0; i < test.data.length; i++) nats -= Math.log((counts[(i % P) * levels + test.data[i]] + 1) / (n + levels));
  return nats / test.data.length;
}

/** Mean NLL per pixel (nats) of a model on images, in batches of 100, with the model in evaluation mode. */
export function pixelNll(model: PixelRNN, images: IndexTensor): number {
  const [N, H, W] = images.shape, P = H * W;
  let nats = 0;
  noGrad(() => {
    for (let k = 0; k < N; k += 100) {
      const n = Math.min(100, N - k);
      nats += model.nll(indices(images.data.subarray(k * P, (k + n) * P), [n, H, W])).item() * n;
    }
  });
  return nats / N;
}

export interface PixelsOptions {
  /** Grey levels per pixel (default 2: binary). */
  levels?: number;
  hiddenSize?: number;
  numLayers?: number;
  lr?: number;
  batchSize?: number;
  /** Training budget: steps and seconds (at least one > 0). */
  steps?: number;
  time?: number;
  /** Held-out images scored (default 500) and training images the baseline counts (default 5000). */
  testSize?: number;
  baselineSize?: number;
  /** Images drawn from the trained model (default 16). */
  samples?: number;
  seed?: number;
  /** Save the model here (with what resumes its training), at each tenth of the budget and at the end. */
  checkpoint?: string;
  resume?: boolean;
  shouldStop?: () => boolean;
  onStep?(info: StepInfo): void;
}

export const PIXELS_DEFAULTS = { levels: 2, hiddenSize: 32, numLayers: 1, lr: 3e-3, batchSize: 16, testSize: 500, baselineSize: 5000, samples: 16 } as const;

export interface PixelsResult {
  /** Held-out NLL per pixel of the model and of the independent-pixel baseline, nats. */
  nll: number;
  baselineNll: number;
  steps: number;
  trainSeconds: number;
  /** Training loss (nats per pixel) of the first step, and the mean over the last 50 steps. */
  firstLoss: number;
  loss: number;
  parameters: number;
  interrupted: boolean;
  /** Drawn images [samples, 16, 16] and a few held-out ones, as levels. */
  samples: IndexTensor;
  heldOut: IndexTensor;
  model: PixelRNN;
}

/** Training images of step `step` (seeds below the held-out range, apart from the baseline's). */
function trainSeed(seed: number, step: number): number {
  return (seed + 1) * 7919 + step * 2 + 1;
}

/** Trains a fresh PixelRNN on fresh images every step, scores it and the baseline on held-out images, and samples. */
export async function runPixels(o: PixelsOptions): Promise<PixelsResult> {
  const d = PIXELS_DEFAULTS, s = { ...d, ...definedOnly(o) } as typeof d & PixelsOptions;
  const seed = o.seed ?? 0, L = s.levels;
  const heldOut = pixelImages(s.testSize, heldOutSeed(seed), L);
  const model = new PixelRNN({ levels: L, hiddenSize: s.hiddenSize, numLayers: s.numLayers }, { rng: new Rng(seed) });
  const path = o.checkpoint, opt = new Adam(model.parameters(), { lr: s.lr });
  const res = await fit({
    // Adam with the learning rate cosine-decayed to a tenth over the budget (as the captions task)
    model, optimizer: opt, scheduler: new BudgetCosine(opt, { warmupSteps: 0, minLr: s.lr / 10 }), clip: 5, steps: o.steps, seconds: o.time,
    data: (step) => pixelImages(s.batchSize, trainSeed(seed, step), L),
    loss: (b) => model.nll(b),
    checkpoint: path === undefined ? undefined : modelCheckpoint(path, model),
    resume: path !== undefined && o.resume && existsSync(path) ? resumeInto(path, model) : null,
    callbacks: { shouldStop: o.shouldStop, onStep: o.onStep },
  });
  model.eval();
  const nll = pixelNll(model, heldOut);
  // the baseline counts as many images as it likes from its own seed (odd seeds are the model's)
  const baselineNll = independentPixelNll(pixelImages(s.baselineSize, (seed + 1) * 7919, L), heldOut, L);
  const drawn = model.sample(s.samples, PIXEL_SIDE, PIXEL_SIDE, new Rng(seed + 17));
  return {
    nll, baselineNll, steps: res.steps, trainSeconds: res.elapsed, firstLoss: res.firstLoss, loss: res.loss, parameters: model.numParameters(), interrupted: res.stopped === 'interrupted',
    samples: indices(drawn.pixels, [s.samples, PIXEL_SIDE, PIXEL_SIDE]), heldOut, model,
  };
}
