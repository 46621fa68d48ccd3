// The multi-dimensional LSTM (Graves, Fernández & Schmidhuber 2007) in two dimensions: an LSTM whose
// cell at pixel (r, c) receives the hidden and cell states of both its predecessors, (r − 1, c)
// above and (r, c − 1) to the left, with one forget gate for each, so that every cell has seen the
// whole rectangle between it and the scan's starting corner. Four scans, one from each corner, give
// every pixel a view of the whole image. All cells of one anti-diagonal depend only on the previous
// one, so each diagonal is one batched product (./wavefront.ts) over all directions at once: H + W − 1
// steps per image instead of H·W.

import { Tensor, zeros } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { add, mul, sigmoid, tanh } from '../../autograd/ops/elementwise.js';
import { matmul } from '../../autograd/ops/matmul.js';
import { chunk, concat, permute, reshape, slice, stack, transpose, unsqueeze } from '../../autograd/ops/shape_ops.js';
import { selectRows } from '../../autograd/ops/gather.js';
import { sum } from '../../autograd/ops/reduce.js';
import { Module } from '../module.js';
import { uniformInit, type InitOptions } from '../init.js';
import { registerClass } from '../registry.js';
import { checkChoice, checkPositiveInteger } from '../config_check.js';
import { describeValue } from '../../tensor/describe_value.js';
import { wavefrontTables, type WavefrontTables } from './wavefront.js';

export interface MDLSTMConfig {
  /** Channels I of each input pixel. */
  inputSize: number;
  /** Hidden units H of each direction. */
  hiddenSize: number;
  /** Scans: 1 (from the top-left corner only) or 4 (from every corner; default). */
  directions?: 1 | 4;
  /** How the directions' states are joined: 'concat' (D·H channels, default) or 'sum' (H channels). */
  merge?: 'concat' | 'sum';
  /** Value both forget-gate biases start at (default 0: σ(0) = ½ each, so c starts as a mean of its predecessors'). */
  forgetBias?: number;
}

/** Gate blocks per direction: i, f_up, f_left, g, o. */
const GATES = 5;

/**
 * For each direction, in its scan coordinates (r, c), with h, c zero outside the image:
 *
 *   [i; f↑; f←; g; o] = W_ih x(r, c) + W_hh [h(r−1, c); h(r, c−1)] + b
 *   c(r, c) = σ(f↑) ⊙ c(r−1, c) + σ(f←) ⊙ c(r, c−1) + σ(i) ⊙ tanh(g)
 *   h(r, c) = σ(o) ⊙ tanh(c(r, c))
 *
 * Direction k scans the image flipped along its rows (k = 2, 3) and/or columns (k = 1, 3), so the
 * four start at the top-left, top-right, bottom-left and bottom-right corners; each output pixel
 * holds every direction's h at that pixel (concatenated in direction order, or summed). On a
 * 1×W image (or an H×1 one) a cell has one predecessor, the other forget gate multiplies zero, and
 * each direction is the 1-D LSTM with weights W_ih, W_hh's left (or up) half and b, gates i|f←|g|o.
 *
 * Inputs: x [N, inputSize, H, W].
 * Outputs: [N, D·hiddenSize, H, W] ('concat') or [N, hiddenSize, H, W] ('sum'), channel k·H + j
 *   being unit j of direction k.
 * Parameters, for each direction k: weight_ih_d{k} [5H, I], weight_hh_d{k} [5H, 2H] (columns: h
 *   from above, then h from the left), bias_d{k} [5H]; rows i | f↑ | f← | g | o; all U(±1/√H).
 */
export class MDLSTM extends Module {
  readonly config: Readonly<Required<MDLSTMConfig>>;
  readonly weightsIh: Tensor[] = [];
  readonly weightsHh: Tensor[] = [];
  readonly biases: Tensor[] = [];
  private tables: { key: string; t: WavefrontTables } | null = null;

  constructor(config: MDLSTMConfig, init: InitOptions = {}) {
    super();
    const c = { directions: 4 as const, merge: 'concat' as const, forgetBias: 0, ...config };
    checkPositiveInteger('inputSize', c.inputSize, 'MDLSTM: ');
    checkPositiveInteger('hiddenSize', c.hiddenSize, 'MDLSTM: ');
    if (c.directions !== 1 && c.directions !== 4) throw new Error(`MDLSTM: expected directions 1 or 4, got ${typeof c.directions === 'number' ? c.directions : describeValue(c.directions)}`);
    checkChoice('merge', c.merge, ['concat', 'sum'], 'MDLSTM: ');
    if (typeof c.forgetBias !== 'number' || !Number.isFinite(c.forgetBias)) throw new Error(`MDLSTM: expected a finite forgetBias, got ${describeValue(c.forgetBias)}`);
    this.config = Object.freeze(c);
    const { inputSize: I, hiddenSize: H } = c, k = 1 / Math.sqrt(H);
    for (let d = 0; d < c.directions; d++) {
      this.weightsIh.push(this.registerParameter(`weight_ih_d${d}`, uniformInit([GATES * H, I], k, init)));
      this.weightsHh.push(this.registerParameter(`weight_hh_d${d}`, uniformInit([GATES * H, 2 * H], k, init)));
      const b = this.registerParameter(`bias_d${d}`, uniformInit([GATES * H], k, init));
      b.data.fill(c.forgetBias, H, 3 * H);
      this.biases.push(b);
    }
  }

