// PixelCNN/PixelRNN's masked convolution (van den Oord et al. 2016, §3.4): a k×k convolution whose
// kernel is zero at and after its centre in reading order (mask 'A': output (r, c) reads only pixels
// before (r, c)) or only after it (mask 'B': (r, c) itself too). It is the first layer of a PixelRNN:
// it hands the row LSTM the rows above, whose right-hand pixels the row LSTM alone would never see.

import { Tensor, zeros } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { mul } from '../../autograd/ops/elementwise.js';
import { conv2d } from '../../autograd/ops/conv2d.js';
import { Module } from '../module.js';
import { uniformInit, type InitOptions } from '../init.js';
import { registerClass } from '../registry.js';
import { checkChoice, checkPositiveInteger } from '../config_check.js';

export interface MaskedConv2dConfig {
  inChannels: number;
  outChannels: number;
  /** Odd kernel side k (zero padding keeps the image size). */
  kernelSize: number;
  /** 'A': taps before the centre only; 'B': the centre too (default 'A'). */
  mask?: 'A' | 'B';
}

/**
 *   y[n, o, r, c] = b[o] + Σ_{q, i, j} m[i, j] · w[o, q, i, j] · x[n, q, r + i − k/2, c + j − k/2]
 * with m[i, j] = 1 for rows i < k/2, and on the centre row for j < k/2 (mask 'A') or j ≤ k/2 ('B').
 *
 * Inputs: x [N, inChannels, H, W]. Outputs: y [N, outChannels, H, W].
 * Parameters: `weight` [outChannels, inChannels, k, k] (masked taps stay in the file but never act)
 *   and `bias` [outChannels], both U(±1/√(inChannels·k²)).
 */
export class MaskedConv2d extends Module {
  readonly config: Readonly<Required<MaskedConv2dConfig>>;
  readonly weight: Tensor;
  readonly bias: Tensor;
  private readonly masks = new Map<string, Tensor>();

  constructor(config: MaskedConv2dConfig, init: InitOptions = {}) {
    super();
    const c = { mask: 'A' as const, ...config };
    const who = 'MaskedConv2d: ';
    checkPositiveInteger('inChannels', c.inChannels, who);
    checkPositiveInteger('outChannels', c.outChannels, who);
    checkPositiveInteger('kernelSize', c.kernelSize, who, 1025);
    if (c.kernelSize % 2 !== 1) throw new Error(`${who}expected an odd kernelSize (centred on the pixel), got ${c.kernelSize}`);
    checkChoice('mask', c.mask, ['A', 'B'], who);
    this.config = Object.freeze(c);
    const k = 1 / Math.sqrt(c.inChannels * c.kernelSize ** 2);
    this.weight = this.registerParameter('weight', uniformInit([c.outChannels, c.inChannels, c.kernelSize, c.kernelSize], k, init));
    this.bias = this.registerParameter('bias', uniformInit([c.outChannels], k, init));
  }

  getConfig(): Required<MaskedConv2dConfig> {
    return { ...this.config };
  }

  /** The 0/1 mask [1, 1, k, k] in the weight's dtype. */
  private maskOf(dtype: Tensor['dtype']): Tensor {
    let m = this.masks.get(dtype);
    if (m === undefined) {
      const k = this.config.kernelSize, h = (k - 1) / 2, last = this.config.mask === 'A' ? h - 1 : h;
      m = zeros([1, 1, k, k], { dtype });
      const d = m.storage.overwrite();
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) d[i * k + j] = i < h || (i === h && j <= last) ? 1 : 0;
      this.masks.set(dtype, m);
    }
    return m;
  }

  forward(x: Tensor): Tensor {
    const { inChannels: C, kernelSize: k } = this.config;
    if (x.rank !== 4 || x.shape[1] !== C) throw new Error(`MaskedConv2d: expected input of shape [N, ${C}, H, W], got ${formatShape(x.shape)}`);
    const p = (k - 1) / 2;
    return conv2d(x, mul(this.weight, this.maskOf(this.weight.dtype)), this.bias, { padding: [p, p] });
  }
}

registerClass('nn.MaskedConv2d', MaskedConv2d, (config, init) => new MaskedConv2d(config, init));
