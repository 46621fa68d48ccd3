// The orthogonal RNN of expRNN (Lezcano-Casado & Martínez-Rubio 2019): a vanilla RNN whose recurrent
// matrix is W_hh = exp(A) with A skew-symmetric, so W_hh is orthogonal at every step of training,
// not only at the start, and the state's norm is carried through any number of steps without
// exploding or vanishing; modReLU (Arjovsky et al. 2016) keeps that norm through the non-linearity.
// The parameter is A's strict upper triangle; the optimizer moves it freely and exp maps it back
// onto the orthogonal matrices, with the exact gradient of matrixExp.

import { checkCellSizes } from './cell.js';
import { Tensor, zeros } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { add, mul, sub } from '../../autograd/ops/elementwise.js';
import { linear } from '../../autograd/ops/matmul.js';
import { transpose } from '../../autograd/ops/shape_ops.js';
import { matrixExp } from '../../autograd/ops/matrix_exp.js';
import { modReLU } from '../../autograd/ops/mod_relu.js';
import { isGradEnabled } from '../../autograd/grad_mode.js';
import { defaultRng } from '../../tensor/random.js';
import { Module } from '../module.js';
import { normalInit, uniformInit, type InitOptions } from '../init.js';
import type { Carry, RecurrentCell } from './cell.js';
import { registerClass } from '../registry.js';

export interface OrthogonalRNNCellConfig {
  inputSize: number;
  hiddenSize: number;
}

/**
 * h' = modReLU(x W_ihᵀ + h W_hhᵀ, b),   W_hh = exp(A),   A = U − Uᵀ,   U = triu(log_weight_hh, 1),
 * modReLU(z, b) = sign(z) · max(|z| + b, 0).
 *
 * W_hhᵀ W_hh = I exactly in exact arithmetic, to rounding in floating point, after any update of A.
 * A starts block-diagonal with 2 × 2 blocks [[0, θ], [−θ, 0]], θ ~ U(−π, π) (Henaff et al. 2016's
 * initialisation, used by expRNN on the copy task): W_hh starts as rotations by θ in orthogonal planes.
 * W_ih ~ N(0, 2 / inputSize) (He), b ~ U(−0.01, 0.01), as expRNN.
 *
 * Inputs: x [N, inputSize] (or [inputSize]), h [N, hiddenSize] (zeros when omitted).
 * Outputs: h' [N, hiddenSize]. Carry: [h].
 * Parameters: weight_ih [H, I], log_weight_hh [H, H] (only entries above the diagonal are used; the
 * others stay zero), bias [H] (modReLU's b).
 */
export class OrthogonalRNNCell extends Module implements RecurrentCell {
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly carrySize = 1;
  readonly weight_ih: Tensor;
  readonly log_weight_hh: Tensor;
  readonly bias: Tensor;
  // 1 above the diagonal, 0 elsewhere: U = mask ⊙ log_weight_hh.
  private readonly upper: Tensor;
  // exp(A) for the parameter values of one version, reused by every step of a sequence.
  private cache: { storage: Tensor['storage']; version: number; grad: boolean; w: Tensor } | null = null;

  constructor(config: OrthogonalRNNCellConfig, init: InitOptions = {}) {
    super();
    const { inputSize: I, hiddenSize: H } = config;
    checkCellSizes(I, H);
    this.inputSize = I;
    this.hiddenSize = H;
    const rng = init.rng ?? defaultRng();
    this.weight_ih = this.registerParameter('weight_ih', normalInit([H, I], Math.sqrt(2 / I), init));
    const logW = zeros([H, H], { dtype: init.dtype });
    for (let i = 0; i + 1 < H; i += 2) logW.data[i * H + i + 1] = rng.uniform(-Math.PI, Math.PI);
    this.log_weight_hh = this.registerParameter('log_weight_hh', logW);
    this.bias = this.registerParameter('bias', uniformInit([H], 0.01, init));
    this.upper = zeros([H, H], { dtype: init.dtype });
    for (let i = 0; i < H; i++) for (let j = i + 1; j < H; j++) this.upper.data[i * H + j] = 1;
  }

  get dtype() { return this.weight_ih.dtype; }

  getConfig(): Required<OrthogonalRNNCellConfig> {
    return { inputSize: this.inputSize, hiddenSize: this.hiddenSize };
  }

  /** A = U − Uᵀ [H, H], skew-symmetric by construction. */
  skew(): Tensor {
    const u = mul(this.log_weight_hh, this.upper);
    return sub(u, transpose(u, 0, 1));
  }

  /**
   * W_hh = exp(A) [H, H]. Computed once per version of log_weight_hh and reused, so that a sequence
   * of T steps takes one exponential forward and one backward, not T; made afresh when the values
   * changed, when grad mode differs, or when the graph it was recorded in has been backpropagated.
   */
  weightHh(): Tensor {
    const p = this.log_weight_hh, root = p.storage.root;
    const grad = isGradEnabled() && p.requiresGrad;
    const c = this.cache;
    if (c && c.storage === root && c.version === root.version && c.grad === grad && !(grad && c.w.gradFn?.name === 'freed')) return c.w;
    const w = matrixExp(this.skew());
    this.cache = { storage: root, version: root.version, grad, w };
    return w;
  }

  initCarry(batch: number): Carry {
    return [zeros([batch, this.hiddenSize], { dtype: this.dtype })];
  }

  projectInput(x: Tensor): Tensor {
    if (x.shape[x.rank - 1] !== this.inputSize) {
      throw new Error(`expected input of shape [..., ${this.inputSize}], got ${formatShape(x.shape)}`);
    }
    return linear(x, this.weight_ih);
  }

  stepProjected(xp: Tensor, [h]: Carry): Carry {
    return [modReLU(add(xp, linear(h, this.weightHh())), this.bias)];
  }

  step(x: Tensor, carry: Carry): Carry {
    return this.stepProjected(this.projectInput(x), carry);
  }
}

registerClass('nn.OrthogonalRNNCell', OrthogonalRNNCell, (config, init) => new OrthogonalRNNCell(config, init));
