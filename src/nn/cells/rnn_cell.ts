// The vanilla (Elman) recurrent cell.

import { Tensor } from '../../tensor/tensor.js';
import { add, relu, tanh } from '../../autograd/ops/elementwise.js';
import { linear } from '../../autograd/ops/matmul.js';
import type { InitOptions } from '../init.js';
import { CellBase, type CellConfig, type Carry } from './cell.js';
import { registerClass } from '../registry.js';

export interface RNNCellConfig extends CellConfig {
  /** f in the update below (default 'tanh'). */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * h' = f(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh), f = tanh or relu.
 *
 * Inputs: x [N, inputSize] (or [inputSize]), h [N, hiddenSize] (zeros when omitted).
 * Outputs: h' [N, hiddenSize].
 * Parameters (PyTorch names): weight_ih [H, I], weight_hh [H, H], bias_ih [H], bias_hh [H].
 */
export class RNNCell extends CellBase {
  readonly carrySize = 1;
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(config: RNNCellConfig, init: InitOptions = {}) {
    super(config, 1, init);
    this.nonlinearity = config.nonlinearity ?? 'tanh';
    if (this.nonlinearity !== 'tanh' && this.nonlinearity !== 'relu') {
      throw new Error(`RNNCell: expected nonlinearity 'tanh' or 'relu', got '${String(this.nonlinearity)}'`);
    }
  }

  getConfig(): Required<RNNCellConfig> {
    return { ...this.cellConfig(), nonlinearity: this.nonlinearity };
  }

  stepProjected(xp: Tensor, [h]: Carry): Carry {
    const pre = add(xp, linear(h, this.weight_hh, this.bias_hh));
    return [this.nonlinearity === 'tanh' ? tanh(pre) : relu(pre)];
  }

  forward(x: Tensor, h?: Tensor): Tensor {
    return this.forwardHidden(x, h);
  }
}

registerClass('nn.RNNCell', RNNCell, (config, init) => new RNNCell(config, init));
