// Counting ones: read a random binary string of length T and answer how many ones it holds, as a
// class among 0..T, from the final state (many-to-one). The gating example of the course: an LSTM
// cell that adds i_t·g_t = 1 per one and forgets nothing is an exact counter. The baseline is the
// accuracy of always answering the most likely count ⌊T/2⌋: C(T, ⌊T/2⌋) / 2^T.

import type { Rng } from '../tensor/random.js';
import { isGated, type TaskCell } from './task_model.js';
import { argmax, checkLength, setOneHot, type SequenceTask, type TaskBatch, type TaskSettings } from './task_spec.js';

/** P(count = ⌊T/2⌋) for T fair coin flips, the accuracy of always guessing the mode. */
export function countingBaseline(T: number): number {
  const k = Math.floor(T / 2);
  // log C(T, k) − T log 2, summed term by term so large T neither overflows nor loses precision.
  let log = -T * Math.LN2;
  for (let i = 1; i <= k; i++) log += Math.log(T - k + i) - Math.log(i);
  return Math.exp(log);
}

/**
 * B random binary strings of length T (bits fair and independent).
 * inputs [T, B, 2] one-hot of the bit; targets [B]: the number of ones, in [0, T].
 */
export function countingBatch(rng: Rng, B: number, T: number): TaskBatch {
  checkLength('counting', T, 1);
  const inputs = new Float32Array(T * B * 2);
  const targets = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const bitValue = rng.random() < 0.5 ? 1 : 0;
      setOneHot(inputs, B, 2, t, b, bitValue);
      targets[b] += bitValue;
    }
  }
  return { T, B, inputs, targets };
}

/** Fraction of the batch whose class with the largest logit is the target, from logits [B, C]. */
export function lastAccuracy(out: Float32Array, batch: TaskBatch): number {
  const C = out.length / batch.B;
  let right = 0;
  for (let b = 0; b < batch.B; b++) if (argmax(out, b * C, C) === batch.targets[b]) right++;
  return right / batch.B;
}

function settings(cell: TaskCell): TaskSettings {
  return {
    hiddenSize: 32, lr: !isGated(cell) ? 3e-3 : 1e-2, batchSize: 32, steps: 3000, time: 300, clip: 1, testSize: 1000, evalEvery: 100,
  };
}

export const COUNTING: SequenceTask = {
  name: 'counting',
  description: 'counting ones in a random binary string of length T (accuracy of the count)',
  metric: 'accuracy',
  higherIsBetter: true,
  inputSize: 2,
  outputSize: (T) => T + 1,
  readout: 'last',
  loss: 'ce',
  bidirectional: false,
  defaultLength: 20,
  suiteLengths: [20],
  baseline: countingBaseline,
  baselineText: 'always answering the most likely count ⌊T/2⌋: C(T, ⌊T/2⌋) / 2^T',
  generate: countingBatch,
  score: lastAccuracy,
  stopAt: 0.995,
  settings,
};
