// The model every sequence task of the suite trains: a recurrent layer (tanh RNN, LSTM or GRU, and
// the long-memory cells: IRNN, orthogonal expRNN, clockwork; one or two directions) and a linear
// read-out, either at every step (many-to-many: copy, Reber, parity, tagging) or from the final
// state only (many-to-one: adding, counting, classification).

import { Tensor } from '../tensor/tensor.js';
import { Rng } from '../tensor/random.js';
import { formatShape } from '../tensor/shape.js';
import { concat, select } from '../autograd/ops/shape_ops.js';
import { Module } from '../nn/module.js';
import { Linear } from '../nn/layers/linear.js';
import { RNN } from '../nn/layers/rnn.js';
import { LSTM } from '../nn/layers/lstm.js';
import { GRU } from '../nn/layers/gru.js';
import { RecurrentLayer } from '../nn/layers/recurrent_layer.js';
import { OrthogonalRNNCell } from '../nn/cells/orthogonal_cell.js';
import { ClockworkRNNCell } from '../nn/cells/clockwork_cell.js';
import { Recurrence } from '../nn/wrappers/recurrence.js';
import { Bidirectional } from '../nn/wrappers/bidirectional.js';
import type { SequenceModule } from '../nn/wrappers/sequence_module.js';
import type { RecurrentCell } from '../nn/cells/cell.js';
import { registerClass } from '../nn/registry.js';
import { checkRecurrentInit, fillNormal, type RecurrentInit } from '../nn/init.js';

/**
 * The recurrent cells a task can be run with: 'rnn' (tanh), 'lstm', 'gru', 'irnn' (ReLU RNN from
 * the identity, Le et al. 2015), 'orth' (expRNN: W_hh = exp(A) orthogonal throughout training, with
 * modReLU) and 'clockwork' (modules of periods 1, 2, 4, 8, Koutník et al. 2014).
 */
export type TaskCell = 'rnn' | 'lstm' | 'gru' | 'irnn' | 'orth' | 'clockwork';

export const TASK_CELLS: readonly TaskCell[] = ['rnn', 'lstm', 'gru', 'irnn', 'orth', 'clockwork'];

/** The cells `unfold tasks all` runs unless told otherwise: the classic three. */
export const SUITE_CELLS: readonly TaskCell[] = ['rnn', 'lstm', 'gru'];

/**
 * Whether a cell is gated (LSTM, GRU): the tasks' settings give gated cells their own learning rate
 * and chrono initialisation, and the ungated ones (tanh RNN, IRNN, orthogonal, clockwork) the plain RNN's.
 */
export function isGated(cell: TaskCell): boolean {
  return cell === 'lstm' || cell === 'gru';
}

/** The clockwork cell's periods in the task suite unless a task sets its own (hiddenSize must be a multiple of 4). */
export const CLOCKWORK_PERIODS: readonly number[] = [1, 2, 4, 8];

export interface TaskModelConfig {
  cell: TaskCell;
  /** Features per input step (one-hot width, or 2 for the adding problem). */
  inputSize: number;
  hiddenSize: number;
  /** Outputs per read-out: classes, or 1 for a regression. */
  outputSize: number;
  /** 'all': an output at every step; 'last': one output from the final state. */
  readout: 'all' | 'last';
  /** Run a second direction backward in time (default false). */
  bidirectional?: boolean;
  /** Initial LSTM forget-gate bias (default 1: remember by default, Gers et al. 2000). */
  forgetBias?: number;
  /**
   * Chrono initialisation (Tallec & Ollivier 2018) for dependencies up to this many steps: the LSTM
   * forget bias log(u) and input bias −log(u), the GRU update-gate bias log(u), u ~ U[1, chrono − 1]
   * per unit, so that units start with memory time scales spread up to the task's (0: off, default).
   */
  chrono?: number;
  /** The clockwork cell's module periods (default CLOCKWORK_PERIODS; hiddenSize a multiple of their count). */
  periods?: readonly number[];
  /** W_hh's initialisation in the tanh RNN, LSTM and GRU layers (default 'uniform'; the IRNN is 'identity' by definition). */
  recurrentInit?: RecurrentInit;
  /**
   * When > 0, the input weights W_ih and the read-out's weights start N(0, ioInitStd²) and every
   * bias at zero, as Pascanu et al. 2013 start their tanh nets (0.01); W_hh keeps recurrentInit.
   * Default 0: PyTorch's uniform U(−1/√fan_in, 1/√fan_in) everywhere. The ungated layers (rnn, irnn)
   * only: zero biases would undo the gated cells' forget-gate and chrono starts.
   */
  ioInitStd?: number;
}