  getConfig(): Required<MDLSTMConfig> {
    return { ...this.config };
  }

  /** Channels of the output: D·H ('concat') or H ('sum'). */
  get outputSize(): number {
    return this.config.merge === 'concat' ? this.config.directions * this.config.hiddenSize : this.config.hiddenSize;
  }

  private wavefront(H: number, W: number): WavefrontTables {
    const key = `${H}x${W}`;
    if (this.tables?.key !== key) this.tables = { key, t: wavefrontTables(H, W, this.config.directions) };
    return this.tables.t;
  }

  forward(x: Tensor): Tensor {
    const { inputSize: I, hiddenSize: Hd, directions: D, merge } = this.config;
    if (x.rank !== 4 || x.shape[1] !== I) throw new Error(`MDLSTM: expected input of shape [N, ${I}, H, W], got ${formatShape(x.shape)}`);
    const [N, , H, W] = x.shape, P = H * W, G = GATES * Hd;
    if (N === 0 || P === 0) throw new Error(`MDLSTM: expected a non-empty input, got ${formatShape(x.shape)}`);
    const { diagonals, order, scatter } = this.wavefront(H, W);
    // Input projections of every pixel for every direction in one product: [D, P·N, 5H] → rows (k, p).
    const pixels = reshape(permute(reshape(x, [N, I, P]), [2, 0, 1]), [1, P * N, I]); // [1, P·N, I]
    const wIh = stack(this.weightsIh.map((w) => transpose(w)));                        // [D, I, 5H]
    const wHh = stack(this.weightsHh.map((w) => transpose(w)));                        // [D, 2H, 5H]
    const bias = unsqueeze(stack(this.biases), 1);                                     // [D, 1, 5H]
    const xp = reshape(add(matmul(pixels, wIh), bias), [D * P, N * G]);                // [D·P, N·5H]
    // Rows in diagonal order, so that each diagonal reads a contiguous block: a slice of the leading
    // axis, whose gradient is that block alone (a gather per diagonal would scatter into a zero
    // gradient of all of xp once per diagonal).
    const xd = selectRows(xp, order);                                                  // [D·P, N·5H]
    const zero = zeros([D, 1, N, Hd], { dtype: x.dtype });
    const hs: Tensor[] = [];
    let h: Tensor | null = null, c: Tensor | null = null; // previous diagonal: [D, len', N, H]
    diagonals.forEach(({ lo, hi, offset }, d) => {
      const len = hi - lo + 1;
      let gates = reshape(slice(xd, 0, D * offset, D * (offset + len)), [D, len * N, G]); // [D, len·N, 5H]
      let cUp: Tensor | null = null, cLeft: Tensor | null = null;
      if (h !== null && c !== null) {
        // Previous diagonal padded to rows lo − 1 … hi: a zero row before it when this one starts
        // at row 0 (no cell above), after it when it ends at column 0 (no cell to the left).
        const pad = (t: Tensor): Tensor => concat([...(lo === 0 ? [zero] : []), t, ...(hi === d ? [zero] : [])], 1); // [D, len + 1, N, H]
        const hp = pad(h), cp = pad(c);
        const hUp = slice(hp, 1, 0, len), hLeft = slice(hp, 1, 1, len + 1);
        cUp = slice(cp, 1, 0, len); cLeft = slice(cp, 1, 1, len + 1);
        gates = add(gates, matmul(reshape(concat([hUp, hLeft], 3), [D, len * N, 2 * Hd]), wHh));
      }
      const [gi, gfUp, gfLeft, gg, go] = chunk(reshape(gates, [D, len, N, G]), GATES, 3); // each [D, len, N, H]
      let cNew = mul(sigmoid(gi), tanh(gg));
      if (cUp !== null && cLeft !== null) cNew = add(cNew, add(mul(sigmoid(gfUp), cUp), mul(sigmoid(gfLeft), cLeft)));
      h = mul(sigmoid(go), tanh(cNew));
      c = cNew;
      hs.push(h);
    });
    // Back from diagonal order to pixels: [P·D, N·H] rows (p, k), then [N, D, H, P].
    const all = reshape(hs.length === 1 ? hs[0] : concat(hs, 1), [D * P, N * Hd]);
    const byPixel = permute(reshape(selectRows(all, scatter), [P, D, N, Hd]), [2, 1, 3, 0]); // [N, D, H, P]
    const out = merge === 'sum' ? sum(byPixel, 1) : byPixel;
    return reshape(out, [N, this.outputSize, H, W]);
  }
}

registerClass('nn.MDLSTM', MDLSTM, (config, init) => new MDLSTM(config, init));
