// Recurrence: a cell run over whole sequences (flax's nn.RNN, Keras' RNN(cell)). Any RecurrentCell
// works, custom ones included; the loop is the generic one (runCell → scan), with variable lengths,
// variational dropout, zoneout and weight drop. The building block of Bidirectional and StackedRNN.

import { Tensor, zeros } from '../../tensor/tensor.js';
import { broadcastTo } from '../../autograd/ops/shape_ops.js';
import { formatShape } from '../../tensor/shape.js';
import type { Rng } from '../../tensor/random.js';
import { Module } from '../module.js';
import { CellBase, type Carry, type RecurrentCell } from '../cells/cell.js';
import { dropRecurrentWeight } from '../layers/weight_drop.js';
import { checkRate } from '../layers/zoneout.js';
import { registerClass, type ModuleSpec } from '../registry.js';
import { resolveRegularization, runCell, type RecurrentRegularization, type ResolvedRegularization } from '../layers/run_cell.js';
import type { SequenceOptions, StepMask } from '../layers/step_mask.js';
import type { SequenceModule, SequenceResult } from './sequence_module.js';
import { checkCarryCount, enterSequence, leaveSequence } from './sequence_io.js';
import { cellFromConfig, serializePart } from './wrapper_parts.js';

export interface RecurrenceConfig extends RecurrentRegularization {
  /** Run backward in time, t = T−1 … 0 (each row from its own last real step) (default false). */
  reverse?: boolean;
  /** Input and output are [B, T, F] (default false: [T, B, F]). */
  batchFirst?: boolean;
  /**
   * Learn the initial state (default false: the cell's initCarry): a parameter per state the cell
   * names (cell.stateNames, default ['h']), `h0` [H] (and `c0` for an LSTM cell), starting at zero
   * and broadcast over the batch, used whenever forward gets no initial carry.
   */
  learnInitialState?: boolean;
  /**
   * Weight drop (DropConnect on the cell's weight_hh, one mask per forward call, as the layers'
   * weightDrop; for a deep-transition or highway cell, the first layer's) in training (default 0).
   * Needs a cell with one recurrent matrix weight_hh (the gated cells and their kin: CellBase).
   */
  weightDrop?: number;
}

/**
 * c_t = cell.step(x̃_t, c_{t−1}) over t = 0 … T−1 (reverse: T−1 … 0), y_t = h_t (the carry's first
 * entry). In training, with inputDropout p_x and recurrentDropout p_h (Gal & Ghahramani 2016),
 *   x̃_t = x_t ⊙ m_x,   h_{t−1} ↦ h_{t−1} ⊙ m_h inside the step,   m ∈ {0, 1/(1−p)} drawn once per sequence;
 * with zoneout rates p (zoneoutHidden for h, zoneoutCell for c; Krueger et al. 2017)
 *   c_t = d_t ⊙ c_{t−1} + (1 − d_t) ⊙ c̃_t,   d_t ~ Bernoulli(p) every step (evaluation: d_t = p).
 * Padded steps (lengths / mask) leave the carry unchanged and output 0.
 *
 * Inputs: x [T, B, inputSize] ([B, T, inputSize] batchFirst); initial carry (cell.carrySize tensors
 *         [B, H], zeros when omitted); options { lengths } or { mask }.
 * Outputs: [y [T, B, H] ([B, T, H] batchFirst), final carry (each [B, H])].
 * Parameters: the cell's, under `cell.` when the cell is a Module.
 */
export class Recurrence extends Module implements SequenceModule {
  readonly cell: RecurrentCell;
  readonly reverse: boolean;
  readonly batchFirst: boolean;
  readonly regularization: ResolvedRegularization;
  readonly weightDrop: number;
  /** The learned initial states (learnInitialState), one per name in cell.stateNames, else null. */
  readonly learned: Tensor[] | null;
  /** Generator of dropout and zoneout masks (default: the global one). */
  rng?: Rng;

