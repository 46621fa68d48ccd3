// The LSTM, GRU and simple RNN cells with Keras' activation options: `activation` (tanh in Keras)
// and `recurrentActivation` for the gates (sigmoid; hard_sigmoid in Keras 2's LSTM and in every
// TensorFlow.js recurrent layer by default). unfold's own cells hard-wire sigmoid and tanh (their
// fused kernels do too), so an imported layer with other activations runs these subclasses instead:
// the same parameters, names and gate order, on the generic per-step path (route.ts fuses only the
// exact standard classes).

import type { Tensor } from '../../tensor/tensor.js';
import { add, mul, sub } from '../../autograd/ops/elementwise.js';
import { linear } from '../../autograd/ops/matmul.js';
import { slice } from '../../autograd/ops/shape_ops.js';
import type { InitOptions } from '../../nn/init.js';
import type { Carry, CellConfig } from '../../nn/cells/cell.js';
import { LSTMCell } from '../../nn/cells/lstm_cell.js';
import { GRUCell } from '../../nn/cells/gru_cell.js';
import { RNNCell } from '../../nn/cells/rnn_cell.js';
import { registerClass } from '../../nn/registry.js';
import { applyActivation, isActivation, type Activation } from './activations.js';

export interface KerasActivations {
  /** The candidate / output nonlinearity (Keras `activation`). */
  activation: Activation;
  /** The gates' nonlinearity (Keras `recurrent_activation`); unused by the simple RNN. */
  recurrentActivation: Activation;
}

function checkActivations(who: string, a: KerasActivations): KerasActivations {
  for (const k of ['activation', 'recurrentActivation'] as const) {
    if (!isActivation(a[k])) throw new Error(`${who}: expected ${k} to be an activation name, got ${String(a[k])}`);
  }
  return { activation: a.activation, recurrentActivation: a.recurrentActivation };
}

/**
 * i = σ_r(x W_ii + h W_hi + b_i), f = σ_r(…), g = σ_a(…), o = σ_r(…) (gates i | f | g | o, Keras'
 * i | f | c | o); c' = f ⊙ c + i ⊙ g; h' = o ⊙ σ_a(c'), with σ_a = activation, σ_r = recurrentActivation.
 */
export class KerasLSTMCell extends LSTMCell {
  readonly activations: KerasActivations;

  constructor(config: CellConfig & KerasActivations, init: InitOptions = {}) {
    super(config, init);
    this.activations = checkActivations('KerasLSTMCell', config);
  }

  override getConfig(): Required<CellConfig> & KerasActivations {
    return { ...this.cellConfig(), ...this.activations };
  }

  override stepProjected(xp: Tensor, [h, c]: Carry): Carry {
    const H = this.hiddenSize, { activation: a, recurrentActivation: r } = this.activations;
    const z = add(xp, linear(h, this.weight_hh, this.bias_hh)); // [B, 4H]
    const gate = (k: number): Tensor => slice(z, 1, k * H, (k + 1) * H);
    const i = applyActivation(r, gate(0)), f = applyActivation(r, gate(1));
    const g = applyActivation(a, gate(2)), o = applyActivation(r, gate(3));
    const cNew = add(mul(f, c), mul(i, g));
    return [mul(o, applyActivation(a, cNew)), cNew];
  }
}

/** GRUCell's equations (either reset form) with σ → recurrentActivation and tanh → activation. */
export class KerasGRUCell extends GRUCell {
  readonly activations: KerasActivations;

  constructor(config: CellConfig & KerasActivations & { resetAfter: boolean }, init: InitOptions = {}) {
    super(config, init);
    this.activations = checkActivations('KerasGRUCell', config);
  }

  override getConfig(): Required<CellConfig> & KerasActivations & { resetAfter: boolean } {
    return { ...this.cellConfig(), resetAfter: this.resetAfter, ...this.activations };
  }

  override stepProjected(xp: Tensor, [h]: Carry): Carry {
    const H = this.hiddenSize, { activation: a, recurrentActivation: r } = this.activations;
    const w = this.weight_hh, b = this.bias_hh;
    const part = (t: Tensor, k: number, n = 1): Tensor => slice(t, t.rank - 1, k * H, (k + n) * H);
    let rz: Tensor, hn: Tensor;
    if (this.resetAfter) {
      const hh = linear(h, w, b); // [B, 3H]
      rz = applyActivation(r, add(part(xp, 0, 2), part(hh, 0, 2)));
      hn = mul(part(rz, 0), part(hh, 2));
    } else {
      rz = applyActivation(r, add(part(xp, 0, 2), linear(h, slice(w, 0, 0, 2 * H), b ? part(b, 0, 2) : null)));
      hn = linear(mul(part(rz, 0), h), slice(w, 0, 2 * H, 3 * H), b ? part(b, 2) : null);
    }
    const z = part(rz, 1);
    const n = applyActivation(a, add(part(xp, 2), hn));
    return [add(n, mul(z, sub(h, n)))];
  }
}

/** h' = activation(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh), for activations other than tanh and relu. */
export class KerasRNNCell extends RNNCell {
  readonly activation: Activation;

  constructor(config: CellConfig & { activation: Activation }, init: InitOptions = {}) {
    super(config, init);
    if (!isActivation(config.activation)) throw new Error(`KerasRNNCell: expected activation to be an activation name, got ${String(config.activation)}`);
    this.activation = config.activation;
  }

  override getConfig(): Required<CellConfig> & { activation: Activation; nonlinearity: 'tanh' } {
    return { ...this.cellConfig(), nonlinearity: 'tanh', activation: this.activation };
  }

  override stepProjected(xp: Tensor, [h]: Carry): Carry {
    return [applyActivation(this.activation, add(xp, linear(h, this.weight_hh, this.bias_hh)))];
  }
}

registerClass('interop.KerasLSTMCell', KerasLSTMCell, (config, init) => new KerasLSTMCell(config, init));
registerClass('interop.KerasGRUCell', KerasGRUCell, (config, init) => new KerasGRUCell(config, init));
registerClass('interop.KerasRNNCell', KerasRNNCell, (config, init) => new KerasRNNCell(config, init));
