// The N-ary Tree-LSTM of Tai, Socher & Manning (2015): an LSTM unit over at most N ordered children,
// with separate weights for each child position and a forget gate per child that sees all the
// children (so the left child's state can decide to drop the right child's memory). N = 2 is the
// binary Tree-LSTM of constituency trees such as the Stanford Sentiment Treebank.

import { Tensor } from '../tensor/tensor.js';
import { mul, sigmoid, tanh } from '../autograd/ops/elementwise.js';
import { linear } from '../autograd/ops/matmul.js';
import { reshape, select, slice } from '../autograd/ops/shape_ops.js';
import type { InitOptions } from '../nn/init.js';
import { affine, sumAll, TreeEncoder, type ChildStates, type NodeState, type TreeEncoderConfig } from './encoder.js';
import { registerClass } from '../nn/registry.js';

export interface NaryTreeLSTMConfig extends TreeEncoderConfig {
  /** Child positions N (default 2: the binary Tree-LSTM). */
  arity?: number;
  /** Initial value of the forget-gate biases b_f (default: the uniform init of the other weights). */
  forgetBias?: number;
}

/**
 * N-ary Tree-LSTM (Tai et al. 2015, eqs. 9–14), per node j with input x_j (0 without a word) and
 * children h_{j1} … h_{jN} in position order (missing positions: h = c = 0):
 *
 *   i_j  = σ(W_i x_j + Σ_{l=1..N} U_i^(l) h_{jl} + b_i)
 *   f_jk = σ(W_f x_j + Σ_{l=1..N} U_f^(k,l) h_{jl} + b_f^(k))      k = 1 … N
 *   o_j  = σ(W_o x_j + Σ_l U_o^(l) h_{jl} + b_o)
 *   u_j  = tanh(W_u x_j + Σ_l U_u^(l) h_{jl} + b_u)
 *   c_j  = i_j ⊙ u_j + Σ_{l=1..N} f_jl ⊙ c_{jl}
 *   h_j  = o_j ⊙ tanh(c_j)
 *
 * With one child per node (position 1) this is exactly the LSTM with U^(1) as its recurrent weight.
 *
 * Inputs: a TreeBatch (forward) or one tree (encodeTree). Outputs: h, c [numNodes, H].
 * Parameters: embedding.weight [V, E]; weight_x [(3+N)H, E]; weight_h [(3+N)H, N·H]; bias [(3+N)H].
 * Row blocks i | o | u | f_1 … f_N; column blocks of weight_h are the child positions 1 … N.
 */
export class NaryTreeLSTM extends TreeEncoder {
  readonly arity: number;
  readonly hasCell = true;
  readonly weight_x: Tensor;
  readonly weight_h: Tensor;
  readonly bias: Tensor;
  /** The forget-gate biases b_f started from (undefined: the uniform init). */
  readonly forgetBias: number | undefined;

  constructor(config: NaryTreeLSTMConfig, init: InitOptions = {}) {
    super(config, init);
    const N = config.arity ?? 2;
    if (!(Number.isInteger(N) && N >= 1)) throw new Error(`expected arity >= 1, got ${N}`);
    this.arity = N;
    const H = this.hiddenSize, G = (3 + N) * H;
    this.weight_x = this.weight('weight_x', [G, this.inputSize]);
    this.weight_h = this.weight('weight_h', [G, N * H]);
    this.bias = this.weight('bias', [G]);
    this.forgetBias = config.forgetBias;
    if (config.forgetBias !== undefined) this.bias.data.fill(config.forgetBias, 3 * H);
  }

  getConfig(): NaryTreeLSTMConfig & { arity: number } {
    return { ...this.encoderConfig(), arity: this.arity, forgetBias: this.forgetBias };
  }

  // gates [n, (3+N)H], cs: the children's cells c_{jl} [n, H] per position (none for leaves)
  private finish(gates: Tensor, cs: readonly Tensor[]): NodeState {
    const H = this.hiddenSize;
    const i = sigmoid(slice(gates, 1, 0, H)), o = sigmoid(slice(gates, 1, H, 2 * H)), u = tanh(slice(gates, 1, 2 * H, 3 * H));
    const terms = [mul(i, u)];
    cs.forEach((cl, l) => terms.push(mul(sigmoid(slice(gates, 1, (3 + l) * H, (4 + l) * H)), cl)));
    const c = sumAll(terms);
    return { h: mul(o, tanh(c)), c };
  }

  protected levelStep(x: Tensor | null, n: number, kids: ChildStates | null): NodeState {
    const N = this.arity, H = this.hiddenSize;
    // [n, N, H] read as [n, N·H]: one product applies every U^(l) to its position
    const hin = kids ? reshape(kids.h, [n, N * H]) : null;
    const gates = affine(x, this.weight_x, hin, this.weight_h, this.bias, n);
    const cs = kids ? Array.from({ length: N }, (_, l) => select(kids.c as Tensor, 1, l)) : [];
    return this.finish(gates, cs);
  }

  nodeStep(x: Tensor | null, children: readonly NodeState[]): NodeState {
    const H = this.hiddenSize, G = (3 + this.arity) * H;
    const terms: Tensor[] = [reshape(this.bias, [1, G])];
    if (x) terms.push(linear(x, this.weight_x));
    children.forEach((ch, l) => terms.push(linear(ch.h, slice(this.weight_h, 1, l * H, (l + 1) * H))));
    return this.finish(sumAll(terms), children.map((ch) => ch.c as Tensor));
  }
}

registerClass('tree.NaryTreeLSTM', NaryTreeLSTM, (config, init) => new NaryTreeLSTM(config, init));
