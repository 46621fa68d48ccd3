// The clockwork RNN (Koutník et al. 2014): the hidden units are split into modules with periods
// T_1 ≤ T_2 ≤ … (1, 2, 4, … by default); module k updates only at the steps where t mod T_k = 0 and
// keeps its value otherwise, and it reads the recurrent state only of modules at least as slow as
// itself. Slow modules so carry information across many steps through an identity path, and fast
// modules see the slow context without disturbing it: multiple time scales by removing connections
// (Goodfellow et al. §10.9.2). The step count rides in the carry, so the cell stays a pure step and
// each row of a batch with variable lengths keeps its own clock.

import { checkCellSizes } from './cell.js';
import { Tensor, zeros } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { add, mul, relu, tanh } from '../../autograd/ops/elementwise.js';
import { linear } from '../../autograd/ops/matmul.js';
import { where } from '../../autograd/ops/mask.js';
import { Module } from '../module.js';
import { uniformInit, type InitOptions } from '../init.js';
import type { Carry, RecurrentCell } from './cell.js';
import { registerClass } from '../registry.js';

export interface ClockworkRNNCellConfig {
  inputSize: number;
  /** H, split into periods.length equal modules. */
  hiddenSize: number;
  /** The modules' periods, positive integers in non-decreasing order (default [1, 2, 4, 8]). */
  periods?: readonly number[];
  /**
   * 'slower-to-faster' (default, the paper's): module i reads module j's state only when j ≥ i
   * (W_hh block upper-triangular, the modules in the order of their periods); 'all': every module
   * reads every module (with all periods 1 this is exactly RNNCell).
   */
  connect?: 'slower-to-faster' | 'all';
  /** f in the update below (default 'tanh'). */
  nonlinearity?: 'tanh' | 'relu';
  /** Learn the biases b_ih and b_hh (default true). */
  bias?: boolean;
}

/**
 * For module k (units of block k, period T_k) at step t (counted from 0 in the direction of the run):
 *   h'_k = f(x W_ih,kᵀ + b_ih,k + Σ_{j ≥ k} h_j W_hh,kjᵀ + b_hh,k)   when t mod T_k = 0,
 *   h'_k = h_k                                                    otherwise;
 * with connect 'all' the sum runs over every j.
 *
 * Carry: [h [N, H], t [N, 1]] (the step count of each row; initCarry starts it at 0, so every
 * module updates at the first step). carry[0] is the output.
 * Inputs of step(): x [N, inputSize]. Outputs: the new carry.
 * Parameters (RNNCell's names and layout): weight_ih [H, I], weight_hh [H, H] (zero outside the
 * connected blocks, and kept so: the mask multiplies it in every step, so those entries get no
 * gradient), bias_ih [H], bias_hh [H]; all U(−1/√H, 1/√H).
 */
export class ClockworkRNNCell extends Module implements RecurrentCell {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly carrySize = 2;
  readonly periods: readonly number[];
  readonly connect: 'slower-to-faster' | 'all';
  readonly nonlinearity: 'tanh' | 'relu';
  readonly weight_ih: Tensor;
  readonly weight_hh: Tensor;
  readonly bias_ih: Tensor | null;
  readonly bias_hh: Tensor | null;
  // 1 where module i reads module j ([H, H]), null for 'all'.
  private readonly mask: Tensor | null;
  // Each unit's period [H].
  private readonly unitPeriod: Int32Array;

