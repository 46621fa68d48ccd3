// Skip connections through time: a vanilla RNN whose update also reads the states d steps back, for
// a set of delays d (Lin et al. 1996; Goodfellow et al. §10.9.1). A delay-d path shortens the
// route a gradient travels across T steps to about T/d products, easing long-term dependencies.
// The carry holds the last max(d) states, newest first.

import { checkCellSizes } from './cell.js';
import { Tensor, zeros } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { add, relu, tanh } from '../../autograd/ops/elementwise.js';
import { linear } from '../../autograd/ops/matmul.js';
import { reshape } from '../../autograd/ops/shape_ops.js';
import { Module } from '../module.js';
import { checkRecurrentInit, initRecurrentWeight, uniformInit, type InitOptions, type RecurrentInit } from '../init.js';
import type { Carry, CellConfig, RecurrentCell } from './cell.js';
import { registerClass } from '../registry.js';
import { maxOf } from '../../tensor/large_arrays.js';

export interface SkipRNNCellConfig extends CellConfig {
  /** The delays d ≥ 1 the update reads h_{t−d} from, distinct integers (default [1]). */
  delays?: readonly number[];
  /** f in the update below (default 'tanh'). */
  nonlinearity?: 'tanh' | 'relu';
  /**
   * How every U_d starts: 'uniform' (default), 'orthogonal' (each U_d its own random orthogonal
   * matrix) or 'identity' (each U_d = I / |delays| and zero biases, so that Σ_d U_d h = h for a
   * constant state, the IRNN's fixed point).
   */
  recurrentInit?: RecurrentInit;
}

/**
 * h_t = f(x_t W_ihᵀ + b_ih + Σ_{d ∈ delays} h_{t−d} U_dᵀ + b_hh),   f = tanh or relu,
 * with h_{t−d} = 0 (or the given initial carry) before the sequence starts.
 *
 * Carry: [h_{t−1}, h_{t−2}, …, h_{t−D}], D = max(delays), each [N, H]; carry[0] is the output.
 * After a step the carry is [h_t, h_{t−1}, …, h_{t−D+1}].
 * Inputs: x [N, inputSize] (or [inputSize]), carry as above (zeros when omitted).
 * Outputs: h_t [N, hiddenSize] from forward(); the whole new carry from step().
 * Parameters: weight_ih [H, I], weight_hh_d{d} [H, H] per delay (U_d), bias_ih [H], bias_hh [H],
 * all U(−1/√H, 1/√H). With delays [1] this is exactly RNNCell (weight_hh_d1 = weight_hh).
 */
export class SkipRNNCell extends Module implements RecurrentCell {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly delays: readonly number[];
  readonly carrySize: number;
  readonly nonlinearity: 'tanh' | 'relu';
  readonly recurrentInit: RecurrentInit;
  readonly weight_ih: Tensor;
  /** U_d [H, H], in the order of `delays`. */
  readonly weight_hh: readonly Tensor[];
  readonly bias_ih: Tensor | null;
  readonly bias_hh: Tensor | null;

  constructor(config: SkipRNNCellConfig, init: InitOptions = {}) {
    super();
    const { inputSize: I, hiddenSize: H } = config;
    checkCellSizes(I, H);
    const delays = [...(config.delays ?? [1])];
    if (delays.length === 0) throw new Error('SkipRNNCell: expected at least one delay, got none');
    for (const d of delays) {
      if (!(Number.isInteger(d) && d >= 1)) throw new Error(`SkipRNNCell: expected delays that are integers >= 1, got ${d}`);
    }
    if (new Set(delays).size !== delays.length) throw new Error(`SkipRNNCell: expected distinct delays, got [${delays.join(', ')}]`);
    this.nonlinearity = config.nonlinearity ?? 'tanh';
    if (this.nonlinearity !== 'tanh' && this.nonlinearity !== 'relu') {
      throw new Error(`SkipRNNCell: expected nonlinearity 'tanh' or 'relu', got '${String(this.nonlinearity)}'`);
    }
    this.inputSize = I;
    this.hiddenSize = H;
    this.delays = Object.freeze(delays);
    this.carrySize = maxOf(delays);
    const k = 1 / Math.sqrt(H);
    this.weight_ih = this.registerParameter('weight_ih', uniformInit([H, I], k, init));
    this.weight_hh = delays.map((d) => this.registerParameter(`weight_hh_d${d}`, uniformInit([H, H], k, init)));
    const bias = config.bias ?? true;
    this.bias_ih = bias ? this.registerParameter('bias_ih', uniformInit([H], k, init)) : null;
    this.bias_hh = bias ? this.registerParameter('bias_hh', uniformInit([H], k, init)) : null;
    this.recurrentInit = checkRecurrentInit(config.recurrentInit ?? 'uniform');
    for (const u of this.weight_hh) initRecurrentWeight(u, this.recurrentInit, [this.bias_ih, this.bias_hh], init.rng, 1 / delays.length);
  }