/**
 * y_t = W_o h_t + b_o over the recurrent layer's outputs h_t (both directions concatenated when
 * bidirectional), or y = W_o h_T once from the final state.
 *
 * Inputs: x [T, B, inputSize] (time-major).
 * Outputs: [T, B, outputSize] for readout 'all', [B, outputSize] for 'last'.
 */
export class TaskModel extends Module {
  readonly config: Required<TaskModelConfig>;
  /** An RNN / LSTM / GRU layer, or a Recurrence (Bidirectional of two) of the cells without a fused layer. */
  readonly rnn: RecurrentLayer | Recurrence | Bidirectional;
  readonly head: Linear;

  constructor(config: TaskModelConfig, seed = 0) {
    super();
    this.config = { bidirectional: false, forgetBias: 1, chrono: 0, periods: CLOCKWORK_PERIODS, recurrentInit: 'uniform', ioInitStd: 0, ...config };
    checkRecurrentInit(this.config.recurrentInit);
    const { cell, inputSize, hiddenSize, outputSize, bidirectional, forgetBias } = this.config;
    if (!(inputSize >= 1 && hiddenSize >= 1 && outputSize >= 1)) {
      throw new Error(`expected inputSize, hiddenSize and outputSize >= 1, got ${inputSize}, ${hiddenSize}, ${outputSize}`);
    }
    if (!TASK_CELLS.includes(cell)) throw new Error(`expected a cell among ${TASK_CELLS.join(', ')}, got '${String(cell)}'`);
    const init = { rng: new Rng(seed) };
    const layer = { inputSize, hiddenSize, bidirectional, recurrentInit: this.config.recurrentInit };
    const single = (): RecurrentCell & Module => (cell === 'orth' ? new OrthogonalRNNCell({ inputSize, hiddenSize }, init)
      : new ClockworkRNNCell({ inputSize, hiddenSize, periods: this.config.periods }, init));
    this.rnn = this.registerModule('rnn',
      cell === 'lstm' ? new LSTM({ ...layer, forgetBias }, init) : cell === 'gru' ? new GRU(layer, init)
        : cell === 'rnn' ? new RNN(layer, init) : cell === 'irnn' ? new RNN({ ...layer, nonlinearity: 'relu', recurrentInit: 'identity' }, init)
          : bidirectional ? new Bidirectional(single(), single()) : new Recurrence(single()));
    if (this.config.chrono > 2 && isGated(cell)) chronoInit(this.rnn as RecurrentLayer, cell, hiddenSize, this.config.chrono, init.rng);
    const D = bidirectional ? 2 : 1;
    this.head = this.registerModule('head', new Linear({ inFeatures: D * hiddenSize, outFeatures: outputSize }, init));
    const std = this.config.ioInitStd;
    if (std !== 0) {
      if (!(std > 0 && Number.isFinite(std)) || (cell !== 'rnn' && cell !== 'irnn')) {
        throw new Error(`expected ioInitStd > 0 with an rnn or irnn cell, got ${std} with ${cell}`);
      }
      normalInputsAndReadout(this, std, init.rng);
    }
  }

  getConfig(): Required<TaskModelConfig> {
    const c = this.config;
    return {
      cell: c.cell, inputSize: c.inputSize, hiddenSize: c.hiddenSize, outputSize: c.outputSize, readout: c.readout,
      bidirectional: c.bidirectional, forgetBias: c.forgetBias, chrono: c.chrono, periods: [...c.periods],
      recurrentInit: c.recurrentInit, ioInitStd: c.ioInitStd,
    };
  }

