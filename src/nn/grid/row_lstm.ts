// PixelRNN's row LSTM (van den Oord, Kalchbrenner & Kavukcuoglu 2016, §3.1): an LSTM that steps down
// an image one row at a time, computing a whole row of states at once. Its input-to-state map is a
// 1-D convolution along the row masked so that the state at column c reads only the inputs before c
// (mask 'A') or up to c (mask 'B', for layers whose input at c already excludes pixel c); its
// state-to-state map is a 1-D convolution (width 3) over the previous row's states. The state at
// (r, c) then depends on rows above r (a triangle widening upwards) and on the inputs left of c in
// row r — never on pixel (r, c) or later ones, which is what lets a model built on it generate
// images pixel by pixel.

import { Tensor, zeros } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { add, mul, sigmoid, tanh } from '../../autograd/ops/elementwise.js';
import { linear } from '../../autograd/ops/matmul.js';
import { chunk, concat, permute, reshape, select, slice, stack } from '../../autograd/ops/shape_ops.js';
import { Module } from '../module.js';
import { uniformInit, type InitOptions } from '../init.js';
import { registerClass } from '../registry.js';
import { checkChoice, checkPositiveInteger } from '../config_check.js';
import { describeValue } from '../../tensor/describe_value.js';

export interface RowLSTMConfig {
  /** Channels I of each input pixel. */
  inputSize: number;
  /** Hidden units H at each column. */
  hiddenSize: number;
  /** K: inputs before column c the input-to-state convolution reads (default 3). */
  inputKernel?: number;
  /** 'A': inputs c − K … c − 1 (the first layer, reading pixels); 'B': c − K … c (default 'A'). */
  mask?: 'A' | 'B';
  /** Odd width of the state-to-state convolution (default 3). */
  stateKernel?: number;
  /** Value the forget-gate bias starts at (default 1). */
  forgetBias?: number;
}

/** The carried state of one row: h and c, each [N, W, H] (channels last). */
export interface RowState {
  h: Tensor;
  c: Tensor;
}

/**
 * For each row r, all columns c at once (x and h zero outside the image):
 *
 *   [i; f; g; o](c) = b + Σ_{k=1..K} W_is[·, ·, K − k] x_r(c − k)   (+ W_is[·, ·, K] x_r(c) with mask 'B')
 *                       + Σ_{j} W_ss[·, ·, j] h_{r−1}(c + j − (k_ss − 1)/2)
 *   c_r = σ(f) ⊙ c_{r−1} + σ(i) ⊙ tanh(g)      h_r = σ(o) ⊙ tanh(c_r)
 *
 * The masked input convolution is PixelRNN's centred width-(2K + 1) convolution with the taps at and
 * after c (mask 'A') or after c (mask 'B') zeroed, stored without the zero taps.
 *
 * Inputs: x [N, inputSize, H, W]. Outputs: h [N, hiddenSize, H, W]. (forwardChannelsLast, inputTerms
 *   and step take and give channels-last tensors, [N, H, W, C] and rows [N, W, C], for models that
 *   stack layers or step row by row.)
 * Parameters: weight_is [4H, I, K (+1 for mask 'B')], weight_ss [4H, H, k_ss], bias [4H]; rows
 *   i | f | g | o; all U(±1/√H), the forget rows of bias forgetBias.
 */
export class RowLSTM extends Module {
  readonly config: Readonly<Required<RowLSTMConfig>>;
  readonly weight_is: Tensor;
  readonly weight_ss: Tensor;
  readonly bias: Tensor;

  constructor(config: RowLSTMConfig, init: InitOptions = {}) {
    super();
    const c = { inputKernel: 3, mask: 'A' as const, stateKernel: 3, forgetBias: 1, ...config };
    const who = 'RowLSTM: ';
    checkPositiveInteger('inputSize', c.inputSize, who);
    checkPositiveInteger('hiddenSize', c.hiddenSize, who);
    checkPositiveInteger('inputKernel', c.inputKernel, who, 1024);
    checkPositiveInteger('stateKernel', c.stateKernel, who, 1025);
    if (c.stateKernel % 2 !== 1) throw new Error(`${who}expected an odd stateKernel (centred on the column), got ${c.stateKernel}`);
    checkChoice('mask', c.mask, ['A', 'B'], who);
    if (typeof c.forgetBias !== 'number' || !Number.isFinite(c.forgetBias)) throw new Error(`${who}expected a finite forgetBias, got ${describeValue(c.forgetBias)}`);
    this.config = Object.freeze(c);
    const H = c.hiddenSize, k = 1 / Math.sqrt(H);
    this.weight_is = this.registerParameter('weight_is', uniformInit([4 * H, c.inputSize, c.inputKernel + (c.mask === 'B' ? 1 : 0)], k, init));
    this.weight_ss = this.registerParameter('weight_ss', uniformInit([4 * H, H, c.stateKernel], k, init));
    this.bias = this.registerParameter('bias', uniformInit([4 * H], k, init));
    this.bias.data.fill(c.forgetBias, H, 2 * H);
  }

