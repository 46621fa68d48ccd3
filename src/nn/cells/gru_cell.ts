// The gated recurrent unit (Cho et al. 2014), in PyTorch's gate order r | z | n. Two forms differ
// in where the reset gate acts: PyTorch and cuDNN apply it after the recurrent product
// ("reset-after", the default here), Keras' reset_after=False and the original paper before it.

import { Tensor } from '../../tensor/tensor.js';
import { add, mul, sigmoid, sub, tanh } from '../../autograd/ops/elementwise.js';
import { linear } from '../../autograd/ops/matmul.js';
import { slice } from '../../autograd/ops/shape_ops.js';
import type { InitOptions } from '../init.js';
import { CellBase, type CellConfig, type Carry } from './cell.js';
import { registerClass } from '../registry.js';

export interface GRUCellConfig extends CellConfig {
  /** Apply the reset gate after the recurrent product (PyTorch, default true) or before it (Keras). */
  resetAfter?: boolean;
}

/**
 * r = σ(W_ir x + b_ir + W_hr h + b_hr)
 * z = σ(W_iz x + b_iz + W_hz h + b_hz)
 * n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))        (resetAfter, PyTorch)
 * n = tanh(W_in x + b_in + W_hn (r ⊙ h) + b_hn)        (reset before, Keras reset_after=False)
 * h' = (1 − z) ⊙ n + z ⊙ h
 *
 * Inputs: x [N, inputSize] (or [inputSize]), h [N, hiddenSize] (zeros when omitted).
 * Outputs: h' [N, hiddenSize].
 * Parameters: weight_ih [3H, I], weight_hh [3H, H], bias_ih [3H], bias_hh [3H], rows r|z|n.
 */
export class GRUCell extends CellBase {
  readonly carrySize = 1;
  readonly resetAfter: boolean;

  constructor(config: GRUCellConfig, init: InitOptions = {}) {
    super(config, 3, init);
    this.resetAfter = config.resetAfter ?? true;
  }

  getConfig(): Required<GRUCellConfig> {
    return { ...this.cellConfig(), resetAfter: this.resetAfter };
  }

  stepProjected(xp: Tensor, [h]: Carry): Carry {
    const H = this.hiddenSize;
    const xrz = slice(xp, 1, 0, 2 * H), xn = slice(xp, 1, 2 * H, 3 * H);
    let rz: Tensor, hn: Tensor, r: Tensor;
    if (this.resetAfter) {
      const hh = linear(h, this.weight_hh, this.bias_hh); // [B, 3H]
      rz = sigmoid(add(xrz, slice(hh, 1, 0, 2 * H)));
      r = slice(rz, 1, 0, H);
      hn = mul(r, slice(hh, 1, 2 * H, 3 * H));
    } else {
      const w = this.weight_hh, b = this.bias_hh;
      const bRz = b ? slice(b, 0, 0, 2 * H) : null, bN = b ? slice(b, 0, 2 * H, 3 * H) : null;
      rz = sigmoid(add(xrz, linear(h, slice(w, 0, 0, 2 * H), bRz)));
      r = slice(rz, 1, 0, H);
      hn = linear(mul(r, h), slice(w, 0, 2 * H, 3 * H), bN);
    }
    const z = slice(rz, 1, H, 2 * H);
    const n = tanh(add(xn, hn));
    // h' = n + z ⊙ (h − n)
    return [add(n, mul(z, sub(h, n)))];
  }

  forward(x: Tensor, h?: Tensor): Tensor {
    return this.forwardHidden(x, h);
  }
}

registerClass('nn.GRUCell', GRUCell, (config, init) => new GRUCell(config, init));
