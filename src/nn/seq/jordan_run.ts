// Training-time unrolling of a JordanCell: at every step the fed-back y_{t−1} is the truth (teacher
// forcing) with probability ε, else the model's own previous prediction (scheduled sampling,
// Bengio et al. 2015). ε = 1 is plain teacher forcing; ε = 0 is free running. ε comes from
// teacherForcingProbability(schedule, step) in ./scheduled_sampling.ts (linear,
// exponential or inverse-sigmoid decay over training steps).

import { Tensor, zeros } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { add } from '../../autograd/ops/elementwise.js';
import { select, stack } from '../../autograd/ops/shape_ops.js';
import { where } from '../../autograd/ops/mask.js';
import type { IndexTensor } from '../../autograd/ops/gather.js';
import { defaultRng } from '../../tensor/random.js';
import type { Carry } from '../cells/cell.js';
import type { JordanCell } from '../cells/jordan_cell.js';
import { chooseRows, type ChooseOptions } from './choose_symbol.js';

export interface JordanRunOptions extends ChooseOptions {
  /** x [T, B, I]; required when the cell has inputSize > 0, else omitted. */
  inputs?: Tensor;
  /** The true sequence: class ids [T, B] (categorical) or values [T, B, O] (real). */
  targets: IndexTensor | Tensor;
  /** A padding target id (as crossEntropy's): fed back as a zero vector (default −100). */
  ignoreIndex?: number;
  /**
   * ε: the probability that a step (per row) is fed the true y_{t−1} rather than the model's own
   * prediction (default 1, teacher forcing). Own predictions are chosen by `choose` (argmax or a
   * draw with `temperature` from `rng`, which also draws the coin flips).
   */
  teacherForcing?: number;
  /** Initial carry [h_0 [B, H], y_0 [B, O]] (default zeros), e.g. from conditioning. */
  carry?: Carry;
  /** A per-sequence term [B, H] added to every step's hidden pre-activation (conditioning v Rᵀ). */
  stepBias?: Tensor;
}

export interface JordanRunResult {
  /** o_t for t = 0 … T−1: [T, B, O] (logits, or values), o_t predicting y_t. */
  outputs: Tensor;
  /** h_t: [T, B, H]. */
  hidden: Tensor;
  /** Final carry [h_T, y_feed]. */
  carry: Carry;
  /** [T·B] (time-major): 1 where step t of row b was fed the truth y_{t−1}; row t = 0 feeds y_0. */
  fedTruth: Uint8Array;
}

function targetFeed(cell: JordanCell, targets: IndexTensor | Tensor, t: number, B: number, ignoreIndex: number): Tensor {
  if (targets instanceof Tensor) return select(targets, 0, t); // [B, O]
  return cell.oneHot(targets.data.subarray(t * B, (t + 1) * B), ignoreIndex);
}

/**
 * Unrolls `cell` over T steps with the feedback of each step chosen as described above:
 *
 *   y_feed,t = y_{t−1} (truth) with probability ε, else own(o_{t−1});   y_feed,0 = y_0.
 *
 * own(o) is one-hot(argmax o) or one-hot(a draw from softmax(o/τ)) for categorical outputs
 * (a constant: no gradient through a discrete choice), and o itself for real outputs.
 * Inputs: targets [T, B] ids or [T, B, O] values, inputs [T, B, I] when I > 0.
 * Outputs: outputs [T, B, O], hidden [T, B, H]; train with crossEntropy(outputs, targets) or mseLoss.
 */
export function runJordan(cell: JordanCell, options: JordanRunOptions): JordanRunResult {
  const { targets } = options;
  const categorical = cell.outputKind === 'categorical';
  const O = cell.outputSize;
  if (categorical && (targets instanceof Tensor || targets.shape.length !== 2)) {
    throw new Error(`runJordan: expected class-id targets of shape [T, B] for a categorical JordanCell, got ${targets instanceof Tensor ? 'a value tensor ' : ''}${formatShape(targets.shape)}`);
  }
  if (!categorical && (!(targets instanceof Tensor) || targets.rank !== 3 || targets.shape[2] !== O)) {
    throw new Error(`runJordan: expected value targets of shape [T, B, ${O}] for a real JordanCell, got ${formatShape(targets.shape)}`);
  }
  const [T, B] = targets.shape;
  if (T === 0 || B === 0) throw new Error(`runJordan: expected a non-empty sequence, got targets of shape ${formatShape(targets.shape)}`);
  const eps = options.teacherForcing ?? 1;
  if (!(eps >= 0 && eps <= 1)) throw new Error(`runJordan: expected teacherForcing in [0, 1], got ${eps}`);
  const rng = options.rng ?? defaultRng();

  let xp: Tensor; // [T, B, H]
  if (cell.inputSize > 0) {
    const x = options.inputs;
    if (!x || x.rank !== 3 || x.shape[0] !== T || x.shape[1] !== B || x.shape[2] !== cell.inputSize) {
      throw new Error(`runJordan: expected inputs of shape [${T}, ${B}, ${cell.inputSize}], got ${x ? formatShape(x.shape) : 'none'}`);
    }
    xp = cell.projectInput(x);
  } else {
    if (options.inputs) throw new Error('runJordan: the cell has inputSize 0 but inputs were given');
    xp = cell.projectInput(zeros([T, B, 0], { dtype: cell.dtype }));
  }
  if (options.stepBias) xp = add(xp, options.stepBias);

  let [h, feed] = options.carry ?? cell.initCarry(B);
  const outs: Tensor[] = [], hs: Tensor[] = [];
  const fedTruth = new Uint8Array(T * B);
  for (let t = 0; t < T; t++) {
    if (t > 0) {
      const prev = outs[t - 1];
      const truth = targetFeed(cell, targets, t - 1, B, options.ignoreIndex ?? -100);
      // Coin flips per row; u ∈ [0, 1) so ε = 1 always feeds the truth, ε = 0 never.
      const cond = zeros([B, 1], { dtype: cell.dtype });
      let all = true;
      for (let b = 0; b < B; b++) {
        const truthHere = rng.random() < eps;
        cond.data[b] = truthHere ? 1 : 0;
        fedTruth[t * B + b] = truthHere ? 1 : 0;
        all &&= truthHere;
      }
      if (all) feed = truth;
      else {
        const own = categorical ? cell.oneHot(chooseRows(prev.data, B, O, options, t + 1)) : prev;
        feed = where(cond, truth, own);
      }
    } else {
      fedTruth.fill(1, 0, B);
    }
    h = cell.hidden(select(xp, 0, t), h, feed);
    hs.push(h);
    outs.push(cell.output(h));
  }
  const last = outs[T - 1];
  return { outputs: stack(outs, 0), hidden: stack(hs, 0), carry: [h, cell.ownFeedback(last)], fedTruth };
}
