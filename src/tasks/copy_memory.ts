// Copy memory (Arjovsky, Shah & Bengio 2016): ten symbols drawn from 8 categories, then T − 1
// blanks, a delimiter, and ten more blanks; the network must output blanks for the first T + 10
// steps and then the ten symbols in order. Sequence length T + 20. A network that outputs blanks
// and then guesses uniformly among the 8 categories scores cross-entropy 10·ln 8 / (T + 20): the
// baseline a memoryless model reaches.
//
// Symbols: 0 blank, 1..8 the categories, 9 the delimiter (inputs one-hot over 10; outputs over 9:
// the delimiter is never a target).

import type { Rng } from '../tensor/random.js';
import { isGated, type TaskCell } from './task_model.js';
import { argmax, checkLength, setOneHot, type SequenceTask, type TaskBatch, type TaskSettings } from './task_spec.js';

export const COPY_SYMBOLS = 10;
export const COPY_CATEGORIES = 8;
export const COPY_BLANK = 0;
export const COPY_DELIMITER = 9;
const INPUTS = 10, OUTPUTS = 9;

/** Cross-entropy of the memoryless strategy: 10·ln 8 / (T + 20). */
export function copyBaseline(T: number): number {
  return (COPY_SYMBOLS * Math.log(COPY_CATEGORIES)) / (T + 2 * COPY_SYMBOLS);
}

/**
 * B copy-memory sequences with T blanks between the symbols and their recall (T >= 1).
 * inputs [T + 20, B, 10] one-hot; targets [T + 20, B]: blank, except the last ten steps which
 * hold the ten symbols.
 */
export function copyBatch(rng: Rng, B: number, T: number): TaskBatch {
  checkLength('copy', T, 1);
  const L = T + 2 * COPY_SYMBOLS;
  const inputs = new Float32Array(L * B * INPUTS);
  const targets = new Int32Array(L * B).fill(COPY_BLANK);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < L; t++) {
      let s = COPY_BLANK;
      if (t < COPY_SYMBOLS) {
        s = 1 + rng.int(COPY_CATEGORIES);
        targets[(L - COPY_SYMBOLS + t) * B + b] = s;
      } else if (t === T + COPY_SYMBOLS - 1) {
        s = COPY_DELIMITER;
      }
      setOneHot(inputs, B, INPUTS, t, b, s);
    }
  }
  return { T: L, B, inputs, targets };
}

function settings(cell: TaskCell, T: number): TaskSettings {
  // Measured at T = 100 with LSTMs: from forget bias 1 (H = 32, lr 5e-3) the baseline plateau is
  // reached in about 1000 steps and not left in 1800; with chrono initialisation for the whole
  // sequence length T + 20 (spreading the units' memory time scales over the span the symbols
  // must be kept), H = 64 at lr 3e-3 still sat on it after 1400 steps, H = 32 at lr 1e-2 went
  // under it from about 1800 steps on. The wall-clock cap binds before the step cap on a busy machine.
  // The orthogonal RNN stores the symbols as phases of its rotations: with H = 32 it sat at 0.058
  // after 90 s at T = 100; H = 128 (expRNN's runs use 190) went under 1% of the baseline in 300 steps.
  // Its A (W_hh = exp(A)) trains at a tenth of the lr, as expRNN's: at T = 1000, 300 steps took the
  // test cross-entropy to 0.0029 against 0.0232 with A at the full lr (expRNN's RMSprop at 2e-4 /
  // 2e-5 without clipping: 0.047).
  return {
    hiddenSize: cell === 'orth' ? 128 : 32, lr: !isGated(cell) ? 1e-3 : 1e-2, batchSize: 32, steps: 1_000_000,
    time: 540, clip: 1, testSize: 500, evalEvery: 100, chrono: !isGated(cell) ? 0 : T + 2 * COPY_SYMBOLS,
    ...(cell === 'orth' ? { lrOrth: 1e-4 } : {}),
  };
}

export const COPY_MEMORY: SequenceTask = {
  name: 'copy',
  description: 'copy memory: recall 10 symbols after T blanks (cross-entropy; baseline 10·ln8/(T+20))',
  metric: 'cross_entropy',
  higherIsBetter: false,
  inputSize: INPUTS,
  outputSize: () => OUTPUTS,
  readout: 'all',
  loss: 'ce',
  bidirectional: false,
  defaultLength: 100,
  suiteLengths: [100, 200, 1000],
  suiteCells: ['rnn', 'lstm', 'gru', 'irnn', 'orth'],
  baseline: copyBaseline,
  baselineText: 'blanks, then a uniform guess among the 8 categories: 10·ln 8 / (T + 20)',
  generate: copyBatch,
  score: copyCrossEntropy,
  stopAt: null,
  settings,
};

/** Mean cross-entropy (nats) over every step of the batch, from logits [L, B, 9]. */
export function copyCrossEntropy(out: Float32Array, batch: TaskBatch): number {
  let total = 0;
  const n = batch.T * batch.B;
  for (let i = 0; i < n; i++) {
    const off = i * OUTPUTS;
    let max = -Infinity;
    for (let k = 0; k < OUTPUTS; k++) max = Math.max(max, out[off + k]);
    let z = 0;
    for (let k = 0; k < OUTPUTS; k++) z += Math.exp(out[off + k] - max);
    total += Math.log(z) + max - out[off + batch.targets[i]];
  }
  return total / n;
}

/** Fraction of the recalled symbols (the last ten steps) the model gets right. */
export function copyRecallAccuracy(out: Float32Array, batch: TaskBatch): number {
  let right = 0;
  for (let t = batch.T - COPY_SYMBOLS; t < batch.T; t++) {
    for (let b = 0; b < batch.B; b++) {
      const i = t * batch.B + b;
      if (argmax(out, i * OUTPUTS, OUTPUTS) === batch.targets[i]) right++;
    }
  }
  return right / (COPY_SYMBOLS * batch.B);
}
