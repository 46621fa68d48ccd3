// Sequence classification with a many-to-one head: the temporal-order problem (Hochreiter &
// Schmidhuber 1997, experiment 6a). A string starts with B and ends with E; in between are
// distractors a, b, c, d and two relevant symbols, each X or Y, one at a position in [0.1T, 0.2T)
// and one in [0.5T, 0.6T). The class is their order: XX, XY, YX or YY. Guessing gives 0.25.

import type { Rng } from '../tensor/random.js';
import { isGated, type TaskCell } from './task_model.js';
import { checkLength, setOneHot, type SequenceTask, type TaskBatch, type TaskSettings } from './task_spec.js';
import { lastAccuracy } from './counting.js';

export const ORDER_SYMBOLS = 'BEabcdXY';
export const ORDER_CLASSES = ['XX', 'XY', 'YX', 'YY'] as const;
const N = ORDER_SYMBOLS.length;

/** The two windows the relevant symbols fall in: [lo, hi) for each, at length T. */
export function orderWindows(T: number): [[number, number], [number, number]] {
  const w = (a: number, b: number): [number, number] => [Math.max(1, Math.round(a * T)), Math.max(2, Math.round(b * T))];
  return [w(0.1, 0.2), w(0.5, 0.6)];
}

/**
 * B temporal-order strings of length T (T >= 10).
 * inputs [T, B, 8] one-hot over BEabcdXY; targets [B]: 2·[first is Y] + [second is Y].
 */
export function orderBatch(rng: Rng, B: number, T: number): TaskBatch {
  checkLength('classification', T, 10);
  const [[a0, a1], [b0, b1]] = orderWindows(T);
  const inputs = new Float32Array(T * B * N);
  const targets = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const p1 = a0 + rng.int(a1 - a0), p2 = b0 + rng.int(b1 - b0);
    const y1 = rng.int(2), y2 = rng.int(2);
    for (let t = 0; t < T; t++) {
      let s = 2 + rng.int(4);
      if (t === 0) s = 0;
      else if (t === T - 1) s = 1;
      else if (t === p1) s = 6 + y1;
      else if (t === p2) s = 6 + y2;
      setOneHot(inputs, B, N, t, b, s);
    }
    targets[b] = 2 * y1 + y2;
  }
  return { T, B, inputs, targets };
}

function settings(cell: TaskCell, T: number): TaskSettings {
  // Measured at T = 50 (LSTM, H = 32): lr 1e-2 with forget bias 1 stayed at chance for 3000
  // steps; lr 3e-3 with chrono initialisation for T steps solved it in 300.
  return {
    hiddenSize: 32, lr: 3e-3, batchSize: 32, steps: 3000, time: 300, clip: 1, testSize: 1000, evalEvery: 100,
    chrono: !isGated(cell) ? 0 : T,
  };
}

export const CLASSIFICATION: SequenceTask = {
  name: 'classification',
  description: 'temporal order (many-to-one): classify the order of X/Y at two distant positions among distractors',
  metric: 'accuracy',
  higherIsBetter: true,
  inputSize: N,
  outputSize: () => ORDER_CLASSES.length,
  readout: 'last',
  loss: 'ce',
  bidirectional: false,
  defaultLength: 50,
  suiteLengths: [50],
  baseline: () => 0.25,
  baselineText: 'guessing among the 4 orders: 0.25',
  generate: orderBatch,
  score: lastAccuracy,
  stopAt: 0.995,
  settings,
};
