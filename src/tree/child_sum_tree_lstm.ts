// The Child-Sum Tree-LSTM of Tai, Socher & Manning (2015): an LSTM unit whose "previous state" is
// the sum of its children's states, with one forget gate per child so that each child's memory
// can be kept or dropped on its own. Children are unordered and may be any number (dependency trees).

import { Tensor } from '../tensor/tensor.js';
import { add, mul, sigmoid, tanh } from '../autograd/ops/elementwise.js';
import { linear } from '../autograd/ops/matmul.js';
import { reshape, slice } from '../autograd/ops/shape_ops.js';
import { sum } from '../autograd/ops/reduce.js';
import type { InitOptions } from '../nn/init.js';
import { affine, sumAll, TreeEncoder, type ChildStates, type NodeState, type TreeEncoderConfig } from './encoder.js';
import { registerClass } from '../nn/registry.js';

export interface ChildSumTreeLSTMConfig extends TreeEncoderConfig {
  /** Initial value of the forget-gate bias b_f (default: the uniform init of the other weights). */
  forgetBias?: number;
}

/**
 * Child-Sum Tree-LSTM (Tai et al. 2015, eqs. 2–8), per node j with input x_j (0 without a word) and
 * children C(j):
 *
 *   h̃_j  = Σ_{k∈C(j)} h_k
 *   i_j  = σ(W_i x_j + U_i h̃_j + b_i)
 *   f_jk = σ(W_f x_j + U_f h_k + b_f)          one forget gate per child k
 *   o_j  = σ(W_o x_j + U_o h̃_j + b_o)
 *   u_j  = tanh(W_u x_j + U_u h̃_j + b_u)
 *   c_j  = i_j ⊙ u_j + Σ_{k∈C(j)} f_jk ⊙ c_k
 *   h_j  = o_j ⊙ tanh(c_j)
 *
 * A leaf has h̃_j = 0 and no c_k terms. On a chain (one child per node) this is exactly the LSTM.
 *
 * Inputs: a TreeBatch (forward) or one tree (encodeTree). Outputs: h, c [numNodes, H].
 * Parameters: embedding.weight [V, E]; weight_iou_x [3H, E], weight_iou_h [3H, H], bias_iou [3H]
 * (row blocks i | o | u); weight_f_x [H, E], weight_f_h [H, H], bias_f [H].
 */
export class ChildSumTreeLSTM extends TreeEncoder {
  readonly arity = null;
  readonly hasCell = true;
  readonly weight_iou_x: Tensor;
  readonly weight_iou_h: Tensor;
  readonly bias_iou: Tensor;
  readonly weight_f_x: Tensor;
  readonly weight_f_h: Tensor;
  readonly bias_f: Tensor;
  /** The forget-gate bias b_f started from (undefined: the uniform init). */
  readonly forgetBias: number | undefined;

  constructor(config: ChildSumTreeLSTMConfig, init: InitOptions = {}) {
    super(config, init);
    const H = this.hiddenSize, E = this.inputSize;
    this.weight_iou_x = this.weight('weight_iou_x', [3 * H, E]);
    this.weight_iou_h = this.weight('weight_iou_h', [3 * H, H]);
    this.bias_iou = this.weight('bias_iou', [3 * H]);
    this.weight_f_x = this.weight('weight_f_x', [H, E]);
    this.weight_f_h = this.weight('weight_f_h', [H, H]);
    this.bias_f = this.weight('bias_f', [H]);
    this.forgetBias = config.forgetBias;
    if (config.forgetBias !== undefined) this.bias_f.data.fill(config.forgetBias);
  }

  getConfig(): ChildSumTreeLSTMConfig {
    return { ...this.encoderConfig(), forgetBias: this.forgetBias };
  }

  // iou [n, 3H] → c = i ⊙ u (+ the children's kept memory), h = o ⊙ tanh(c)
  private finish(iou: Tensor, kept: Tensor | null): NodeState {
    const H = this.hiddenSize;
    const i = sigmoid(slice(iou, 1, 0, H)), o = sigmoid(slice(iou, 1, H, 2 * H)), u = tanh(slice(iou, 1, 2 * H, 3 * H));
    const iu = mul(i, u);
    const c = kept ? add(iu, kept) : iu;
    return { h: mul(o, tanh(c)), c };
  }

  protected levelStep(x: Tensor | null, n: number, kids: ChildStates | null): NodeState {
    const H = this.hiddenSize;
    const hsum = kids ? sum(kids.h, 1) : null; // [n, H]
    const iou = affine(x, this.weight_iou_x, hsum, this.weight_iou_h, this.bias_iou, n); // [n, 3H]
    if (!kids) return this.finish(iou, null);
    // f [n, K, H]: the x part [n, 1, H] broadcast over the K children; missing children have c = 0
    const fx = x ? reshape(linear(x, this.weight_f_x, this.bias_f), [n, 1, H]) : reshape(this.bias_f, [1, 1, H]);
    const f = sigmoid(add(linear(kids.h, this.weight_f_h), fx));
    return this.finish(iou, sum(mul(f, kids.c as Tensor), 1));
  }

  nodeStep(x: Tensor | null, children: readonly NodeState[]): NodeState {
    const H = this.hiddenSize;
    const xPart = (w: Tensor, b: Tensor): Tensor => (x ? linear(x, w, b) : reshape(b, [1, b.shape[0]]));
    let iou = xPart(this.weight_iou_x, this.bias_iou);
    if (children.length === 0) return this.finish(iou, null);
    iou = add(iou, linear(sumAll(children.map((c) => c.h)), this.weight_iou_h));
    const fx = xPart(this.weight_f_x, this.bias_f);
    const kept = sumAll(children.map((ch) => mul(sigmoid(add(fx, linear(ch.h, this.weight_f_h))), ch.c as Tensor)));
    return this.finish(reshape(iou, [1, 3 * H]), kept);
  }
}

registerClass('tree.ChildSumTreeLSTM', ChildSumTreeLSTM, (config, init) => new ChildSumTreeLSTM(config, init));