  constructor(config: ClockworkRNNCellConfig, init: InitOptions = {}) {
    super();
    const { inputSize: I, hiddenSize: H } = config;
    checkCellSizes(I, H);
    const periods = [...(config.periods ?? [1, 2, 4, 8])];
    if (periods.length === 0) throw new Error('ClockworkRNNCell: expected at least one period, got none');
    periods.forEach((p, k) => {
      if (!(Number.isInteger(p) && p >= 1)) throw new Error(`ClockworkRNNCell: expected periods that are integers >= 1, got ${p}`);
      if (k > 0 && p < periods[k - 1]) throw new Error(`ClockworkRNNCell: expected periods in non-decreasing order (fast modules first), got [${periods.join(', ')}]`);
    });
    if (H % periods.length !== 0) {
      throw new Error(`ClockworkRNNCell: expected hiddenSize divisible by the ${periods.length} modules, got ${H}`);
    }
    this.connect = config.connect ?? 'slower-to-faster';
    if (this.connect !== 'slower-to-faster' && this.connect !== 'all') {
      throw new Error(`ClockworkRNNCell: expected connect 'slower-to-faster' or 'all', got '${String(this.connect)}'`);
    }
    this.nonlinearity = config.nonlinearity ?? 'tanh';
    if (this.nonlinearity !== 'tanh' && this.nonlinearity !== 'relu') {
      throw new Error(`ClockworkRNNCell: expected nonlinearity 'tanh' or 'relu', got '${String(this.nonlinearity)}'`);
    }
    this.inputSize = I;
    this.hiddenSize = H;
    this.periods = Object.freeze(periods);
    const size = H / periods.length;
    const k = 1 / Math.sqrt(H);
    // The weights first: their allocation is what a size check (a checkpoint's budget) refuses,
    // before the per-unit loops below would run over an absurd H.
    this.weight_ih = this.registerParameter('weight_ih', uniformInit([H, I], k, init));
    this.weight_hh = this.registerParameter('weight_hh', uniformInit([H, H], k, init));
    this.unitPeriod = Int32Array.from({ length: H }, (_, u) => periods[Math.floor(u / size)]);
    const bias = config.bias ?? true;
    this.bias_ih = bias ? this.registerParameter('bias_ih', uniformInit([H], k, init)) : null;
    this.bias_hh = bias ? this.registerParameter('bias_hh', uniformInit([H], k, init)) : null;
    if (this.connect === 'all') this.mask = null;
    else {
      this.mask = zeros([H, H], { dtype: init.dtype });
      const m = this.mask.data, w = this.weight_hh.data;
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < H; j++) {
          if (Math.floor(j / size) >= Math.floor(i / size)) m[i * H + j] = 1;
          else w[i * H + j] = 0;
        }
      }
    }
  }

  get dtype() { return this.weight_ih.dtype; }

  getConfig(): Required<ClockworkRNNCellConfig> & { periods: number[] } {
    return {
      inputSize: this.inputSize, hiddenSize: this.hiddenSize, periods: [...this.periods], connect: this.connect,
      nonlinearity: this.nonlinearity, bias: this.bias_ih !== null,
    };
  }

  /** [zeros [N, H], zeros [N, 1]]: no state, clock at 0. */
  initCarry(batch: number): Carry {
    return [zeros([batch, this.hiddenSize], { dtype: this.dtype }), zeros([batch, 1], { dtype: this.dtype })];
  }

  projectInput(x: Tensor): Tensor {
    if (x.shape[x.rank - 1] !== this.inputSize) {
      throw new Error(`expected input of shape [..., ${this.inputSize}], got ${formatShape(x.shape)}`);
    }
    return linear(x, this.weight_ih, this.bias_ih);
  }

  /** The units that update at each row's step: 1 where t_b mod T(unit) = 0, as [N, H]. */
  activeUnits(clock: Tensor): Tensor {
    const B = clock.shape[0], H = this.hiddenSize, t = clock.dataSync();
    const active = zeros([B, H], { dtype: this.dtype }), a = active.data;
    for (let b = 0; b < B; b++) for (let u = 0; u < H; u++) a[b * H + u] = t[b] % this.unitPeriod[u] === 0 ? 1 : 0;
    return active;
  }

  stepProjected(xp: Tensor, carry: Carry): Carry {
    if (carry.length !== 2 || carry[1].rank !== 2 || carry[1].shape[1] !== 1) {
      throw new Error(`ClockworkRNNCell: expected a carry [h [N, ${this.hiddenSize}], t [N, 1]], got ${carry.map((c) => formatShape(c.shape)).join(', ')}`);
    }
    const [h, clock] = carry;
    const w = this.mask ? mul(this.weight_hh, this.mask) : this.weight_hh;
    const pre = add(xp, linear(h, w, this.bias_hh));
    const next = this.nonlinearity === 'tanh' ? tanh(pre) : relu(pre);
    return [where(this.activeUnits(clock), next, h), add(clock, 1)];
  }

  step(x: Tensor, carry: Carry): Carry {
    return this.stepProjected(this.projectInput(x), carry);
  }
}

registerClass('nn.ClockworkRNNCell', ClockworkRNNCell, (config, init) => new ClockworkRNNCell(config, init));
