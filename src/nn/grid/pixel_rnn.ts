// A PixelRNN (van den Oord et al. 2016) on row LSTMs: an autoregressive model of small grey-level
// images, p(x) = Π_{r,c} p(x_{r,c} | pixels before it in reading order), each factor a softmax over
// a few intensity levels (2: binary images). Training is one pass over whole images (every row's
// states at once, row after row); sampling draws pixels one at a time in reading order, each from the
// distribution the model gives it once the pixels before it are drawn. The figure reported is the
// negative log-likelihood per pixel, in nats (and bits).

import { Tensor, zeros } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import type { Rng } from '../../tensor/random.js';
import { noGrad } from '../../autograd/grad_mode.js';
import { permute, select, slice, unsqueeze } from '../../autograd/ops/shape_ops.js';
import type { IndexTensor } from '../../autograd/ops/gather.js';
import { Module } from '../module.js';
import { Linear } from '../layers/linear.js';
import { crossEntropy } from '../losses/cross_entropy.js';
import type { InitOptions } from '../init.js';
import { registerClass } from '../registry.js';
import { MAX_LAYERS, checkPositiveInteger } from '../config_check.js';
import { RowLSTM, type RowState } from './row_lstm.js';
import { MaskedConv2d } from './masked_conv2d.js';

export interface PixelRNNConfig {
  /** Intensity levels L of a pixel, 2 … 256 (2: binary images). */
  levels: number;
  /** Hidden units of every row LSTM layer. */
  hiddenSize: number;
  /** Row LSTM layers (default 1). */
  numLayers?: number;
  /** Side k of the first layer's masked ('A') k×k convolution (default 3; the paper uses 7). */
  convKernel?: number;
  /** Inputs before a column each row LSTM's masked ('B') input convolution reads (default 3). */
  inputKernel?: number;
  /** Width of the state-to-state convolution (default 3). */
  stateKernel?: number;
}

/** The most intensity levels a PixelRNN models (8-bit images). */
export const MAX_LEVELS = 256;

/**
 * v = x / (L − 1) (one input channel in [0, 1]); h⁰ = MaskedConv_A(v) (hiddenSize channels, each
 * pixel's features from the pixels before it), hˡ = RowLSTM_B(hˡ⁻¹); p(x_{r,c} = ·) = softmax(W h^last(r, c) + b).
 * The masked convolution gives the row LSTMs the rows above in full: with a row LSTM alone the last
 * pixel of each row would be seen by no later pixel (the state at (r, c) reads row r − 1's states at
 * c − 1 … c + 1, which read row r − 1's inputs left of c + 1 only).
 *
 * Inputs: pixels [N, H, W], integer levels in [0, L).
 * Outputs: logits [N, H, W, L]; nll(): mean nats per pixel.
 * Parameters: conv.… (see MaskedConv2d, 1 → hiddenSize), row{l}.… (see RowLSTM, mask 'B'), head.weight [L, H], head.bias [L].
 */
export class PixelRNN extends Module {
  readonly config: Readonly<Required<PixelRNNConfig>>;
  readonly conv: MaskedConv2d;
  readonly rows: RowLSTM[] = [];
  readonly head: Linear;

  constructor(config: PixelRNNConfig, init: InitOptions = {}) {
    super();
    const c = { numLayers: 1, convKernel: 3, inputKernel: 3, stateKernel: 3, ...config };
    checkPositiveInteger('levels', c.levels, 'PixelRNN: ', MAX_LEVELS);
    if (c.levels < 2) throw new Error(`PixelRNN: expected at least 2 levels, got ${c.levels}`);
    checkPositiveInteger('hiddenSize', c.hiddenSize, 'PixelRNN: ');
    checkPositiveInteger('numLayers', c.numLayers, 'PixelRNN: ', MAX_LAYERS);
    this.config = Object.freeze(c);
    this.conv = this.registerModule('conv', new MaskedConv2d({ inChannels: 1, outChannels: c.hiddenSize, kernelSize: c.convKernel, mask: 'A' }, init));
    for (let l = 0; l < c.numLayers; l++) {
      this.rows.push(this.registerModule(`row${l}`, new RowLSTM({
        inputSize: c.hiddenSize, hiddenSize: c.hiddenSize, mask: 'B', inputKernel: c.inputKernel, stateKernel: c.stateKernel,
      }, init)));
    }
    this.head = this.registerModule('head', new Linear({ inFeatures: c.hiddenSize, outFeatures: c.levels }, init));
  }

  getConfig(): Required<PixelRNNConfig> {
    return { ...this.config };
  }

