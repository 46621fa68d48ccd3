// The learning-rate schedules: step decay, cosine annealing, a user function, linear warm-up,
// warm-up followed by cosine decay (the usual recipe for Adam-trained sequence models), and the same
// decay over a budget of seconds. Each is a closed form lr_t = f(t, lr₀) of the scheduler's counter t
// (and, for BudgetCosine, of the budget's fraction used); see LRScheduler for the protocol.

import { checkInteger, checkNonNegative, LRScheduler, type ScheduledOptimizer } from './lr_scheduler.js';

/** The cosine half-wave from `hi` (p = 0) down to `lo` (p = 1): lo + (hi − lo)(1 + cos πp) / 2. */
function cosineBetween(hi: number, lo: number, p: number): number {
  return lo + (hi - lo) * (1 + Math.cos(Math.PI * p)) / 2;
}

/** StepLR's settings. */
export interface StepLROptions {
  /** Epochs between decays. */
  stepSize: number;
  /** Multiplicative factor per decay. Default 0.1. */
  gamma?: number;
}

/** Decays the lr by γ every `stepSize` epochs (torch.optim.lr_scheduler.StepLR): lr_t = lr₀ γ^⌊t / stepSize⌋. */
export class StepLR extends LRScheduler<Required<StepLROptions>> {
  constructor(optimizer: ScheduledOptimizer, options: StepLROptions) {
    const config = { stepSize: options.stepSize, gamma: options.gamma ?? 0.1 };
    checkInteger('StepLR', 'stepSize', config.stepSize, 1);
    checkNonNegative('StepLR', 'gamma', config.gamma);
    super('StepLR', optimizer, config);
  }

  protected lrAt(t: number, baseLr: number): number {
    return baseLr * this.config.gamma ** Math.floor(t / this.config.stepSize);
  }
}

/** CosineAnnealingLR's settings. */
export interface CosineAnnealingLROptions {
  /** Half-period T_max of the cosine, in epochs. */
  tMax: number;
  /** Lowest lr η_min. Default 0. */
  etaMin?: number;
}

/**
 * Cosine annealing without restarts (torch.optim.lr_scheduler.CosineAnnealingLR, SGDR's schedule):
 *
 *     lr_t = η_min + (lr₀ − η_min) (1 + cos(π t / T_max)) / 2
 *
 * It reaches η_min at t = T_max and, like torch, rises again after it (period 2 T_max).
 */
export class CosineAnnealingLR extends LRScheduler<Required<CosineAnnealingLROptions>> {
  constructor(optimizer: ScheduledOptimizer, options: CosineAnnealingLROptions) {
    const config = { tMax: options.tMax, etaMin: options.etaMin ?? 0 };
    checkInteger('CosineAnnealingLR', 'tMax', config.tMax, 1);
    checkNonNegative('CosineAnnealingLR', 'etaMin', config.etaMin);
    super('CosineAnnealingLR', optimizer, config);
  }

  protected lrAt(t: number, baseLr: number): number {
    const { tMax, etaMin } = this.config;
    return cosineBetween(baseLr, etaMin, t / tMax);
  }
}

/** A multiplier of the base lr as a function of the epoch. */
export type LrLambda = (epoch: number) => number;

/**
 * lr_t = lr₀ · λ(t), with one λ for all groups or one per group
 * (torch.optim.lr_scheduler.LambdaLR). The functions themselves are not saved by stateDict().
 */
export class LambdaLR extends LRScheduler<{ lrLambdas: LrLambda[] }> {
  constructor(optimizer: ScheduledOptimizer, lrLambda: LrLambda | LrLambda[]) {
    const n = optimizer.paramGroups.length;
    const lrLambdas = Array.isArray(lrLambda) ? [...lrLambda] : new Array<LrLambda>(n).fill(lrLambda);
    if (lrLambdas.length !== n || !lrLambdas.every((f) => typeof f === 'function')) {
      throw new Error(`LambdaLR: expected one function or ${n} (one per parameter group), got ${lrLambdas.length}`);
    }
    super('LambdaLR', optimizer, { lrLambdas });
  }

  protected lrAt(t: number, baseLr: number, group: number): number {
    return baseLr * this.config.lrLambdas[group](t);
  }
}

/** LinearWarmup's settings. */
export interface LinearWarmupOptions {
  /** Steps W until the lr reaches its base value. */
  warmupSteps: number;
}