  getConfig(): Required<RowLSTMConfig> {
    return { ...this.config };
  }

  /**
   * The input-to-state terms of every row at once (they do not depend on the state):
   * x [N, R, W, I] (channels last) → [N, R, W, 4H], bias included.
   */
  inputTerms(x: Tensor): Tensor {
    const { inputSize: I, hiddenSize: H, inputKernel: K } = this.config;
    if (x.rank !== 4 || x.shape[3] !== I) throw new Error(`RowLSTM: expected channels-last input of shape [N, rows, W, ${I}], got ${formatShape(x.shape)}`);
    const Kw = this.weight_is.shape[2];
    // tap t reads column c − (K − t): the row shifted right by K − t, one block of I columns each
    const taps = Array.from({ length: Kw }, (_, t) => shiftAlong(x, 2, K - t));
    const w = reshape(permute(this.weight_is, [0, 2, 1]), [4 * H, Kw * I]); // columns (t, i)
    return linear(taps.length === 1 ? taps[0] : concat(taps, 3), w, this.bias);
  }

  /**
   * One row: its input term [N, W, 4H] and row r − 1's state (null above the image) → row r's
   * state, h and c each [N, W, H] (channels last).
   */
  step(inputTerm: Tensor, prev: RowState | null): RowState {
    const { hiddenSize: H, stateKernel: ks } = this.config;
    let gates = inputTerm;
    if (prev !== null) {
      const half = (ks - 1) / 2;
      // tap j reads column c + j − half of the row above
      const taps = Array.from({ length: ks }, (_, j) => shiftAlong(prev.h, 1, half - j));
      const w = reshape(permute(this.weight_ss, [0, 2, 1]), [4 * H, ks * H]); // columns (j, h)
      gates = add(gates, linear(taps.length === 1 ? taps[0] : concat(taps, 2), w));
    }
    const [i, f, g, o] = chunk(gates, 4, 2); // each [N, W, H]
    let c = mul(sigmoid(i), tanh(g));
    if (prev !== null) c = add(c, mul(sigmoid(f), prev.c));
    return { h: mul(sigmoid(o), tanh(c)), c };
  }

  /** The row loop on channels-last tensors: x [N, R, W, I] → h [N, R, W, H]. */
  forwardChannelsLast(x: Tensor): Tensor {
    const terms = this.inputTerms(x);
    const rows: Tensor[] = [];
    let state: RowState | null = null;
    for (let r = 0; r < x.shape[1]; r++) {
      state = this.step(select(terms, 1, r), state);
      rows.push(state.h);
    }
    return stack(rows, 1);
  }

  forward(x: Tensor): Tensor {
    const I = this.config.inputSize;
    if (x.rank !== 4 || x.shape[1] !== I) throw new Error(`RowLSTM: expected input of shape [N, ${I}, H, W], got ${formatShape(x.shape)}`);
    if (x.size === 0) throw new Error(`RowLSTM: expected a non-empty input, got ${formatShape(x.shape)}`);
    return permute(this.forwardChannelsLast(permute(x, [0, 2, 3, 1])), [0, 3, 1, 2]);
  }
}

/**
 * x shifted by s places along an axis, zeros filling in: out[…, i, …] = x[…, i − s, …] (s > 0
 * moves towards higher indices, s < 0 towards lower ones).
 */
export function shiftAlong(x: Tensor, axis: number, s: number): Tensor {
  if (s === 0) return x;
  const n = x.shape[axis];
  if (Math.abs(s) >= n) return zeros(x.shape, { dtype: x.dtype });
  const padShape = [...x.shape];
  padShape[axis] = Math.abs(s);
  const pad = zeros(padShape, { dtype: x.dtype });
  return s > 0 ? concat([pad, slice(x, axis, 0, n - s)], axis) : concat([slice(x, axis, -s, n), pad], axis);
}

registerClass('nn.RowLSTM', RowLSTM, (config, init) => new RowLSTM(config, init));