  constructor(cell: RecurrentCell, config: RecurrenceConfig = {}, rng?: Rng) {
    super();
    this.cell = cell;
    this.reverse = config.reverse ?? false;
    this.batchFirst = config.batchFirst ?? false;
    this.regularization = resolveRegularization(config);
    if (this.regularization.zoneoutCell > 0 && cell.carrySize < 2) {
      throw new Error(`Recurrence: expected zoneoutCell 0 for a cell without a cell state, got ${this.regularization.zoneoutCell}`);
    }
    this.weightDrop = checkRate('weightDrop', config.weightDrop ?? 0);
    if (this.weightDrop > 0 && !(cell instanceof CellBase)) {
      throw new Error('Recurrence: weightDrop needs a cell with one recurrent weight matrix weight_hh (RNNCell, LSTMCell, GRUCell, …), got another cell');
    }
    this.rng = rng;
    if (cell instanceof Module) this.registerModule('cell', cell);
    const one = config.learnInitialState ? cell.initCarry(1) : [];
    this.learned = config.learnInitialState
      ? (cell.stateNames ?? ['h']).map((n, j) => this.registerParameter(`${n}0`, zeros(one[j].shape.slice(1), { dtype: one[j].dtype })))
      : null;
  }

  /** The carry a sequence of B rows starts from without a given one: the learned states broadcast, the rest initCarry's. */
  initialCarry(B: number): Carry {
    const base = this.cell.initCarry(B);
    return this.learned ? base.map((c, j) => (j < this.learned!.length ? broadcastTo(this.learned![j], c.shape) : c)) : base;
  }

  /** The config with the cell as its own spec; throws when the cell is not a (registered) Module. */
  getConfig(): Required<RecurrenceConfig> & { cell: ModuleSpec } {
    return {
      cell: serializePart('Recurrence', 'cell', this.cell), reverse: this.reverse, batchFirst: this.batchFirst, ...this.regularization,
      learnInitialState: this.learned !== null, weightDrop: this.weightDrop,
    };
  }

  get inputSize(): number { return this.cell.inputSize; }
  get outputSize(): number { return this.cell.hiddenSize; }
  get carrySize(): number { return this.cell.carrySize; }

  runSequence(x: Tensor, initial: Carry | null, steps: StepMask | null): SequenceResult {
    const B = x.shape[1], H = this.cell.hiddenSize;
    checkCarryCount('Recurrence', initial, this.carrySize);
    for (const c of initial ?? []) {
      if (c.rank !== 2 || c.shape[0] !== B || c.shape[1] !== H) {
        throw new Error(`Recurrence: expected initial state of shape [${B}, ${H}], got ${formatShape(c.shape)}`);
      }
    }
    const cell = this.training && this.weightDrop > 0 ? dropRecurrentWeight(this.cell as CellBase, this.weightDrop, this.rng) : this.cell;
    return runCell(cell, x, initial ?? this.initialCarry(B), {
      reverse: this.reverse, steps, regularization: this.regularization, training: this.training, rng: this.rng,
    });
  }

  forward(x: Tensor, initial?: Carry | null, options?: SequenceOptions): [Tensor, Carry] {
    const { seq, steps } = enterSequence('Recurrence', x, this.inputSize, this.batchFirst, options);
    const { output, carry } = this.runSequence(seq, initial ?? null, steps);
    return [leaveSequence(output, this.batchFirst), carry];
  }
}

/** A sequence module as given, or a cell wrapped in a Recurrence. */
export function asSequenceModule(m: SequenceModule | RecurrentCell): SequenceModule {
  return typeof (m as Partial<SequenceModule>).runSequence === 'function' ? (m as SequenceModule) : new Recurrence(m as RecurrentCell);
}

registerClass('nn.Recurrence', Recurrence, (config, init) => new Recurrence(cellFromConfig(config.cell, init), config));
