// Output-to-hidden (Jordan) recurrence: the hidden update reads the previous output y_{t−1} instead
// of (or besides) the previous hidden state (Jordan 1986; Goodfellow et al. §10.2.1, fig. 10.4).
// The carry is [h, y_feed]: the hidden state and the vector fed back into the next step, which is
// the one-hot of the predicted class (categorical outputs) or the predicted value (real outputs).
// Teacher forcing and scheduled sampling replace y_feed by the truth: see ../seq/jordan_run.ts.

import { Tensor, zeros } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { add, relu, tanh } from '../../autograd/ops/elementwise.js';
import { linear } from '../../autograd/ops/matmul.js';
import { argmax } from '../../autograd/ops/reduce.js';
import { Module } from '../module.js';
import { uniformInit, type InitOptions } from '../init.js';
import type { Carry, RecurrentCell } from './cell.js';
import { registerClass } from '../registry.js';

export interface JordanCellConfig {
  /** I: size of the external input x_t; 0 for a net driven only by its own outputs (default 0). */
  inputSize?: number;
  hiddenSize: number;
  /** O: number of classes (categorical) or of output values (real). */
  outputSize: number;
  /** 'categorical': o_t are logits and the feedback is a one-hot; 'real': o_t is the value (default 'categorical'). */
  output?: 'categorical' | 'real';
  /** Also recur from h_{t−1} (an Elman–Jordan net) (default false: recurrence only through the output). */
  hiddenToHidden?: boolean;
  /** f in the update below (default 'tanh'). */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * h_t = f(x_t W_ihᵀ + y_{t−1} W_yhᵀ [+ h_{t−1} W_hhᵀ] + b_h),   o_t = h_t W_hoᵀ + b_o,
 *
 * where y_{t−1} is the fed-back previous output: one-hot(argmax o_{t−1}) for categorical outputs,
 * o_{t−1} itself for real outputs (free running), or the true y_{t−1} under teacher forcing.
 * y_0 is zeros (no previous output) unless a carry is given.
 *
 * Carry: [h [N, H], y_feed [N, O]]; carry[0] is the output h_t, so scan() runs the cell freely.
 * Inputs of step(): x [N, I] (I = 0: a tensor [N, 0]). Outputs: the new carry; output(h) gives o_t [N, O].
 * Parameters: weight_ih [H, I] (when I > 0), weight_yh [H, O], weight_hh [H, H] (with
 * hiddenToHidden), bias_h [H], weight_ho [O, H], bias_o [O]; all U(−1/√H, 1/√H).
 */
export class JordanCell extends Module implements RecurrentCell {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly outputSize: number;
  readonly outputKind: 'categorical' | 'real';
  readonly nonlinearity: 'tanh' | 'relu';
  readonly carrySize = 2;
  readonly weight_ih: Tensor | null;
  readonly weight_yh: Tensor;
  readonly weight_hh: Tensor | null;
  readonly bias_h: Tensor;
  readonly weight_ho: Tensor;
  readonly bias_o: Tensor;

  constructor(config: JordanCellConfig, init: InitOptions = {}) {
    super();
    const I = config.inputSize ?? 0, H = config.hiddenSize, O = config.outputSize;
    if (!(Number.isInteger(I) && I >= 0)) throw new Error(`JordanCell: expected inputSize >= 0, got ${I}`);
    if (!(Number.isInteger(H) && H > 0 && Number.isInteger(O) && O > 0)) {
      throw new Error(`JordanCell: expected positive integer hiddenSize and outputSize, got ${H} and ${O}`);
    }
    this.outputKind = config.output ?? 'categorical';
    if (this.outputKind !== 'categorical' && this.outputKind !== 'real') {
      throw new Error(`JordanCell: expected output 'categorical' or 'real', got '${String(this.outputKind)}'`);
    }
    this.nonlinearity = config.nonlinearity ?? 'tanh';
    if (this.nonlinearity !== 'tanh' && this.nonlinearity !== 'relu') {
      throw new Error(`JordanCell: expected nonlinearity 'tanh' or 'relu', got '${String(this.nonlinearity)}'`);
    }
    this.inputSize = I;
    this.hiddenSize = H;
    this.outputSize = O;
    const k = 1 / Math.sqrt(H);
    this.weight_ih = I > 0 ? this.registerParameter('weight_ih', uniformInit([H, I], k, init)) : null;
    this.weight_yh = this.registerParameter('weight_yh', uniformInit([H, O], k, init));
    this.weight_hh = config.hiddenToHidden ? this.registerParameter('weight_hh', uniformInit([H, H], k, init)) : null;
    this.bias_h = this.registerParameter('bias_h', uniformInit([H], k, init));
    this.weight_ho = this.registerParameter('weight_ho', uniformInit([O, H], k, init));
    this.bias_o = this.registerParameter('bias_o', uniformInit([O], k, init));
  }

