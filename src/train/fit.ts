// fit: the one training loop of unfold. Every trainer (character models, seq2seq, captions, the task
// suite, the tree tasks) plugs its batches, its loss (or its own forward + backward) and its
// callbacks into it:
//
//   batch = data(step) → loss → backward → clip the global norm → optimizer step → schedule step
//   → (evaluate, save a checkpoint) → yield to the event loop
//
// It stops when the budget (steps or seconds of training, whichever runs out first) is spent, when
// an evaluation says so (early stopping), or when asked to (shouldStop: Ctrl-C), in which case it
// finishes the step and saves. With a checkpoint it leaves, beside the model file, the state that
// resumes the run exactly: optimizer buffers, schedule, random generators, data position, counters.
// Time spent evaluating, saving and in callbacks does not count against a budget of seconds.
//
// Divergence (./divergence.ts) stops the run with an error: a loss that is not finite or past
// LOSS_CEILING, an evaluation metric that is not finite, or a NaN/Inf in what a save would write
// (weights, optimizer buffers, resumable tensors). Nothing diverged reaches the disk: every save is
// checked, and a save made during the run is captured (as bytes) at its step but written only after
// the next step's loss, computed on those very weights, came out sound, so that weights which are
// finite but already overflow the forward pass are not kept either. The final save (budget spent,
// early stop, Ctrl-C) is written at once.

import type { Tensor } from '../tensor/tensor.js';
import { backward } from '../autograd/engine.js';
import type { Module } from '../nn/module.js';
import type { BaseHyperParams, Optimizer } from '../optim/optimizer.js';
import type { LRScheduler } from '../optim/lr_scheduler.js';
import { clipGradNorm } from '../optim/clip.js';
import type { FitState, Resumable } from './fit_state.js';
import { TrainingDivergedError, divergedLoss, nonFiniteMetric, nonFiniteTensor } from './divergence.js';
import { onHostBackend, stateStorages } from './host_pass.js';
import { getBackend } from '../backend/backend.js';

/** What a step reports to callbacks. */
export interface StepInfo {
  /** Optimizer steps taken so far (this one included). */
  step: number;
  /** This step's loss. */
  loss: number;
  /** The learning rate this step used (first parameter group). */
  lr: number;
  /** Seconds of training so far (evaluation, saving and callbacks excluded). */
  elapsed: number;
  /** Units (tokens, target symbols, examples: see FitOptions.unitsOf) per second over the run so far. */
  tokensPerSec: number;
  /** Fraction of the budget used, in [0, 1]. */
  progress: number;
}

/** Where the loop is, for the functions it calls. */
export interface StepContext {
  /** Steps taken before this one (0 for the first). */
  step: number;
  /** Fraction of the budget used before this step, in [0, 1]. */
  progress: number;
}

/** Observers of a run; every method is optional. Several can be given (progress bar, log, dashboard). */
export interface FitCallbacks {
  onStart?(info: { step: number }): void;
  onStep?(info: StepInfo): void;
  onEval?(info: { step: number; elapsed: number; metrics: Record<string, number> }): void;
  /** A checkpoint of step `step` is on disk (called when it is written, which may be a step later). */
  onCheckpoint?(info: { step: number; path: string }): void;
  /** Polled after every step; true stops the run after it (with a checkpoint, when there is one). */
  shouldStop?(): boolean;
}

/** Where and how a run saves itself (fileCheckpoint in ./fit_state_file.ts makes the usual one). */
export interface FitCheckpoint {
  /** Where it goes (the model file), as callbacks report it. */
  path: string;
  /**
   * Takes the model and `state` as they are now (as bytes: later steps do not change them) and
   * returns what writes them; fit calls that at once or one step later (see the file's opening).
   */
  capture(state: FitState): () => Promise<void>;
  /** Also save every this many steps (0 or absent: at evaluations and at the end only). */
  every?: number;
  /** JSON the trainer needs to rebuild itself on resume (its options), saved with the state. */
  options?: unknown;
}

