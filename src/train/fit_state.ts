// The state that resumes a fit() run exactly, beyond the model's weights: progress counters, the
// optimizer's buffers, the schedule, and every named Resumable (random generators, the data
// stream's position, state a trainer carries between steps such as truncated BPTT's hidden state),
// with the trainer's options so that a resumed run rebuilds itself as it was.
// What it is here; how it is stored on disk is in ./fit_state_file.ts (node-only).

import type { Tensor } from '../tensor/tensor.js';
import type { Rng } from '../tensor/random.js';
import type { OptimizerStateDict } from '../optim/state_dict.js';
import type { SchedulerStateDict } from '../optim/lr_scheduler.js';

/** What a Resumable saves: plain JSON, and tensors when it has any. */
export interface SavedState {
  meta?: unknown;
  tensors?: Record<string, Tensor>;
}

/** Anything whose state a checkpoint carries: a generator, a data position, a carried hidden state. */
export interface Resumable {
  stateDict(): SavedState;
  loadStateDict(state: SavedState): void;
}

/** Everything fit() needs to continue a run where its checkpoint left it. */
export interface FitState {
  /** Optimizer steps taken. */
  step: number;
  /** Seconds of training so far. */
  elapsed: number;
  /** Units (tokens, examples) processed so far. */
  units: number;
  /** The trainer's options (FitCheckpoint.options), as JSON. */
  options: unknown;
  optimizer: OptimizerStateDict;
  scheduler: SchedulerStateDict | null;
  resumables: Record<string, SavedState>;
}

/** A generator as a Resumable (its state is five numbers; NaN, "no spare normal", is kept as null). */
export function resumableRng(rng: Rng): Resumable {
  return {
    stateDict: () => ({ meta: rng.getState().map((v) => (Number.isNaN(v) ? null : v)) }),
    loadStateDict: (s) => {
      const v = s.meta;
      if (!Array.isArray(v) || v.length !== 5 || !v.every((x) => x === null || typeof x === 'number')) {
        throw new Error(`expected a random generator's state as 5 numbers, got ${JSON.stringify(v)}`);
      }
      rng.setState(v.map((x) => (x === null ? NaN : (x as number))));
    },
  };
}
