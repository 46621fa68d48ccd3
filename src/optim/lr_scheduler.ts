// The learning-rate scheduler base, as torch.optim.lr_scheduler.LRScheduler: it remembers each
// group's starting lr, and every step() advances an epoch counter and writes the schedule's value
// into the optimizer's groups. Call optimizer.step() first, then scheduler.step(), once per epoch
// (or per batch, for schedules counted in steps).
//
// Schedules here are closed forms of the counter, lr_t = f(t, lr_0), rather than torch's chained
// updates of the current lr, so that a resumed run recomputes the same numbers from the counter.

import type { BaseHyperParams, Optimizer } from './optimizer.js';

/** The JSON state of a scheduler. */
export interface SchedulerStateDict {
  scheduler: string;
  lastEpoch: number;
  baseLrs: number[];
  lastLr: number[];
}

/** Anything with parameter groups that carry an lr. */
export type ScheduledOptimizer = Pick<Optimizer<BaseHyperParams>, 'paramGroups'>;

/**
 * Base of the schedulers. On construction it records each group's lr as its base lr₀ and applies
 * the schedule at t = 0; each step() then sets t ← t + 1 and lr ← f(t, lr₀) for every group.
 */
export abstract class LRScheduler<C = unknown> {
  readonly optimizer: ScheduledOptimizer;
  /** The schedule's settings, fixed at construction (a resumed run may pass new ones). */
  readonly config: Readonly<C>;
  /** The class name written into state dicts, checked when loading. */
  readonly kind: string;
  /** t: how many times step() has run (0 right after construction). */
  lastEpoch = -1;
  /** Each group's lr when the scheduler was made. */
  baseLrs: number[];
  /**
   * The fraction of the run's budget used so far, in [0, 1], for schedules measured against a budget
   * of seconds rather than steps (BudgetCosine): whoever runs the loop sets it before each step()
   * (fit does). Schedules counted in steps ignore it.
   */
  progress = 0;
  private lastLr: number[] = [];

  protected constructor(kind: string, optimizer: ScheduledOptimizer, config: C) {
    this.kind = kind;
    this.optimizer = optimizer;
    this.config = config;
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
    this.step();
  }

  /** The schedule: the lr of a group with base lr `baseLr` at epoch t (`group` is its index). */
  protected abstract lrAt(t: number, baseLr: number, group: number): number;

  /** Advances t by one and writes the new lr into every group. */
  step(): void {
    const groups = this.optimizer.paramGroups;
    if (groups.length !== this.baseLrs.length) {
      throw new Error(`${this.kind}: the optimizer has ${groups.length} parameter groups, the scheduler was made for ${this.baseLrs.length}`);
    }
    this.lastEpoch += 1;
    this.lastLr = groups.map((g, k) => (g.lr = this.lrAt(this.lastEpoch, this.baseLrs[k], k)));
  }

  /** The lr of each group as last set by this scheduler. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The counter, base lrs and last lrs, as plain JSON. The config is not included. */
  stateDict(): SchedulerStateDict {
    return { scheduler: this.kind, lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs], lastLr: [...this.lastLr] };
  }

  /**
   * Restores a stateDict(), checking it first. Unlike torch, it also writes the saved last lrs
   * into the optimizer's groups, so that resuming the scheduler alone resumes the lr as well.
   */
  loadStateDict(state: unknown): void {
    const fail = (msg: string): never => { throw new Error(`${this.kind}.loadStateDict: ${msg}`); };
    const n = this.optimizer.paramGroups.length;
    if (state === null || typeof state !== 'object') return fail(`expected a scheduler state object, got ${JSON.stringify(state)}`);
    const s = state as Record<string, unknown>;
    if (s.scheduler !== this.kind) fail(`expected scheduler state for ${this.kind}, got ${JSON.stringify(s.scheduler)}`);
    if (typeof s.lastEpoch !== 'number' || !Number.isInteger(s.lastEpoch) || s.lastEpoch < 0) {
      fail(`expected lastEpoch to be a non-negative integer, got ${JSON.stringify(s.lastEpoch)}`);
    }
    for (const key of ['baseLrs', 'lastLr']) {
      const v = s[key];
      if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'number')) {
        fail(`expected ${key} to be an array of ${n} numbers (one per parameter group), got ${JSON.stringify(v)}`);
      }
    }
    this.lastEpoch = s.lastEpoch as number;
    this.baseLrs = [...(s.baseLrs as number[])];
    this.lastLr = [...(s.lastLr as number[])];
    this.optimizer.paramGroups.forEach((g, k) => { g.lr = this.lastLr[k]; });
  }
}

/** Throws unless `value` is an integer >= min: `StepLR: expected stepSize to be an integer >= 1, got 0`. */
export function checkInteger(kind: string, name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new Error(`${kind}: expected ${name} to be an integer >= ${min}, got ${value}`);
}

/** Throws unless `value` is a finite number >= 0. */
export function checkNonNegative(kind: string, name: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value)) throw new Error(`${kind}: expected ${name} to be a finite number >= 0, got ${value}`);
}