  /** Levels [N, H, W] → the input channel v [N, 1, H, W] (dtype float32 unless asked). */
  values(pixels: IndexTensor, dtype: Tensor['dtype'] = 'float32'): Tensor {
    const L = this.config.levels;
    if (pixels.shape.length !== 3) throw new Error(`PixelRNN: expected pixels of shape [N, H, W], got ${formatShape(pixels.shape)}`);
    const [N, H, W] = pixels.shape;
    if (N * H * W === 0) throw new Error(`PixelRNN: expected a non-empty image batch, got ${formatShape(pixels.shape)}`);
    const v = zeros([N, 1, H, W], { dtype }), d = v.storage.overwrite();
    for (let i = 0; i < pixels.data.length; i++) {
      const x = pixels.data[i];
      if (!(Number.isInteger(x) && x >= 0 && x < L)) throw new Error(`PixelRNN: expected pixel levels in [0, ${L}), got ${x} at flat index ${i}`);
      d[i] = x / (L - 1);
    }
    return v;
  }

  /** The logits [N, H, W, L] of every pixel given the input channel v [N, 1, H, W] (for gradient checks on v). */
  logitsOf(v: Tensor): Tensor {
    let h = permute(this.conv.forward(v), [0, 2, 3, 1]); // [N, H, W, H_hidden]
    for (const layer of this.rows) h = layer.forwardChannelsLast(h);
    return this.head.forward(h);
  }

  forward(pixels: IndexTensor): Tensor {
    return this.logitsOf(this.values(pixels, this.head.weight.dtype));
  }

  /** Mean negative log-likelihood per pixel, in nats. */
  nll(pixels: IndexTensor): Tensor {
    return crossEntropy(this.forward(pixels), pixels);
  }

  /**
   * Draws n images of height × width pixel by pixel in reading order, each pixel from the model's
   * distribution given the pixels drawn before it. Returns the levels [n, H, W] and each image's
   * log-probability under the model (nats).
   */
  sample(n: number, height: number, width: number, rng: Rng): { pixels: Int32Array; logProb: Float64Array } {
    for (const [name, v] of [['n', n], ['height', height], ['width', width]] as const) checkPositiveInteger(name, v, 'PixelRNN.sample: ');
    const L = this.config.levels, pixels = new Int32Array(n * height * width), logProb = new Float64Array(n);
    const dtype = this.head.weight.dtype, half = (this.config.convKernel - 1) / 2;
    return noGrad(() => {
      const states: (RowState | null)[] = this.rows.map(() => null);
      const image = new Float64Array(n * height * width); // the input channel v so far, [n, 1, H, W]
      for (let r = 0; r < height; r++) {
        let next: RowState[] = [];
        for (let c = 0; c < width; c++) {
          // The whole row's states from the pixels drawn so far; column c's depend only on those.
          // Row r of the masked convolution reads rows r − half … r only.
          const r0 = Math.max(0, r - half), v = zeros([n, 1, r - r0 + 1, width], { dtype }), d = v.storage.overwrite();
          for (let b = 0; b < n; b++) d.set(image.subarray((b * height + r0) * width, (b * height + r + 1) * width), b * (r - r0 + 1) * width);
          let z = permute(slice(this.conv.forward(v), 2, r - r0, r - r0 + 1), [0, 2, 3, 1]); // [n, 1, W, H_hidden]
          next = this.rows.map((layer, l) => {
            const s = layer.step(select(layer.inputTerms(z), 1, 0), states[l]);
            z = unsqueeze(s.h, 1);
            return s;
          });
          const logits = this.head.forward(select(select(z, 1, 0), 1, c)).dataSync(); // [n, L]
          for (let b = 0; b < n; b++) {
            let max = -Infinity;
            for (let k = 0; k < L; k++) max = Math.max(max, logits[b * L + k]);
            let total = 0;
            for (let k = 0; k < L; k++) total += Math.exp(logits[b * L + k] - max);
            let u = rng.random() * total, level = L - 1;
            for (let k = 0; k < L; k++) {
              u -= Math.exp(logits[b * L + k] - max);
              if (u < 0) { level = k; break; }
            }
            logProb[b] += logits[b * L + level] - max - Math.log(total);
            pixels[(b * height + r) * width + c] = level;
            image[(b * height + r) * width + c] = level / (L - 1);
          }
        }
        // The last column's pass saw every pixel of the row before it: its states are row r's.
        next.forEach((s, l) => { states[l] = s; });
      }
      return { pixels, logProb };
    });
  }
}

registerClass('nn.PixelRNN', PixelRNN, (config, init) => new PixelRNN(config, init));