  get dtype() { return this.weight_ih.dtype; }

  getConfig(): Required<SkipRNNCellConfig> & { delays: number[] } {
    return { inputSize: this.inputSize, hiddenSize: this.hiddenSize, bias: this.bias_ih !== null, delays: [...this.delays], nonlinearity: this.nonlinearity, recurrentInit: this.recurrentInit };
  }

  initCarry(batch: number): Carry {
    return Array.from({ length: this.carrySize }, () => zeros([batch, this.hiddenSize], { dtype: this.dtype }));
  }

  projectInput(x: Tensor): Tensor {
    if (x.shape[x.rank - 1] !== this.inputSize) {
      throw new Error(`expected input of shape [..., ${this.inputSize}], got ${formatShape(x.shape)}`);
    }
    return linear(x, this.weight_ih, this.bias_ih);
  }

  stepProjected(xp: Tensor, carry: Carry): Carry {
    if (carry.length !== this.carrySize) {
      throw new Error(`SkipRNNCell: expected a carry of ${this.carrySize} states (the last max(delays) h), got ${carry.length}`);
    }
    // xp [B, H]; carry[d − 1] = h_{t−d} [B, H]
    let pre = xp;
    this.delays.forEach((d, j) => {
      pre = add(pre, linear(carry[d - 1], this.weight_hh[j], j === 0 ? this.bias_hh : null));
    });
    const h = this.nonlinearity === 'tanh' ? tanh(pre) : relu(pre);
    return [h, ...carry.slice(0, this.carrySize - 1)];
  }

  step(x: Tensor, carry: Carry): Carry {
    return this.stepProjected(this.projectInput(x), carry);
  }

  /** One step: x [N, I] (or [I]) and an optional carry (states [N, H], or [H]) → h_t [N, H] (or [H]). */
  forward(x: Tensor, carry?: Carry): Tensor {
    const single = x.rank === 1;
    if ((x.rank !== 1 && x.rank !== 2) || x.shape[x.rank - 1] !== this.inputSize) {
      throw new Error(`expected input of shape [N, ${this.inputSize}], got ${formatShape(x.shape)}`);
    }
    const xb = single ? reshape(x, [1, this.inputSize]) : x;
    const B = xb.shape[0];
    // An unbatched input takes unbatched states [H] too.
    const c = carry ? carry.map((h) => (single && h.rank === 1 && h.shape[0] === this.hiddenSize ? reshape(h, [1, this.hiddenSize]) : h)) : this.initCarry(B);
    if (c.length !== this.carrySize) throw new Error(`SkipRNNCell: expected a carry of ${this.carrySize} states (the last max(delays) h), got ${c.length}`);
    for (const h of c) {
      if (h.rank !== 2 || h.shape[0] !== B || h.shape[1] !== this.hiddenSize) {
        throw new Error(`expected carry states of shape [${B}, ${this.hiddenSize}], got ${formatShape(h.shape)}`);
      }
    }
    const [h] = this.step(xb, c);
    return single ? reshape(h, [this.hiddenSize]) : h;
  }
}

registerClass('nn.SkipRNNCell', SkipRNNCell, (config, init) => new SkipRNNCell(config, init));