/**
 * Linear warm-up from lr₀/W to lr₀ over the first W steps, then constant:
 *
 *     lr_t = lr₀ · min(1, (t + 1) / W)
 *
 * (torch's LinearLR with start_factor 1/W and total_iters W − 1). Starting at lr₀/W rather than 0
 * means the very first update already moves the weights.
 */
export class LinearWarmup extends LRScheduler<LinearWarmupOptions> {
  constructor(optimizer: ScheduledOptimizer, options: LinearWarmupOptions) {
    checkInteger('LinearWarmup', 'warmupSteps', options.warmupSteps, 1);
    super('LinearWarmup', optimizer, { warmupSteps: options.warmupSteps });
  }

  protected lrAt(t: number, baseLr: number): number {
    return baseLr * Math.min(1, (t + 1) / this.config.warmupSteps);
  }
}

/** WarmupCosine's settings. */
export interface WarmupCosineOptions {
  /** Steps W of linear warm-up (0: none). */
  warmupSteps: number;
  /** Step T at which the cosine reaches minLr (T >= W). */
  totalSteps: number;
  /** Final lr η_min, held after T. Default 0. */
  minLr?: number;
}

/**
 * Linear warm-up for W steps, then one cosine half-period down to η_min at step T, then η_min:
 *
 *     lr_t = lr₀ (t + 1) / W                                            t < W
 *     lr_t = η_min + (lr₀ − η_min) (1 + cos(π (t − W) / (T − W))) / 2     W ≤ t ≤ T
 *     lr_t = η_min                                                      t > T
 *
 * (up to T, torch's SequentialLR of LinearWarmup's LinearLR and CosineAnnealingLR(T − W, η_min)
 * with milestone W). Count t in optimizer steps: call step() after every batch.
 */
export class WarmupCosine extends LRScheduler<Required<WarmupCosineOptions>> {
  constructor(optimizer: ScheduledOptimizer, options: WarmupCosineOptions) {
    const config = { warmupSteps: options.warmupSteps, totalSteps: options.totalSteps, minLr: options.minLr ?? 0 };
    checkInteger('WarmupCosine', 'warmupSteps', config.warmupSteps, 0);
    checkInteger('WarmupCosine', 'totalSteps', config.totalSteps, config.warmupSteps);
    checkNonNegative('WarmupCosine', 'minLr', config.minLr);
    super('WarmupCosine', optimizer, config);
  }

  protected lrAt(t: number, baseLr: number): number {
    const { warmupSteps: w, totalSteps: total, minLr } = this.config;
    if (t < w) return (baseLr * (t + 1)) / w;
    if (t >= total) return minLr;
    return cosineBetween(baseLr, minLr, (t - w) / (total - w));
  }
}

/** BudgetCosine's settings. */
export interface BudgetCosineOptions {
  /** Steps W of linear warm-up (0: none). */
  warmupSteps: number;
  /** Lowest lr η_min, reached when the budget is spent. Default 0. */
  minLr?: number;
}

/**
 * Cosine decay over the fraction p of the training budget used (`scheduler.progress`, set by the
 * loop before each step), under a linear warm-up of W steps:
 *
 *     lr_t = min(1, (t + 1) / W) · (η_min + (lr₀ − η_min) (1 + cos(π p)) / 2)
 *
 * For runs whose budget is wall-clock time, where the number of steps is not known in advance;
 * with a budget of T steps, p = t / T and this is WarmupCosine's curve with the warm-up as a factor.
 */
export class BudgetCosine extends LRScheduler<Required<BudgetCosineOptions>> {
  constructor(optimizer: ScheduledOptimizer, options: BudgetCosineOptions) {
    const config = { warmupSteps: options.warmupSteps, minLr: options.minLr ?? 0 };
    checkInteger('BudgetCosine', 'warmupSteps', config.warmupSteps, 0);
    checkNonNegative('BudgetCosine', 'minLr', config.minLr);
    super('BudgetCosine', optimizer, config);
  }

  protected lrAt(t: number, baseLr: number): number {
    const { warmupSteps: w, minLr } = this.config;
    const warm = w > 0 ? Math.min(1, (t + 1) / w) : 1;
    const p = Math.min(1, Math.max(0, this.progress));
    return warm * cosineBetween(baseLr, minLr, p);
  }
}