  get dtype() { return this.weight_yh.dtype; }

  getConfig(): Required<JordanCellConfig> {
    return {
      inputSize: this.inputSize, hiddenSize: this.hiddenSize, outputSize: this.outputSize, output: this.outputKind,
      hiddenToHidden: this.weight_hh !== null, nonlinearity: this.nonlinearity,
    };
  }

  /** [zeros [N, H], zeros [N, O]]: no previous state, no previous output. */
  initCarry(batch: number): Carry {
    return [zeros([batch, this.hiddenSize], { dtype: this.dtype }), zeros([batch, this.outputSize], { dtype: this.dtype })];
  }

  /** x [..., I] → x W_ihᵀ + b_h [..., H] (just b_h, broadcast, when I = 0). */
  projectInput(x: Tensor): Tensor {
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.inputSize) {
      throw new Error(`expected input of shape [..., ${this.inputSize}], got ${formatShape(x.shape)}`);
    }
    if (this.weight_ih) return linear(x, this.weight_ih, this.bias_h);
    return add(zeros([...x.shape.slice(0, -1), this.hiddenSize], { dtype: this.dtype }), this.bias_h);
  }

  /** h_t [N, H] from the projected input xp [N, H], h_{t−1} and the fed-back y_{t−1} [N, O]. */
  hidden(xp: Tensor, h: Tensor, yFeed: Tensor): Tensor {
    if (yFeed.rank !== 2 || yFeed.shape[1] !== this.outputSize) {
      throw new Error(`JordanCell: expected a fed-back output of shape [N, ${this.outputSize}], got ${formatShape(yFeed.shape)}`);
    }
    let pre = add(xp, linear(yFeed, this.weight_yh));
    if (this.weight_hh) pre = add(pre, linear(h, this.weight_hh));
    return this.nonlinearity === 'tanh' ? tanh(pre) : relu(pre);
  }

  /** o_t = h_t W_hoᵀ + b_o: h [..., H] → [..., O] (logits, or values). */
  output(h: Tensor): Tensor {
    return linear(h, this.weight_ho, this.bias_o);
  }

  /** What the model feeds back of its own output o [N, O]: one-hot(argmax o), or o itself (real). */
  ownFeedback(o: Tensor): Tensor {
    if (this.outputKind === 'real') return o;
    return this.oneHot(argmax(o, -1));
  }

  /** One-hot rows [N, O] of class ids (a constant); ids equal to `ignoreIndex` (padding) give zero rows. */
  oneHot(ids: ArrayLike<number>, ignoreIndex?: number): Tensor {
    const O = this.outputSize;
    const t = zeros([ids.length, O], { dtype: this.dtype });
    for (let b = 0; b < ids.length; b++) {
      const c = ids[b];
      if (ignoreIndex !== undefined && c === ignoreIndex) continue;
      if (!(Number.isInteger(c) && c >= 0 && c < O)) throw new Error(`JordanCell: expected class ids in [0, ${O}), got ${c}`);
      t.data[b * O + c] = 1;
    }
    return t;
  }

  /** Free-running step: [h, y_feed] → [h_t, ownFeedback(o_t)]. */
  stepProjected(xp: Tensor, carry: Carry): Carry {
    if (carry.length !== 2) throw new Error(`JordanCell: expected a carry [h, y_feed], got ${carry.length} tensors`);
    const h = this.hidden(xp, carry[0], carry[1]);
    return [h, this.ownFeedback(this.output(h))];
  }

  step(x: Tensor, carry: Carry): Carry {
    return this.stepProjected(this.projectInput(x), carry);
  }
}

registerClass('nn.JordanCell', JordanCell, (config, init) => new JordanCell(config, init));
