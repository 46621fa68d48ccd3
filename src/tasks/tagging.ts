// A tagging task that needs the future: each position of a random string over 8 symbols is tagged
// with the symbol TAG_LOOKAHEAD steps later (the last TAG_LOOKAHEAD positions are not scored). A
// unidirectional network has not yet read that symbol and can only guess (accuracy 1/8); a
// bidirectional one reads it in its backward direction.

import type { Rng } from '../tensor/random.js';
import { isGated, type TaskCell } from './task_model.js';
import { IGNORE, argmax, checkLength, setOneHot, type SequenceTask, type TaskBatch, type TaskSettings } from './task_spec.js';

export const TAG_SYMBOLS = 8;
export const TAG_LOOKAHEAD = 3;

/**
 * B random strings of length T (T > TAG_LOOKAHEAD), symbols uniform over 8.
 * inputs [T, B, 8] one-hot; targets [T, B]: the symbol at t + 3, IGNORE for the last 3 steps.
 */
export function taggingBatch(rng: Rng, B: number, T: number): TaskBatch {
  checkLength('tagging', T, TAG_LOOKAHEAD + 1);
  const inputs = new Float32Array(T * B * TAG_SYMBOLS);
  const targets = new Int32Array(T * B).fill(IGNORE);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const s = rng.int(TAG_SYMBOLS);
      setOneHot(inputs, B, TAG_SYMBOLS, t, b, s);
      if (t >= TAG_LOOKAHEAD) targets[(t - TAG_LOOKAHEAD) * B + b] = s;
    }
  }
  return { T, B, inputs, targets };
}

/** Accuracy over the scored positions (targets ≠ IGNORE), from logits [T, B, C]. */
export function tagAccuracy(out: Float32Array, batch: TaskBatch): number {
  const n = batch.T * batch.B, C = out.length / n;
  let right = 0, counted = 0;
  for (let i = 0; i < n; i++) {
    if (batch.targets[i] === IGNORE) continue;
    counted++;
    if (argmax(out, i * C, C) === batch.targets[i]) right++;
  }
  return counted > 0 ? right / counted : NaN;
}

function settings(cell: TaskCell): TaskSettings {
  return {
    hiddenSize: 32, lr: !isGated(cell) ? 3e-3 : 1e-2, batchSize: 32, steps: 1500, time: 240, clip: 1, testSize: 1000, evalEvery: 100,
  };
}

export const TAGGING: SequenceTask = {
  name: 'tagging',
  description: 'tag each position with the symbol 3 steps later (needs the future: bidirectional vs unidirectional)',
  metric: 'accuracy',
  higherIsBetter: true,
  inputSize: TAG_SYMBOLS,
  outputSize: () => TAG_SYMBOLS,
  readout: 'all',
  loss: 'ce',
  bidirectional: true,
  defaultLength: 20,
  suiteLengths: [20],
  baseline: () => 1 / TAG_SYMBOLS,
  baselineText: 'guessing, all a unidirectional network can do: 1/8',
  generate: taggingBatch,
  score: tagAccuracy,
  stopAt: 0.995,
  settings,
};