  /**
   * forward(x) with the recurrent layer's outputs [T, B, H] and final state [1, B, H] as well: what
   * the information-flow regulariser reads. Only for the one-direction tanh RNN and IRNN.
   */
  forwardWithStates(x: Tensor): { y: Tensor; output: Tensor; final: Tensor } {
    const { cell, bidirectional, readout } = this.config;
    if (!(this.rnn instanceof RNN) || bidirectional) {
      throw new Error(`expected a one-direction rnn or irnn model for the information-flow regulariser, got ${bidirectional ? 'bi-' : ''}${cell}`);
    }
    this.checkInput(x);
    const [output, final] = this.rnn.forward(x);
    return { y: this.head.forward(readout === 'all' ? output : select(final, 0, 0)), output, final };
  }

  private checkInput(x: Tensor): void {
    const { inputSize } = this.config;
    if (x.rank !== 3 || x.shape[2] !== inputSize) {
      throw new Error(`expected input of shape [T, B, ${inputSize}], got ${formatShape(x.shape)}`);
    }
  }

  forward(x: Tensor): Tensor {
    const { readout, bidirectional } = this.config;
    this.checkInput(x);
    const r = this.rnn;
    if (!(r instanceof RecurrentLayer)) {
      // Recurrence: carry[0] is h_T [B, H]; Bidirectional: the forward cell's carry, then the backward one's
      const { output, carry } = (r as SequenceModule).runSequence(x, null, null);
      if (readout === 'all') return this.head.forward(output);
      const c = r instanceof Bidirectional ? r.forwardLayer.carrySize : 0;
      return this.head.forward(bidirectional ? concat([carry[0], carry[c]], 1) : carry[0]);
    }
    // output [T, B, D·H]; h_n [D, B, H]. LSTM's state is [h_n, c_n], RNN's and GRU's h_n alone.
    const [out, h] = r instanceof LSTM ? ((o) => [o[0], o[1][0]] as const)(r.forward(x))
      : (r as RNN | GRU).forward(x);
    if (readout === 'all') return this.head.forward(out);
    // h_n holds the forward direction's last state and the backward one's after reading x_T down to x_1.
    const last = bidirectional ? concat([select(h, 0, 0), select(h, 0, 1)], 1) : select(h, 0, 0);
    return this.head.forward(last);
  }
}

// The seed only draws the initial weights, which a loaded state dict replaces.
registerClass('tasks.TaskModel', TaskModel, (config) => new TaskModel(config));

// Gate rows: LSTM i|f|g|o, GRU r|z|n, each H long. The bias that matters is b_ih + b_hh, so b_hh's
// share is zeroed and the whole value goes into b_ih.
function chronoInit(layer: RecurrentLayer, cell: TaskCell, H: number, tMax: number, rng: Rng): void {
  for (const row of layer.cells) {
    for (const c of row) {
      if (!c.bias_ih || !c.bias_hh) continue;
      for (let j = 0; j < H; j++) {
        const b = Math.log(rng.uniform(1, tMax - 1));
        if (cell === 'lstm') {
          c.bias_ih.data[j] = -b; c.bias_hh.data[j] = 0;
          c.bias_ih.data[H + j] = b; c.bias_hh.data[H + j] = 0;
        } else {
          c.bias_ih.data[H + j] = b; c.bias_hh.data[H + j] = 0;
        }
      }
    }
  }
}

// W_ih (every layer and direction) and the read-out's weight N(0, std²), every bias zero; W_hh as it was.
function normalInputsAndReadout(model: TaskModel, std: number, rng: Rng): void {
  for (const [name, p] of model.namedParameters()) {
    if (name.includes('bias')) p.storage.overwrite().fill(0);
    else if (name.includes('weight_ih') || name === 'head.weight') fillNormal(p, std, rng);
  }
}
