// A read or write head of a neural Turing machine: one linear map from the controller's output to
// everything the head emits at a step, each squashed into its range (β = softplus, g = σ,
// s = softmax, γ = 1 + softplus; a write head's erase e = σ and add a = tanh), then the addressing
// of ./addressing.ts. A head has no state of its own: its previous weighting travels in the carry.

import { Tensor } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { add, sigmoid, tanh } from '../../autograd/ops/elementwise.js';
import { linear } from '../../autograd/ops/matmul.js';
import { slice } from '../../autograd/ops/shape_ops.js';
import { softmax } from '../../autograd/ops/softmax.js';
import { softplus } from '../../autograd/ops/softplus.js';
import { Module } from '../module.js';
import { uniformInit, type InitOptions } from '../init.js';
import { registerClass } from '../registry.js';
import { address, type AddressParams } from './addressing.js';

export interface NTMHeadConfig {
  /** Features of the controller output the head reads its parameters from. */
  inputSize: number;
  /** M: the width of a memory row. */
  memoryWidth: number;
  /** 'read' or 'write' (a write head also emits erase and add vectors). */
  mode: 'read' | 'write';
  /** Largest shift: the head can move its focus by −maxShift … maxShift rows per step (default 1). */
  maxShift?: number;
}

/** What a head emits at one step. */
export interface HeadOutputs extends AddressParams {
  /** e [B, M] in (0, 1) (write heads). */
  erase: Tensor | null;
  /** a [B, M] in (−1, 1) (write heads). */
  add: Tensor | null;
}

/**
 * [k | β̂ | ĝ | ŝ | γ̂ | ê | â] = h Wᵀ + b, then
 * k = k,  β = softplus(β̂),  g = σ(ĝ),  s = softmax(ŝ),  γ = 1 + softplus(γ̂),  e = σ(ê),  a = tanh(â).
 *
 * Inputs: h [B, inputSize]. Outputs (params): k [B, M], β, g, γ [B, 1], s [B, 2·maxShift + 1],
 * e, a [B, M] (write heads). address(memory, previous, params) gives the weighting [B, N].
 * Parameters: weight [P, inputSize], bias [P], P = M + 3 + S (+ 2M for a write head), U(−1/√in, 1/√in).
 */
export class NTMHead extends Module {
  readonly inputSize: number;
  readonly memoryWidth: number;
  readonly mode: 'read' | 'write';
  readonly maxShift: number;
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(config: NTMHeadConfig, init: InitOptions = {}) {
    super();
    const { inputSize, memoryWidth: M } = config;
    if (!(Number.isInteger(inputSize) && inputSize > 0 && Number.isInteger(M) && M > 0)) {
      throw new Error(`NTMHead: expected positive integer inputSize and memoryWidth, got ${inputSize} and ${M}`);
    }
    if (config.mode !== 'read' && config.mode !== 'write') throw new Error(`NTMHead: expected mode 'read' or 'write', got '${String(config.mode)}'`);
    this.maxShift = config.maxShift ?? 1;
    if (!(Number.isInteger(this.maxShift) && this.maxShift >= 0)) throw new Error(`NTMHead: expected maxShift to be an integer >= 0, got ${this.maxShift}`);
    this.inputSize = inputSize;
    this.memoryWidth = M;
    this.mode = config.mode;
    const P = this.paramSize, k = 1 / Math.sqrt(inputSize);
    this.weight = this.registerParameter('weight', uniformInit([P, inputSize], k, init));
    this.bias = this.registerParameter('bias', uniformInit([P], k, init));
  }

  /** S = 2·maxShift + 1. */
  get shifts(): number { return 2 * this.maxShift + 1; }

  /** Values the head emits per step: M + 3 + S, and 2M more for a write head. */
  get paramSize(): number { return this.memoryWidth + 3 + this.shifts + (this.mode === 'write' ? 2 * this.memoryWidth : 0); }

  getConfig(): Required<NTMHeadConfig> {
    return { inputSize: this.inputSize, memoryWidth: this.memoryWidth, mode: this.mode, maxShift: this.maxShift };
  }

  /** The head's parameters for controller outputs h [B, inputSize]. */
  forward(h: Tensor): HeadOutputs {
    if (h.rank !== 2 || h.shape[1] !== this.inputSize) {
      throw new Error(`NTMHead: expected controller output of shape [N, ${this.inputSize}], got ${formatShape(h.shape)}`);
    }
    const M = this.memoryWidth, S = this.shifts;
    const raw = linear(h, this.weight, this.bias);
    let at = 0;
    const take = (n: number): Tensor => slice(raw, 1, at, (at += n));
    const key = take(M), beta = softplus(take(1)), gate = sigmoid(take(1)), shift = softmax(take(S), 1), gamma = add(softplus(take(1)), 1);
    const write = this.mode === 'write';
    return { key, beta, gate, shift, gamma, erase: write ? sigmoid(take(M)) : null, add: write ? tanh(take(M)) : null };
  }

  /** The weighting [B, N] this head's params give over memory [B, N, M] from the previous weighting [B, N]. */
  address(memory: Tensor, previous: Tensor, params: HeadOutputs): Tensor {
    return address(memory, previous, params);
  }
}

registerClass('nn.NTMHead', NTMHead, (config, init) => new NTMHead(config, init));
