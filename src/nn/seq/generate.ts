// Free-running generation from a JordanCell: each step feeds back the model's own previous output
// and emits the next one, until every row has ended by an EOS symbol, a halt unit, or maxLength.

import { Tensor, zeros } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { add } from '../../autograd/ops/elementwise.js';
import { noGrad } from '../../autograd/grad_mode.js';
import { defaultRng } from '../../tensor/random.js';
import type { Carry } from '../cells/cell.js';
import type { JordanCell } from '../cells/jordan_cell.js';
import { chooseRows, type ChooseOptions } from './choose_symbol.js';

export interface GenerateOptions extends ChooseOptions {
  /** Steps at most, ≥ 1. */
  maxLength: number;
  /** Rows to generate (default: the carry's batch, else 1). */
  batch?: number;
  /** Initial carry [h_0 [B, H], y_0 [B, O]] (default zeros), e.g. from conditioning. */
  carry?: Carry;
  /** A per-sequence term [B, H] added to every step's hidden pre-activation (conditioning v Rᵀ). */
  stepBias?: Tensor;
  /** Input x_t [B, I] for step t, for cells with inputSize > 0. */
  input?: (t: number) => Tensor;
  /** End-of-sequence class id (categorical cells): a row ends after emitting it (it is kept). */
  eos?: number;
  /** Halt logits z_t [B] from h_t (e.g. a HaltingUnit): a row ends after a step whose halt fires. */
  halt?: (h: Tensor) => Tensor;
  /** Halt fires when σ(z) ≥ this (default 0.5); with haltSample, when a Bernoulli(σ(z)) draw is 1. */
  haltThreshold?: number;
  haltSample?: boolean;
}

export type StopReason = 'eos' | 'halt' | 'maxLength';

export interface Generated {
  /** Per row, the emitted class ids (categorical cells; empty for real ones). */
  ids: number[][];
  /** Per row, the emitted output vectors (real cells; empty for categorical ones). */
  values: number[][][];
  /** Why each row ended. */
  stoppedBy: StopReason[];
}

/**
 * Generates up to maxLength steps with no gradient:
 *   h_t = f(x_t W_ihᵀ + y_{t−1} W_yhᵀ [+ h_{t−1} W_hhᵀ] + b_h [+ v Rᵀ]),  y_t = choose(o_t),
 * feeding back one-hot(y_t) (categorical) or o_t (real). A finished row stops emitting; the loop
 * ends when all rows have stopped.
 */
export function generate(cell: JordanCell, options: GenerateOptions): Generated {
  const { maxLength } = options;
  if (!(Number.isInteger(maxLength) && maxLength >= 1)) throw new Error(`generate: expected an integer maxLength >= 1, got ${maxLength}`);
  const categorical = cell.outputKind === 'categorical';
  const O = cell.outputSize;
  if (options.eos !== undefined && !(categorical && Number.isInteger(options.eos) && options.eos >= 0 && options.eos < O)) {
    throw new Error(`generate: expected eos to be a class id in [0, ${O}) of a categorical cell, got ${options.eos}`);
  }
  if (cell.inputSize > 0 && !options.input) throw new Error(`generate: the cell takes inputs of size ${cell.inputSize}; give options.input(t)`);
  const threshold = options.haltThreshold ?? 0.5;
  if (!(threshold >= 0 && threshold <= 1)) throw new Error(`generate: expected haltThreshold in [0, 1], got ${threshold}`);
  const B = options.batch ?? options.carry?.[0].shape[0] ?? 1;
  const rng = options.rng ?? defaultRng();
  return noGrad(() => {
    let [h, feed] = options.carry ?? cell.initCarry(B);
    if (h.shape[0] !== B || feed.shape[0] !== B) throw new Error(`generate: expected a carry for ${B} rows, got ${formatShape(h.shape)}`);
    const ids: number[][] = Array.from({ length: B }, () => []);
    const values: number[][][] = Array.from({ length: B }, () => []);
    const stoppedBy: (StopReason | null)[] = new Array(B).fill(null);
    for (let t = 0; t < maxLength && stoppedBy.some((s) => s === null); t++) {
      let xp = cell.inputSize > 0 ? cell.projectInput(options.input!(t)) : cell.projectInput(zeros([B, 0], { dtype: cell.dtype }));
      if (options.stepBias) xp = add(xp, options.stepBias);
      h = cell.hidden(xp, h, feed);
      const o = cell.output(h); // [B, O]
      const z = options.halt ? options.halt(h) : null; // [B]
      if (z && z.size !== B) throw new Error(`generate: expected halt logits of shape [${B}], got ${formatShape(z.shape)}`);
      let chosen: Int32Array | null = null;
      if (categorical) {
        chosen = chooseRows(o.data, B, O, { ...options, rng }, t + 1);
        feed = cell.oneHot(chosen);
      } else {
        feed = o;
      }
      for (let b = 0; b < B; b++) {
        if (stoppedBy[b] !== null) continue;
        if (chosen) ids[b].push(chosen[b]);
        else values[b].push(Array.from(o.data.subarray(b * O, (b + 1) * O)));
        if (chosen && options.eos !== undefined && chosen[b] === options.eos) { stoppedBy[b] = 'eos'; continue; }
        if (z) {
          const p = 1 / (1 + Math.exp(-z.data[b]));
          const fires = options.haltSample ? rng.random() < p : p >= threshold;
          if (fires) { stoppedBy[b] = 'halt'; continue; }
        }
        if (t === maxLength - 1) stoppedBy[b] = 'maxLength';
      }
    }
    return { ids, values, stoppedBy: stoppedBy.map((s) => s ?? 'maxLength') };
  });
}
