// One direction of one recurrent layer on the generic path: a cell run over a whole time-major
// sequence by scan(), with the per-sequence regularizers that need the loop (variational dropout,
// zoneout) and variable lengths. RNN / LSTM / GRU and the wrappers (Recurrence, Bidirectional,
// StackedRNN) all come through here when they do not take the fused path.

import { Tensor } from '../../tensor/tensor.js';
import { add, mul } from '../../autograd/ops/elementwise.js';
import { stack } from '../../autograd/ops/shape_ops.js';
import { where } from '../../autograd/ops/mask.js';
import { scalar } from '../../autograd/ops/broadcast_buffer.js';
import { defaultRng, type Rng } from '../../tensor/random.js';
import type { Carry, RecurrentCell } from '../cells/cell.js';
import { dropoutMask } from './dropout.js';
import type { StepMask } from './step_mask.js';
import { scan } from './time_loop.js';
import { fusedCellSequence } from '../fused/route.js';
import { checkRate } from './zoneout.js';

/** Regularizers applied inside the time loop; every rate is a probability in [0, 1), default 0. */
export interface RecurrentRegularization {
  /** Variational dropout on the inputs x_t: one mask per sequence, the same at every step. */
  inputDropout?: number;
  /** Variational dropout on h_{t−1} where it enters the step: one mask per sequence. */
  recurrentDropout?: number;
  /** Zoneout rate of the hidden state h. */
  zoneoutHidden?: number;
  /** Zoneout rate of the LSTM's cell state c. */
  zoneoutCell?: number;
}

export type ResolvedRegularization = Required<RecurrentRegularization>;

export function resolveRegularization(r: RecurrentRegularization): ResolvedRegularization {
  return {
    inputDropout: checkRate('inputDropout', r.inputDropout ?? 0),
    recurrentDropout: checkRate('recurrentDropout', r.recurrentDropout ?? 0),
    zoneoutHidden: checkRate('zoneoutHidden', r.zoneoutHidden ?? 0),
    zoneoutCell: checkRate('zoneoutCell', r.zoneoutCell ?? 0),
  };
}

/** Whether the regularizers change anything in this mode (zoneout also acts at evaluation). */
export function regularizationActive(r: ResolvedRegularization, training: boolean): boolean {
  return (training && (r.inputDropout > 0 || r.recurrentDropout > 0)) || r.zoneoutHidden > 0 || r.zoneoutCell > 0;
}

export interface RunCellOptions {
  /** Run t = T−1 … 0 (each row from its own last real step when `steps` is given). */
  reverse?: boolean;
  /** Real and padded steps (null: all real). */
  steps?: StepMask | null;
  regularization?: ResolvedRegularization | null;
  /** Training mode: dropout masks and Bernoulli zoneout (false: no dropout, zoneout's expectation). */
  training?: boolean;
  /** Generator of the masks (default: the global one). */
  rng?: Rng;
  /** A per-sequence term [B, P] added to every step's projected input (e.g. conditioning v Rᵀ). */
  stepBias?: Tensor | null;
}

/**
 * x [T, B, I] time-major, carry: the cell's initial carry (each [B, H]).
 * Returns output [T, B, H] (zeros at padded steps) and the final carry (per row, after its own last
 * real step).
 */
export function runCell(cell: RecurrentCell, x: Tensor, carry: Carry, options: RunCellOptions = {}): { output: Tensor; carry: Carry } {
  const B = x.shape[1];
  const steps = options.steps && !options.steps.full ? options.steps : null;
  const reg = options.regularization ?? null;
  const training = options.training ?? false;
  const rng = options.rng ?? defaultRng();
  if (reg && reg.zoneoutCell > 0 && cell.carrySize < 2) {
    throw new Error(`expected zoneoutCell 0 for a cell whose carry has no cell state (carry of ${cell.carrySize}), got ${reg.zoneoutCell}`);
  }
  // Padded inputs are zeroed so that nothing (not even a NaN) flows from them into values or gradients.
  let xs = steps ? where(steps.steps(x.dtype), x, scalar(0, x.dtype)) : x;
  if (reg && training && reg.inputDropout > 0) xs = mul(xs, dropoutMask([1, B, cell.inputSize], reg.inputDropout, x, rng));
  const recurrentMask = reg && training && reg.recurrentDropout > 0 ? dropoutMask([B, cell.hiddenSize], reg.recurrentDropout, x, rng) : null;
  const zoneout = reg && (reg.zoneoutHidden > 0 || reg.zoneoutCell > 0)
    ? { rates: [reg.zoneoutHidden, reg.zoneoutCell], training, rng } : null;
  // Cells with a fused sequence op of their own take it when nothing per-step is asked for.
  if (!steps && !options.stepBias && !recurrentMask && !zoneout && !(reg && training && reg.inputDropout > 0)) {
    const fused = fusedCellSequence(cell, xs, carry, options.reverse ?? false);
    if (fused) return fused;
  }
  let xp = cell.projectInput(xs); // [T, B, P]
  if (options.stepBias) xp = add(xp, options.stepBias); // [B, P] broadcasts over T
  const res = scan(cell, xp, carry, options.reverse ?? false, { steps, recurrentMask, zoneout });
  return { output: stack(res.outputs, 0), carry: res.carry };
}