export interface FitOptions<B> {
  model: Module;
  optimizer: Optimizer<BaseHyperParams>;
  /** The batch of step `step` (0-based). */
  data: (step: number) => B;
  /** The loss of a batch (a scalar; fit runs backward). Give this or trainStep. */
  loss?: (batch: B, ctx: StepContext) => Tensor;
  /**
   * A step's forward and backward done by the trainer (gradients left in the parameters), for steps
   * that are not "loss then backward" (truncated BPTT with carried state): returns the loss value.
   */
  trainStep?: (batch: B, ctx: StepContext) => number | Promise<number>;
  /** Units a batch counts for the throughput figure (default 1: steps per second). */
  unitsOf?: (batch: B) => number;
  /** The learning-rate schedule, stepped after every optimizer step (its `progress` is kept current). */
  scheduler?: LRScheduler;
  /** Bound on the global gradient norm (0 or absent: no clipping). */
  clip?: number;
  /** Budget in optimizer steps (0 or absent: none). */
  steps?: number;
  /** Budget in seconds of training (0 or absent: none). At least one budget is required. */
  seconds?: number;
  /** Metrics of the model now (validation); called every evalEvery steps while the run goes on. */
  evaluate?: (ctx: StepContext) => Record<string, number>;
  /** Steps between evaluations (0 or absent: at every tenth of the budget). */
  evalEvery?: number;
  /** Early stopping: true after an evaluation ends the run there. */
  stopWhen?: (metrics: Record<string, number>) => boolean;
  checkpoint?: FitCheckpoint;
  /** Random generators, data positions and trainer state saved with a checkpoint and restored on resume. */
  resumables?: Record<string, Resumable>;
  /** The state a checkpoint left (loadFitState), to continue from. */
  resume?: FitState | null;
  callbacks?: FitCallbacks | readonly FitCallbacks[];
  /** Losses averaged into FitResult.loss (default 50). */
  lossWindow?: number;
}

export interface FitResult {
  steps: number;
  /** Seconds of training (evaluation, saving and callbacks excluded). */
  elapsed: number;
  tokensPerSec: number;
  /** Mean loss over the last lossWindow steps. */
  loss: number;
  /** The loss of the run's first step (NaN when it resumed past it). */
  firstLoss: number;
  /** The last evaluation's metrics (empty when there was none). */
  metrics: Record<string, number>;
  stopped: 'budget' | 'interrupted' | 'early';
}

// A captured save: its step and what writes it.
interface Pending { step: number; write: () => Promise<void> }

// setImmediate where there is one (Node), else a zero timeout (browsers).
const yieldToEventLoop = (): Promise<void> =>
  new Promise((r) => (typeof setImmediate === 'function' ? setImmediate(r) : setTimeout(r, 0)));

