// Conditioning a recurrent net on a fixed vector v (an image embedding for captioning, a class, a
// style): as the initial state, h_0 = tanh(v W_vᵀ + b_v), and/or as an extra input at every step,
// the term v Rᵀ added to each step's pre-activation (the xᵀR term of Goodfellow et al. §10.2.4).

import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { add, tanh } from '../../autograd/ops/elementwise.js';
import { linear } from '../../autograd/ops/matmul.js';
import { Module } from '../module.js';
import { uniformInit, type InitOptions } from '../init.js';
import type { Carry, RecurrentCell } from '../cells/cell.js';
import { registerClass } from '../registry.js';

export interface VectorConditioningConfig {
  /** V: size of the conditioning vector. */
  vectorSize: number;
  /** H: the cell's hidden size (the initial state's width). */
  hiddenSize: number;
  /** Where v enters: 'initial-state', 'every-step' or 'both' (default 'both'). */
  mode?: 'initial-state' | 'every-step' | 'both';
  /** P: width of the cell's projected input, G·H for a cell with G gate blocks (default hiddenSize). */
  projectedSize?: number;
}

/**
 * h_0 = tanh(v W_vᵀ + b_v),   pre_t += v Rᵀ at every step.
 *
 * Inputs: v [B, V]. Outputs: initialState(v) [B, H]; stepBias(v) [B, P].
 * Parameters: weight_v [H, V], bias_v [H] (initial state); weight_r [P, V] (R, every step); all
 * U(−1/√V, 1/√V).
 */
export class VectorConditioning extends Module {
  readonly vectorSize: number;
  readonly hiddenSize: number;
  readonly projectedSize: number;
  readonly mode: 'initial-state' | 'every-step' | 'both';
  readonly weight_v: Tensor | null;
  readonly bias_v: Tensor | null;
  readonly weight_r: Tensor | null;

  constructor(config: VectorConditioningConfig, init: InitOptions = {}) {
    super();
    const V = config.vectorSize, H = config.hiddenSize, P = config.projectedSize ?? config.hiddenSize;
    for (const [name, v] of [['vectorSize', V], ['hiddenSize', H], ['projectedSize', P]] as const) {
      if (!(Number.isInteger(v) && v > 0)) throw new Error(`VectorConditioning: expected a positive integer ${name}, got ${v}`);
    }
    this.mode = config.mode ?? 'both';
    if (!['initial-state', 'every-step', 'both'].includes(this.mode)) {
      throw new Error(`VectorConditioning: expected mode 'initial-state', 'every-step' or 'both', got '${String(this.mode)}'`);
    }
    this.vectorSize = V; this.hiddenSize = H; this.projectedSize = P;
    const k = 1 / Math.sqrt(V);
    const initial = this.mode !== 'every-step', every = this.mode !== 'initial-state';
    this.weight_v = initial ? this.registerParameter('weight_v', uniformInit([H, V], k, init)) : null;
    this.bias_v = initial ? this.registerParameter('bias_v', uniformInit([H], k, init)) : null;
    this.weight_r = every ? this.registerParameter('weight_r', uniformInit([P, V], k, init)) : null;
  }

  getConfig(): Required<VectorConditioningConfig> {
    return { vectorSize: this.vectorSize, hiddenSize: this.hiddenSize, mode: this.mode, projectedSize: this.projectedSize };
  }

  private check(v: Tensor): void {
    if (v.rank !== 2 || v.shape[1] !== this.vectorSize) {
      throw new Error(`expected a conditioning vector of shape [N, ${this.vectorSize}], got ${formatShape(v.shape)}`);
    }
  }

  /** h_0 = tanh(v W_vᵀ + b_v) [B, H]; null in 'every-step' mode. */
  initialState(v: Tensor): Tensor | null {
    this.check(v);
    return this.weight_v ? tanh(linear(v, this.weight_v, this.bias_v)) : null;
  }

  /** v Rᵀ [B, P]; null in 'initial-state' mode. */
  stepBias(v: Tensor): Tensor | null {
    this.check(v);
    return this.weight_r ? linear(v, this.weight_r) : null;
  }

  /** cell.initCarry(B) with carry[0] = h_0 (the other entries, e.g. an LSTM's c, stay zero). */
  initialCarry(cell: RecurrentCell, v: Tensor): Carry {
    const carry = cell.initCarry(v.shape[0]);
    const h0 = this.initialState(v);
    if (h0) {
      if (h0.shape[1] !== carry[0].shape[1]) throw new Error(`VectorConditioning: expected the cell's hidden size ${this.hiddenSize}, got ${carry[0].shape[1]}`);
      carry[0] = h0;
    }
    return carry;
  }

  /**
   * `cell` conditioned on v: a RecurrentCell (for scan, unroll and the layers' loop) whose initCarry
   * gives h_0 from v and whose every step adds v Rᵀ. Valid for batches of v's size only.
   */
  bind(cell: RecurrentCell, v: Tensor): RecurrentCell {
    const bias = this.stepBias(v);
    const B = v.shape[0];
    const self = this;
    return {
      inputSize: cell.inputSize,
      hiddenSize: cell.hiddenSize,
      carrySize: cell.carrySize,
      initCarry(batch: number): Carry {
        if (batch !== B) throw new Error(`expected a batch of ${B} rows (the conditioning vectors), got ${batch}`);
        return self.initialCarry(cell, v);
      },
      projectInput: (x: Tensor) => cell.projectInput(x),
      stepProjected: (xp: Tensor, carry: Carry) => cell.stepProjected(bias ? add(xp, bias) : xp, carry),
      step(x: Tensor, carry: Carry): Carry { return this.stepProjected(this.projectInput(x), carry); },
    };
  }
}

registerClass('nn.seq.VectorConditioning', VectorConditioning, (config, init) => new VectorConditioning(config, init));
