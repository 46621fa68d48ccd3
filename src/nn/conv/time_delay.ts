// The time-delay layer (Waibel et al. 1989; Goodfellow et al. §10 on TDNNs as the convolutional
// alternative to recurrence): a 1-D convolution over time, so each output sees a fixed window of
// K inputs spaced by the dilation d, shared across time. Stacking layers with growing dilation
// (1, 2, 4, …) widens the window exponentially (WaveNet); 'causal' padding lets output t read only
// x_{≤ t}, for prediction. Its memory is the window and nothing more: the baseline the recurrent
// models are contrasted with. Built on the conv2d op, with time as the width of a one-row image.

import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { conv2d } from '../../autograd/ops/conv2d.js';
import { permute, reshape, slice } from '../../autograd/ops/shape_ops.js';
import { Module } from '../module.js';
import { uniformInit, type InitOptions } from '../init.js';
import { registerClass } from '../registry.js';

export interface TimeDelayConfig {
  inChannels: number;
  outChannels: number;
  /** K: inputs per window. */
  kernelSize: number;
  /** d: steps between a window's inputs (default 1). */
  dilation?: number;
  /**
   * 'valid' (default): windows wholly inside the sequence, T_out = T − d·(K − 1);
   * 'causal': zeros before the start, T_out = T, output t reads x_{t − d·(K−1)} … x_t.
   */
  padding?: 'valid' | 'causal';
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
}

/**
 *   valid:  y[b, t, o] = bias[o] + Σ_{k<K} Σ_c W[o, c, k] · x[b, t + k·d, c]
 *   causal: y[b, t, o] = bias[o] + Σ_{k<K} Σ_c W[o, c, k] · x[b, t − (K − 1 − k)·d, c]   (x = 0 before t = 0)
 *
 * Inputs: x [B, T, inChannels] (batch-first, channels last, as the recurrent layers' batchFirst).
 * Outputs: y [B, T_out, outChannels].
 * Parameters: `weight` [outChannels, inChannels, K] and `bias` [outChannels] (PyTorch's Conv1d
 * layout), both U(−1/√(inChannels·K), 1/√(inChannels·K)).
 */
export class TimeDelay extends Module {
  readonly config: Readonly<Required<TimeDelayConfig>>;
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(config: TimeDelayConfig, init: InitOptions = {}) {
    super();
    const c = { dilation: 1, padding: 'valid' as const, bias: true, ...config };
    for (const [name, v] of [['inChannels', c.inChannels], ['outChannels', c.outChannels], ['kernelSize', c.kernelSize], ['dilation', c.dilation]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new Error(`TimeDelay: expected ${name} to be an integer >= 1, got ${v}`);
    }
    if (c.padding !== 'valid' && c.padding !== 'causal') throw new Error(`TimeDelay: expected padding 'valid' or 'causal', got '${String(c.padding)}'`);
    this.config = Object.freeze(c);
    const k = 1 / Math.sqrt(c.inChannels * c.kernelSize);
    this.weight = this.registerParameter('weight', uniformInit([c.outChannels, c.inChannels, c.kernelSize], k, init));
    this.bias = c.bias ? this.registerParameter('bias', uniformInit([c.outChannels], k, init)) : null;
  }

  getConfig(): Required<TimeDelayConfig> {
    return { ...this.config };
  }

  /** d·(K − 1) + 1: how many steps one output sees. */
  get receptiveField(): number { return this.config.dilation * (this.config.kernelSize - 1) + 1; }

  forward(x: Tensor): Tensor {
    const { inChannels: C, outChannels: O, kernelSize: K, dilation: d, padding } = this.config;
    if (x.rank !== 3 || x.shape[2] !== C) throw new Error(`TimeDelay: expected input of shape [N, L, ${C}], got ${formatShape(x.shape)}`);
    const [B, T] = x.shape;
    const span = d * (K - 1);
    if (padding === 'valid' && T <= span) throw new Error(`TimeDelay: expected sequences longer than d·(K − 1) = ${span} for 'valid' padding, got length ${T}`);
    // time as the width of a one-row image: [B, C, 1, T]
    const img = reshape(permute(x, [0, 2, 1]), [B, C, 1, T]);
    // causal: pad d·(K−1) zeros on both sides and keep the first T outputs, whose windows end at t
    const y = conv2d(img, reshape(this.weight, [O, C, 1, K]), this.bias, { dilation: [1, d], padding: [0, padding === 'causal' ? span : 0] });
    const Tout = padding === 'causal' ? T : T - span;
    const out = reshape(y, [B, O, y.shape[3]]);
    return permute(padding === 'causal' ? slice(out, 2, 0, Tout) : out, [0, 2, 1]);
  }
}

registerClass('nn.TimeDelay', TimeDelay, (config, init) => new TimeDelay(config, init));