/** Trains `model` in place; see the file's opening comment for the loop. */
export async function fit<B>(o: FitOptions<B>): Promise<FitResult> {
  const budgetSteps = o.steps ?? 0, budgetSeconds = o.seconds ?? 0, clip = o.clip ?? 0;
  if (!(Number.isInteger(budgetSteps) && budgetSteps >= 0)) throw new Error(`fit: expected steps to be an integer >= 0, got ${budgetSteps}`);
  if (!(budgetSeconds >= 0 && Number.isFinite(budgetSeconds))) throw new Error(`fit: expected seconds to be a finite number >= 0, got ${budgetSeconds}`);
  if (budgetSteps === 0 && budgetSeconds === 0) throw new Error('fit: expected a budget (steps > 0 or seconds > 0), got neither');
  if (!(clip >= 0)) throw new Error(`fit: expected clip >= 0, got ${clip}`);
  if ((o.loss === undefined) === (o.trainStep === undefined)) throw new Error('fit: expected exactly one of loss and trainStep');
  const callbacks = o.callbacks === undefined ? [] : Array.isArray(o.callbacks) ? o.callbacks : [o.callbacks as FitCallbacks];
  const resumables = o.resumables ?? {};
  const params = o.model.parameters();
  const window = o.lossWindow ?? 50;
  const asyncReadback = getBackend().asyncReadback === true;
  // Evaluation and checkpoints read values synchronously: on such a backend they run on the host (./host_pass.ts).
  const onHost = <T>(fn: () => T | Promise<T>): Promise<T> => onHostBackend(stateStorages(params, o.optimizer), fn);

  let step = 0, elapsed = 0, units = 0;
  if (o.resume) {
    o.optimizer.loadStateDict(o.resume.optimizer);
    if (o.scheduler) {
      if (o.resume.scheduler === null) throw new Error('fit: the saved run had no learning-rate schedule, this one has');
      o.scheduler.loadStateDict(o.resume.scheduler);
    }
    for (const [name, r] of Object.entries(resumables)) {
      const s = o.resume.resumables[name];
      if (s === undefined) throw new Error(`fit: expected saved state '${name}', got [${Object.keys(o.resume.resumables).join(', ')}]`);
      r.loadStateDict(s);
    }
    ({ step, elapsed, units } = o.resume);
  }
  const progressOf = (): number => Math.min(1, Math.max(budgetSteps > 0 ? step / budgetSteps : 0, budgetSeconds > 0 ? elapsed / budgetSeconds : 0));
  const context = (): StepContext => ({ step, progress: progressOf() });

  // The step of the checkpoint on disk: the one resumed from, then each one written.
  let keptStep: number | null = o.resume ? o.resume.step : null;
  const diverged = (at: number, what: string): TrainingDivergedError =>
    new TrainingDivergedError({ step: at, what, path: o.checkpoint?.path ?? null, keptStep });
  // A save of the run as it is now, checked to be finite and held as bytes (null without a checkpoint).
  const capture = (): Pending | null => {
    const ck = o.checkpoint;
    if (!ck) return null;
    const state: FitState = {
      step, elapsed, units, options: ck.options ?? null,
      optimizer: o.optimizer.stateDict(), scheduler: o.scheduler?.stateDict() ?? null,
      resumables: Object.fromEntries(Object.entries(resumables).map(([k, r]) => [k, r.stateDict()])),
    };
    const bad = nonFiniteTensor({
      model: o.model.stateDict(), optimizer: state.optimizer.tensors,
      ...Object.fromEntries(Object.entries(state.resumables).map(([k, r]) => [k, r.tensors ?? {}])),
    });
    if (bad !== null) throw diverged(step, bad);
    return { step, write: ck.capture(state) };
  };
  const write = async (p: Pending): Promise<void> => {
    await p.write();
    keptStep = p.step;
    for (const c of callbacks) c.onCheckpoint?.({ step: p.step, path: o.checkpoint!.path });
  };
  // A save captured during the run, written once the next step's loss shows its weights are sound.
  let pending: Pending | null = null;

  for (const c of callbacks) c.onStart?.({ step });
  const recent: number[] = [];
  let firstLoss = NaN, metrics: Record<string, number> = {};
  let stopped: FitResult['stopped'] = 'budget';
  let lastTenth = Math.floor(progressOf() * 10);
  o.model.train();
  if (o.scheduler) o.scheduler.progress = progressOf();
  while (progressOf() < 1) {
    const t0 = performance.now();
    const ctx = context();
    const batch = o.data(step);
    const lr = o.optimizer.paramGroups[0].lr;
    const loss = o.loss ? o.loss(batch, ctx) : null;
    // A backend that reads back asynchronously (WebGPU) is waited for here, once per step: the loss.
    if (loss && asyncReadback) await loss.read();
    const value = loss ? loss.item() : await o.trainStep!(batch, ctx);
    // A pending save holds the weights this loss was computed on: dropped with them.
    const bad = divergedLoss(value);
    if (bad !== null) throw diverged(step + 1, bad);
    if (loss) backward(loss);
    if (clip > 0) clipGradNorm(params, clip);
    o.optimizer.step();
    o.optimizer.zeroGrad();
    if (step === 0) firstLoss = value;
    step++;
    units += o.unitsOf ? o.unitsOf(batch) : 1;
    elapsed += (performance.now() - t0) / 1000;
    if (o.scheduler) { o.scheduler.progress = progressOf(); o.scheduler.step(); }
    recent.push(value);
    if (recent.length > window) recent.shift();
    const info: StepInfo = { step, loss: value, lr, elapsed, tokensPerSec: units / Math.max(elapsed, 1e-9), progress: progressOf() };
    for (const c of callbacks) c.onStep?.(info);
    if (pending) { await write(pending); pending = null; }

    const tenth = Math.floor(progressOf() * 10);
    const due = o.evalEvery ? step % o.evalEvery === 0 : tenth > lastTenth;
    lastTenth = tenth;
    const interrupted = callbacks.some((c) => c.shouldStop?.() ?? false);
    const running = progressOf() < 1 && !interrupted;
    let early = false;
    if (due && running && o.evaluate) {
      // The callbacks too may read the model (a live report analyses it).
      metrics = await onHost(() => {
        const m = o.evaluate!(context());
        const bad = nonFiniteMetric(m);
        if (bad !== null) throw diverged(step, bad);
        for (const c of callbacks) c.onEval?.({ step, elapsed, metrics: m });
        return m;
      });
      early = o.stopWhen?.(metrics) ?? false;
    }
    const every = o.checkpoint?.every ?? 0;
    if (running && !early && (due || (every > 0 && step % every === 0))) pending = await onHost(capture);
    if (interrupted) { stopped = 'interrupted'; break; }
    if (early) { stopped = 'early'; break; }
    await yieldToEventLoop();
  }
  // The loop only leaves after a step that captured nothing, so no pending save is lost here.
  const last = await onHost(capture);
  if (last) await write(last);
  return {
    steps: step, elapsed, tokensPerSec: elapsed > 0 ? units / elapsed : 0, firstLoss, metrics, stopped,
    loss: recent.length ? recent.reduce((a, b) => a + b, 0) / recent.length : NaN,
  };
}
