// The long short-term memory cell (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et
// al. 2000), in PyTorch's gate order i | f | g | o.

import { Tensor } from '../../tensor/tensor.js';
import { add } from '../../autograd/ops/elementwise.js';
import { linear } from '../../autograd/ops/matmul.js';
import { reshape } from '../../autograd/ops/shape_ops.js';
import { lstmCellState, lstmHidden } from '../../autograd/ops/lstm_pointwise.js';
import type { InitOptions } from '../init.js';
import { CellBase, type CellConfig, type Carry } from './cell.js';
import { registerClass } from '../registry.js';

export interface LSTMCellConfig extends CellConfig {
  /**
   * Value the forget-gate biases start at, split evenly between b_ih and b_hh (default: PyTorch's
   * uniform init). 1 is the usual choice (Jozefowicz et al. 2015): gradients flow through c from the start.
   */
  forgetBias?: number;
}

/**
 * i = σ(W_ii x + b_ii + W_hi h + b_hi)      f = σ(W_if x + b_if + W_hf h + b_hf)
 * g = tanh(W_ig x + b_ig + W_hg h + b_hg)   o = σ(W_io x + b_io + W_ho h + b_ho)
 * c' = f ⊙ c + i ⊙ g                        h' = o ⊙ tanh(c')
 *
 * Inputs: x [N, inputSize] (or [inputSize]), [h, c] each [N, hiddenSize] (zeros when omitted).
 * Outputs: [h', c'] each [N, hiddenSize].
 * Parameters: weight_ih [4H, I], weight_hh [4H, H], bias_ih [4H], bias_hh [4H], rows i|f|g|o.
 */
export class LSTMCell extends CellBase {
  readonly carrySize = 2;
  readonly stateNames = ['h', 'c'] as const;
  /** The forget-gate bias the cell started from (undefined: PyTorch's uniform init). */
  readonly forgetBias: number | undefined;

  constructor(config: LSTMCellConfig, init: InitOptions = {}) {
    super(config, 4, init);
    this.forgetBias = config.forgetBias;
    if (config.forgetBias !== undefined) setForgetBias(this, config.forgetBias);
  }

  getConfig(): LSTMCellConfig & Required<CellConfig> {
    return { ...this.cellConfig(), forgetBias: this.forgetBias };
  }

  stepProjected(xp: Tensor, [h, c]: Carry): Carry {
    const gates = add(xp, linear(h, this.weight_hh, this.bias_hh)); // [B, 4H]
    const cNew = lstmCellState(gates, c);
    return [lstmHidden(gates, cNew), cNew];
  }

  forward(x: Tensor, state?: [Tensor, Tensor]): [Tensor, Tensor] {
    const [xb, single] = this.batched(x);
    const H = this.hiddenSize;
    if (state !== undefined && (!Array.isArray(state) || state.length !== 2)) {
      throw new Error(`LSTMCell: expected the state as [h, c], got ${Array.isArray(state) ? `${state.length} tensor(s)` : typeof state}`);
    }
    const carry = state ? [this.carryIn(state[0], single, 'h'), this.carryIn(state[1], single, 'c')] : this.initCarry(xb.shape[0]);
    this.checkCarry(carry[0], xb.shape[0], 'h');
    this.checkCarry(carry[1], xb.shape[0], 'c');
    const [h, c] = this.step(xb, carry);
    return single ? [reshape(h, [H]), reshape(c, [H])] : [h, c];
  }
}

/** Sets b_if + b_hf = value (half in each) on an LSTM cell's forget-gate rows. */
export function setForgetBias(cell: LSTMCell, value: number): void {
  const H = cell.hiddenSize;
  for (const b of [cell.bias_ih, cell.bias_hh]) {
    if (b) b.data.fill(value / 2, H, 2 * H);
  }
  if (!cell.bias_ih && !cell.bias_hh) throw new Error('forgetBias needs bias: true');
}

registerClass('nn.LSTMCell', LSTMCell, (config, init) => new LSTMCell(config, init));
