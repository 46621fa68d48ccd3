// The recursive (tree) net of Goller & Küchler (1996) and Socher et al. (2011): every node's state is
// one tanh layer over its own input and its children's states, with weights shared across all
// nodes of all trees. Two ways to treat the children: a weight per child position (the left child
// and the right child are composed differently: positional stationarity, as a convolution's taps
// differ by offset) or one weight for all children applied to their sum (order-free, any number).

import { Tensor } from '../tensor/tensor.js';
import { add, tanh } from '../autograd/ops/elementwise.js';
import { linear } from '../autograd/ops/matmul.js';
import { reshape, slice } from '../autograd/ops/shape_ops.js';
import { sum } from '../autograd/ops/reduce.js';
import type { InitOptions } from '../nn/init.js';
import { affine, sumAll, TreeEncoder, type ChildStates, type NodeState, type TreeEncoderConfig } from './encoder.js';
import { registerClass } from '../nn/registry.js';

export interface RecursiveNetConfig extends TreeEncoderConfig {
  /**
   * 'positional' (default): one weight per child position, W_1 … W_N; 'shared': one weight W on the
   * sum of the children's states.
   */
  childWeights?: 'positional' | 'shared';
  /** Child positions N of the positional net (default 2: W_l, W_r). Ignored by the shared net. */
  arity?: number;
}

/**
 * Recursive net, per node j with input x_j (0 without a word) and children h_{j1} … h_{jK}:
 *
 *   positional:  h_j = tanh(W_x x_j + Σ_{k=1..N} W_k h_{jk} + b)
 *                (binary: h_j = tanh(W_x x_j + W_l h_left + W_r h_right + b); missing children are 0)
 *   shared:      h_j = tanh(W_x x_j + W Σ_{k=1..K} h_{jk} + b)     (any number K of children)
 *
 * A leaf is h_j = tanh(W_x x_j + b).
 *
 * Inputs: a TreeBatch (forward) or one tree (encodeTree). Outputs: h [numNodes, H]; c is null.
 * Parameters: embedding.weight [V, E]; weight_x [H, E]; weight_h [H, N·H] (positional: the columns
 * k·H … (k+1)·H − 1 are W_{k+1}) or [H, H] (shared); bias [H].
 */
export class RecursiveNet extends TreeEncoder {
  readonly arity: number | null;
  readonly hasCell = false;
  readonly childWeights: 'positional' | 'shared';
  // N as configured (the shared net keeps it only so that its config reads back as given).
  private readonly positions: number;
  readonly weight_x: Tensor;
  readonly weight_h: Tensor;
  readonly bias: Tensor;

  constructor(config: RecursiveNetConfig, init: InitOptions = {}) {
    super(config, init);
    this.childWeights = config.childWeights ?? 'positional';
    const N = config.arity ?? 2;
    if (!(Number.isInteger(N) && N >= 1)) throw new Error(`expected arity >= 1, got ${N}`);
    this.positions = N;
    this.arity = this.childWeights === 'positional' ? N : null;
    const H = this.hiddenSize;
    this.weight_x = this.weight('weight_x', [H, this.inputSize]);
    this.weight_h = this.weight('weight_h', [H, this.childWeights === 'positional' ? N * H : H]);
    this.bias = this.weight('bias', [H]);
  }

  getConfig(): Required<RecursiveNetConfig> {
    return { ...this.encoderConfig(), childWeights: this.childWeights, arity: this.positions };
  }

  protected levelStep(x: Tensor | null, n: number, kids: ChildStates | null): NodeState {
    const H = this.hiddenSize;
    let hin: Tensor | null = null;
    if (kids) {
      // positional: [n, N, H] read as [n, N·H] so that one product applies every W_k to its slot
      hin = this.arity !== null ? reshape(kids.h, [n, this.arity * H]) : sum(kids.h, 1);
    }
    return { h: tanh(affine(x, this.weight_x, hin, this.weight_h, this.bias, n)), c: null };
  }

  nodeStep(x: Tensor | null, children: readonly NodeState[]): NodeState {
    const H = this.hiddenSize;
    const terms: Tensor[] = [reshape(this.bias, [1, H])];
    if (x) terms.push(linear(x, this.weight_x));
    if (this.arity !== null) {
      children.forEach((c, k) => terms.push(linear(c.h, slice(this.weight_h, 1, k * H, (k + 1) * H))));
    } else if (children.length > 0) {
      terms.push(linear(sumAll(children.map((c) => c.h)), this.weight_h));
    }
    return { h: tanh(terms.length === 1 ? add(terms[0], 0) : sumAll(terms)), c: null };
  }
}

registerClass('tree.RecursiveNet', RecursiveNet, (config, init) => new RecursiveNet(config, init));
