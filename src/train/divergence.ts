// Divergence: a run whose loss, evaluation metrics or saved tensors stop being finite (or, for the
// loss, nearly so: LOSS_CEILING). fit() stops there rather than train on NaN, and never writes such
// a run to disk: what a checkpoint holds (the model's parameters and buffers, the optimizer's
// buffers, the resumable tensors) is checked before every save, and the error says which step's
// checkpoint is kept instead.

import type { Tensor } from '../tensor/tensor.js';
import { findNonFinite, describeNonFinite } from '../tensor/finite.js';

/** Where a diverged run stopped and what it left on disk. */
export interface Divergence {
  /** The step whose loss, metric or state was not finite (1-based, as StepInfo.step). */
  step: number;
  /** What was not finite: 'loss is NaN', 'evaluation metric valLoss is Infinity', 'tensor … holds …'. */
  what: string;
  /** The checkpoint's model file (null: the run saves none). */
  path: string | null;
  /** The step of the checkpoint kept at `path` (null: none was saved). */
  keptStep: number | null;
}

/** The error fit() throws on divergence; its message is one line, for the command line. */
export class TrainingDivergedError extends Error {
  override readonly name = 'TrainingDivergedError';
  constructor(readonly divergence: Divergence) {
    const { step, what, path, keptStep } = divergence;
    const kept = path === null ? ''
      : keptStep === null ? `; no checkpoint was saved at ${path}`
      : `; the checkpoint of step ${keptStep} (${path}) is kept`;
    super(`training diverged at step ${step}: ${what}${kept} (try a lower learning rate or gradient clipping)`);
  }
}

/**
 * The largest loss magnitude a run goes on with. float32 overflows at 3.4e38 and a forward pass
 * multiplies weights by activations and sums them, so weights that give a loss past 1e30 are a step
 * or two from NaN and already overflow on other data (a validation text): the run has diverged.
 */
export const LOSS_CEILING = 1e30;

/** 'loss is NaN' or 'loss is 2.5e+33, past 1e+30' for a loss that means divergence, or null. */
export function divergedLoss(value: number): string | null {
  if (!Number.isFinite(value)) return `loss is ${value}`;
  return Math.abs(value) > LOSS_CEILING ? `loss is ${value.toPrecision(3)}, past ${LOSS_CEILING} (the run is overflowing float32)` : null;
}

/** 'evaluation metric valLoss is Infinity' for the first metric that is not finite, or null. */
export function nonFiniteMetric(metrics: Readonly<Record<string, number>>): string | null {
  for (const [name, v] of Object.entries(metrics)) {
    if (!Number.isFinite(v)) return `evaluation metric ${name} is ${v}`;
  }
  return null;
}

/**
 * 'tensor optimizer.state.3.exp_avg_sq holds Infinity at [2, 7] (flat index 39)' for the first
 * non-finite value among groups of named tensors (each name prefixed by its group), or null.
 */
export function nonFiniteTensor(groups: Readonly<Record<string, Readonly<Record<string, Tensor>>>>): string | null {
  for (const [group, tensors] of Object.entries(groups)) {
    const named = Object.fromEntries(Object.entries(tensors).map(([k, t]) => [`${group}.${k}`, t]));
    const bad = findNonFinite(named);
    if (bad !== null) return describeNonFinite(bad);
  }
  return null;
}
