// What a recurrent cell is: a pure step (x_t, carry) → carry, with initCarry(batch). The carry is a
// list of [B, H] tensors whose first entry is the output h_t (RNN, GRU: [h]; LSTM: [h, c]).
// The input half of a step, x_t·W_ihᵀ + b_ih, is split out as projectInput so that a layer can
// project every time step in one matrix product before the loop.

import { Tensor, zeros } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { linear } from '../../autograd/ops/matmul.js';
import { reshape } from '../../autograd/ops/shape_ops.js';
import { Module } from '../module.js';
import { checkRecurrentInit, initRecurrentWeight, uniformInit, type InitOptions, type RecurrentInit } from '../init.js';

export type Carry = Tensor[];

export interface RecurrentCell {
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** How many [B, H] tensors the carry holds. */
  readonly carrySize: number;
  /**
   * Names of the leading carry entries that are states a layer may learn the start of (Recurrence's
   * learnInitialState names its parameters `${name}0`). Default ['h']: the first entry only; later
   * entries (a step counter, past states) start from initCarry.
   */
  readonly stateNames?: readonly string[];
  /** Zero carry for a batch. */
  initCarry(batch: number): Carry;
  /** x [..., inputSize] → the input part of the pre-activations [..., gates·H]. */
  projectInput(x: Tensor): Tensor;
  /** One step from an already projected input xp_t [B, gates·H]. */
  stepProjected(xp: Tensor, carry: Carry): Carry;
  /** One step from the raw input x_t [B, inputSize]. */
  step(x: Tensor, carry: Carry): Carry;
}

/** Whether a value is a RecurrentCell (as opposed to a sequence module or another module). */
export function isRecurrentCell(m: unknown): m is RecurrentCell {
  const c = m as Partial<Record<keyof RecurrentCell, unknown>> | null;
  return typeof c === 'object' && c !== null && typeof c.stepProjected === 'function' && typeof c.initCarry === 'function';
}

export interface CellConfig {
  inputSize: number;
  hiddenSize: number;
  /** Learn the biases b_ih and b_hh (default true). */
  bias?: boolean;
  /** How weight_hh starts, per gate block: 'uniform' (default), 'orthogonal' or 'identity' (see RecurrentInit). */
  recurrentInit?: RecurrentInit;
}

/** Refuses sizes no cell can have: `expected positive integer inputSize and hiddenSize, got …`. */
export function checkCellSizes(I: number, H: number): void {
  if (!(Number.isInteger(I) && I > 0 && Number.isInteger(H) && H > 0)) {
    throw new Error(`expected positive integer inputSize and hiddenSize, got ${I} and ${H}`);
  }
}

/**
 * Shared body of the gated cells: weight_ih [G·H, I], weight_hh [G·H, H], bias_ih, bias_hh [G·H],
 * all U(−1/√H, 1/√H) as in PyTorch, where G is the number of gate blocks; weight_hh then per
 * config.recurrentInit (orthogonal or identity blocks, the latter with zero biases).
 */
export abstract class CellBase extends Module implements RecurrentCell {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly useBias: boolean;
  readonly recurrentInit: RecurrentInit;
  readonly weight_ih: Tensor;
  readonly weight_hh: Tensor;
  readonly bias_ih: Tensor | null;
  readonly bias_hh: Tensor | null;
  abstract readonly carrySize: number;

  constructor(config: CellConfig, gates: number, init: InitOptions = {}) {
    super();
    const { inputSize: I, hiddenSize: H } = config;
    checkCellSizes(I, H);
    this.inputSize = I;
    this.hiddenSize = H;
    this.useBias = config.bias ?? true;
    const k = 1 / Math.sqrt(H);
    this.weight_ih = this.registerParameter('weight_ih', uniformInit([gates * H, I], k, init));
    this.weight_hh = this.registerParameter('weight_hh', uniformInit([gates * H, H], k, init));
    this.bias_ih = this.useBias ? this.registerParameter('bias_ih', uniformInit([gates * H], k, init)) : null;
    this.bias_hh = this.useBias ? this.registerParameter('bias_hh', uniformInit([gates * H], k, init)) : null;
    this.recurrentInit = checkRecurrentInit(config.recurrentInit ?? 'uniform');
    initRecurrentWeight(this.weight_hh, this.recurrentInit, [this.bias_ih, this.bias_hh], init.rng);
  }

  get dtype() { return this.weight_hh.dtype; }

  /** The config fields every gated cell has (for the subclasses' getConfig). */
  protected cellConfig(): Required<CellConfig> {
    return { inputSize: this.inputSize, hiddenSize: this.hiddenSize, bias: this.useBias, recurrentInit: this.recurrentInit };
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

  abstract stepProjected(xp: Tensor, carry: Carry): Carry;

  step(x: Tensor, carry: Carry): Carry {
    return this.stepProjected(this.projectInput(x), carry);
  }

  /** PyTorch-style forward of a cell whose carry is just h (RNN, GRU): x [N, I] or [I] → h'. */
  protected forwardHidden(x: Tensor, h?: Tensor): Tensor {
    const [xb, single] = this.batched(x);
    const carry = h ? [this.carryIn(h, single, 'h')] : this.initCarry(xb.shape[0]);
    this.checkCarry(carry[0], xb.shape[0], 'h');
    const [out] = this.step(xb, carry);
    return single ? reshape(out, [this.hiddenSize]) : out;
  }

  /** Checks a user-given carry tensor against [batch, H]. */
  protected checkCarry(h: Tensor, batch: number, what: string): void {
    if (h.rank !== 2 || h.shape[0] !== batch || h.shape[1] !== this.hiddenSize) {
      throw new Error(`expected ${what} of shape [${batch}, ${this.hiddenSize}], got ${formatShape(h.shape)}`);
    }
  }

  /** A user-given carry tensor, batched to [1, H] when the input was unbatched (then it must be [H]). */
  protected carryIn(h: Tensor, single: boolean, what: string): Tensor {
    if (!single) return h;
    if (h.rank !== 1 || h.shape[0] !== this.hiddenSize) {
      throw new Error(`expected ${what} of shape [${this.hiddenSize}], got ${formatShape(h.shape)}`);
    }
    return reshape(h, [1, this.hiddenSize]);
  }

  /** Accepts x as [B, I] or unbatched [I]; returns the batched view and whether it was unbatched. */
  protected batched(x: Tensor): [Tensor, boolean] {
    if (x.rank === 1) {
      if (x.shape[0] !== this.inputSize) throw new Error(`expected input of shape [${this.inputSize}], got ${formatShape(x.shape)}`);
      return [reshape(x, [1, x.shape[0]]), true];
    }
    if (x.rank !== 2 || x.shape[1] !== this.inputSize) {
      throw new Error(`expected input of shape [N, ${this.inputSize}], got ${formatShape(x.shape)}`);
    }
    return [x, false];
  }
}
