// Parity of the number of zeros: read a random binary string and, at every step, say whether the
// zeros seen so far are odd in number (many-to-many, running parity). A unit must flip its state
// on each zero and hold it on each one, which gated cells do with a multiplicative gate. The
// metric is the accuracy of the answer after the whole string (length T); guessing gives 0.5.

import type { Rng } from '../tensor/random.js';
import { isGated, type TaskCell } from './task_model.js';
import { argmax, checkLength, setOneHot, type SequenceTask, type TaskBatch, type TaskSettings } from './task_spec.js';

/**
 * B random binary strings of length T.
 * inputs [T, B, 2] one-hot of the bit; targets [T, B]: 1 when the zeros among bits 0..t are odd.
 */
export function parityBatch(rng: Rng, B: number, T: number): TaskBatch {
  checkLength('parity', T, 1);
  const inputs = new Float32Array(T * B * 2);
  const targets = new Int32Array(T * B);
  for (let b = 0; b < B; b++) {
    let odd = 0;
    for (let t = 0; t < T; t++) {
      const bitValue = rng.random() < 0.5 ? 1 : 0;
      setOneHot(inputs, B, 2, t, b, bitValue);
      if (bitValue === 0) odd ^= 1;
      targets[t * B + b] = odd;
    }
  }
  return { T, B, inputs, targets };
}

/** Accuracy of the parity after the last step, from logits [T, B, 2]. */
export function finalParityAccuracy(out: Float32Array, batch: TaskBatch): number {
  const t = batch.T - 1;
  let right = 0;
  for (let b = 0; b < batch.B; b++) {
    const i = t * batch.B + b;
    if (argmax(out, i * 2, 2) === batch.targets[i]) right++;
  }
  return right / batch.B;
}

function settings(cell: TaskCell): TaskSettings {
  return {
    hiddenSize: 32, lr: !isGated(cell) ? 3e-3 : 1e-2, batchSize: 32, steps: 3000, time: 300, clip: 1, testSize: 1000, evalEvery: 100,
  };
}

export const PARITY: SequenceTask = {
  name: 'parity',
  description: 'parity of the number of zeros, answered at every step (accuracy after the whole string)',
  metric: 'accuracy',
  higherIsBetter: true,
  inputSize: 2,
  outputSize: () => 2,
  readout: 'all',
  loss: 'ce',
  bidirectional: false,
  defaultLength: 50,
  suiteLengths: [50],
  baseline: () => 0.5,
  baselineText: 'guessing: 0.5',
  generate: parityBatch,
  score: finalParityAccuracy,
  stopAt: 0.995,
  settings,
};
