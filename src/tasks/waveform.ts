// Waveform generation, the clockwork RNN paper's first experiment (Koutník et al. 2014, §4.1): the
// network gets no input but a start impulse and must produce one long waveform, every step an
// output, so it has to carry the slow part of the signal (one cycle over the whole sequence) across
// hundreds of steps while it draws the fast ripples on top. The paper used a 320-step audio sample;
// here the signal is generated: a fixed sum of slow and fast sinusoids with a square wave, the same
// for every sequence of a length, so train and test are the one waveform (as in the paper, which
// scores the fit of the sequence learned).

import type { TaskCell } from './task_model.js';
import { checkLength, type SequenceTask, type TaskBatch, type TaskSettings } from './task_spec.js';

/** The default length: the paper's 320 steps. */
export const WAVEFORM_LENGTH = 320;

/**
 * The waveform y_t, t = 0 … T−1 (values in about [−1, 1]):
 *   y_t = 0.45 sin(2π t/T) + 0.2 sign(sin(2π·2t/T + 0.3)) + 0.15 sin(2π·9t/T + 1) + 0.1 sin(2π·23t/T + 2),
 * a slow cycle over the whole sequence, a square wave of half that period, and two faster ripples.
 */
export function waveform(T: number): Float32Array {
  checkLength('waveform', T, 2);
  const y = new Float32Array(T);
  for (let t = 0; t < T; t++) {
    const u = (2 * Math.PI * t) / T;
    y[t] = 0.45 * Math.sin(u) + 0.2 * Math.sign(Math.sin(2 * u + 0.3)) + 0.15 * Math.sin(9 * u + 1) + 0.1 * Math.sin(23 * u + 2);
  }
  return y;
}

/**
 * B copies of the task at length T: inputs [T, B, 1], 1 at t = 0 and 0 after (the start impulse);
 * targets [T, B, 1], the waveform. The generator draws nothing: every batch is the one sequence.
 */
export function waveformBatch(_rng: unknown, B: number, T: number): TaskBatch {
  const y = waveform(T);
  const inputs = new Float32Array(T * B);
  const targets = new Float32Array(T * B);
  for (let b = 0; b < B; b++) inputs[b] = 1;
  for (let t = 0; t < T; t++) targets.fill(y[t], t * B, (t + 1) * B);
  return { T, B, inputs, targets };
}

/** Normalised mean squared error: MSE over the batch divided by the variance of the targets. */
export function normalisedMse(out: Float32Array, batch: TaskBatch): number {
  const y = batch.targets, n = batch.T * batch.B;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let err = 0, vari = 0;
  for (let i = 0; i < n; i++) { err += (out[i] - y[i]) ** 2; vari += (y[i] - mean) ** 2; }
  return err / vari;
}

/** The clockwork modules for this task: 8 of periods 1, 2, 4, …, 128, as the paper's 2^(i−1) schedule. */
export const WAVEFORM_PERIODS: readonly number[] = [1, 2, 4, 8, 16, 32, 64, 128];

function settings(cell: TaskCell, _T: number): TaskSettings {
  // One sequence per batch: the task is to fit one waveform. The same width for every cell, as the
  // paper compared networks of equal size (the clockwork cell then has fewer weights: its W_hh is
  // block upper-triangular), and the same wall time, 300 s each. Learning rates measured over
  // 60 s runs at T = 320 under load: the tanh RNN reached NMSE 0.287 / 0.185 / 0.417 / 0.98 at
  // 1e-4 / 3e-4 / 1e-3 / 3e-3, the clockwork RNN 0.0044 at 3e-3.
  return {
    hiddenSize: 64, lr: cell === 'clockwork' ? 3e-3 : 3e-4, batchSize: 1, steps: 1_000_000, time: 300, clip: 1, testSize: 1, evalEvery: 500,
    periods: WAVEFORM_PERIODS,
  };
}

export const WAVEFORM: SequenceTask = {
  name: 'waveform',
  description: 'waveform generation: produce a T-step waveform with a slow cycle from a start impulse (NMSE; baseline 1)',
  metric: 'nmse',
  higherIsBetter: false,
  inputSize: 1,
  outputSize: () => 1,
  readout: 'all',
  loss: 'mse',
  bidirectional: false,
  defaultLength: WAVEFORM_LENGTH,
  suiteLengths: [WAVEFORM_LENGTH],
  suiteCells: ['rnn', 'clockwork'],
  baseline: () => 1,
  baselineText: 'NMSE of answering the waveform\'s mean at every step: 1',
  generate: waveformBatch,
  score: normalisedMse,
  stopAt: null,
  settings,
};
