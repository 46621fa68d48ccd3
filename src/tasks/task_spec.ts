// What a task of the long-term-dependency suite is, as data: how to generate a batch (a pure
// function of a seeded Rng), the loss it trains with, the metric it is judged by and the trivial
// baseline of that metric, and the training settings that get each cell there in minutes.

import type { Rng } from '../tensor/random.js';
import type { TaskCell } from './task_model.js';
import type { RecurrentInit } from '../nn/init.js';

/** Class targets equal to this value are not scored (PyTorch's ignore index). */
export const IGNORE = -100;

/**
 * One batch of B sequences of length T, time-major.
 * inputs [T, B, I]; targets [B, 1] (regression, readout 'last'), [B] (classes, readout 'last') or
 * [T, B] (classes per step, IGNORE where a step is not scored).
 */
export interface TaskBatch {
  T: number;
  B: number;
  inputs: Float32Array;
  targets: Float32Array | Int32Array;
}

/** Training settings; every field has a default per task (and per cell where it matters). */
export interface TaskSettings {
  hiddenSize: number;
  lr: number;
  batchSize: number;
  /** Training steps at most (0: no limit). */
  steps: number;
  /** Seconds of training at most (0: no limit). */
  time: number;
  /** Clip gradients to this global norm (0: no clipping). */
  clip: number;
  /** Fresh test sequences the metric is measured on. */
  testSize: number;
  /** Check a validation batch this often (steps) and stop once the metric passes `stopAt`. */
  evalEvery: number;
  /** Chrono initialisation of the gate biases for dependencies up to this length (0: off). */
  chrono?: number;
  /**
   * Weight λ of the information-flow regulariser Ω (Pascanu et al. 2013) added to the loss, for the
   * one-direction tanh RNN and IRNN (0 or absent: off); see nn/losses/information_flow.ts.
   */
  informationFlow?: number;
  /**
   * Differentiate Ω with the states held constant, so that its gradient reaches W_hh alone
   * (Pascanu et al.'s code; Ω is not backpropagated through the recorded net). Default false.
   */
  informationFlowHeld?: boolean;
  /** The clockwork cell's module periods for this task (default: the suite's 1, 2, 4, 8). */
  periods?: readonly number[];
  /** W_hh's initialisation in the tanh RNN, LSTM and GRU (default 'uniform'). */
  recurrentInit?: RecurrentInit;
  /** Start W_ih and the read-out N(0, std²) and the biases at zero (TaskModelConfig.ioInitStd; rnn and irnn). */
  ioInitStd?: number;
  /** The optimizer (default 'adam'). */
  optimizer?: TaskOptimizerName;
  /** SGD's momentum (heavy ball; default 0); only with optimizer 'sgd'. */
  momentum?: number;
  /** Learning rate of the orthogonal cell's A (log_weight_hh); default: lr, one group for all. */
  lrOrth?: number;
}

/** The optimizers a task can train with: Adam (default), RMSprop (expRNN's), plain or momentum SGD (Pascanu et al.'s). */
export const TASK_OPTIMIZERS = ['adam', 'rmsprop', 'sgd'] as const;
export type TaskOptimizerName = typeof TASK_OPTIMIZERS[number];

export interface SequenceTask {
  name: string;
  description: string;
  /** The name of the metric in the result line. */
  metric: string;
  higherIsBetter: boolean;
  inputSize: number;
  /** Outputs per read-out (classes, or 1 for regression); may depend on the length. */
  outputSize(T: number): number;
  readout: 'all' | 'last';
  loss: 'mse' | 'ce';
  /** Whether the task is run bidirectionally by default. */
  bidirectional: boolean;
  defaultLength: number;
  /** The lengths `unfold tasks all` runs. */
  suiteLengths: readonly number[];
  /** The cells `unfold tasks all` runs (default SUITE_CELLS: tanh RNN, LSTM, GRU). */
  suiteCells?: readonly TaskCell[];
  /** The trivial or published figure for the metric at length T, or null. */
  baseline(T: number): number | null;
  /** What the baseline is, in words. */
  baselineText: string;
  /** B sequences of length T. */
  generate(rng: Rng, B: number, T: number): TaskBatch;
  /** The metric over a batch, from the model's outputs (logits or values) on it. */
  score(outputs: Float32Array, batch: TaskBatch): number;
  /** Training stops early once the validation metric passes this (null: never). */
  stopAt: number | null;
  settings(cell: TaskCell, T: number): TaskSettings;
}

/** Index of the largest of out[off], …, out[off + n − 1]. */
export function argmax(out: Float32Array, off: number, n: number): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (out[off + k] > out[off + best]) best = k;
  return best;
}

/** Writes a one-hot vector for `symbol` at step t, sequence b of inputs [T, B, I]. */
export function setOneHot(inputs: Float32Array, B: number, I: number, t: number, b: number, symbol: number): void {
  inputs[(t * B + b) * I + symbol] = 1;
}

/** Checks a requested length against the smallest the task can be built at. */
export function checkLength(task: string, T: number, min: number): void {
  if (!(Number.isInteger(T) && T >= min)) throw new Error(`${task}: expected a length T >= ${min}, got ${T}`);
}
