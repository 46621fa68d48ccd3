// The embedded Reber grammar (Reber 1967; Hochreiter & Schmidhuber 1997, experiment 1): strings
// B (T R T | P R P) E where R is a Reber string. The network reads a string one symbol at a time
// and predicts the next one. Inside R the next symbol is one of two equally likely choices; the
// hard step is the second-to-last, which must repeat the T or P seen just after the first B,
// across the whole inner string. A string is solved when, at every step, the set of symbols the
// model gives probability above REBER_THRESHOLD is exactly the set of symbols that may come next.

import type { Rng } from '../tensor/random.js';
import { isGated, type TaskCell } from './task_model.js';
import { IGNORE, checkLength, setOneHot, type SequenceTask, type TaskBatch, type TaskSettings } from './task_spec.js';
import { maxOf } from '../tensor/large_arrays.js';

export const REBER_SYMBOLS = 'BTPSXVE';
const N = REBER_SYMBOLS.length;

/** A symbol counts as predicted when its probability is above this (true choices have 0.5 or 1). */
export const REBER_THRESHOLD = 0.25;

// The inner grammar as a deterministic automaton: state → [symbol, next state] for its two
// (or one) outgoing edges, each taken with equal probability. State 7 is the end.
const INNER: ReadonlyArray<ReadonlyArray<readonly [string, number]>> = [
  [['B', 1]],
  [['T', 2], ['P', 3]],
  [['S', 2], ['X', 4]],
  [['T', 3], ['V', 5]],
  [['X', 3], ['S', 6]],
  [['P', 4], ['V', 6]],
  [['E', 7]],
];

/**
 * One embedded Reber string and, for every position t but the last, the set of symbols that may
 * follow its prefix s[0..t] (as a bit mask over REBER_SYMBOLS).
 */
export interface ReberString {
  text: string;
  next: number[];
}

function bit(symbol: string): number {
  return 1 << REBER_SYMBOLS.indexOf(symbol);
}

function choices(state: number): number {
  return INNER[state].reduce((m, [s]) => m | bit(s), 0);
}

/** Draws one embedded Reber string with its possible-next sets. */
export function embeddedReber(rng: Rng): ReberString {
  const branch = rng.random() < 0.5 ? 'T' : 'P';
  let text = 'B' + branch;
  const next = [bit('T') | bit('P'), bit('B')];
  let state = 0;
  while (state !== 7) {
    const edges = INNER[state];
    const [symbol, to] = edges[edges.length === 1 ? 0 : rng.int(2)];
    text += symbol;
    state = to;
    // After the inner string's E only the branch symbol may come.
    next.push(state === 7 ? bit(branch) : choices(state));
  }
  text += branch + 'E';
  next.push(bit('E'));
  return { text, next };
}

/** A batch of Reber strings, which carries the strings themselves for scoring. */
export interface ReberBatch extends TaskBatch { strings: ReberString[] }

/**
 * B embedded Reber strings, padded to the longest (which is at least `minLength`; the strings
 * themselves have their natural lengths, at least 9).
 * inputs [L, B, 7] one-hot of symbols 0..L−2 of each string (zeros after its end); targets [L, B]:
 * the next symbol, IGNORE past the end.
 */
export function reberBatch(rng: Rng, B: number, minLength = 0): ReberBatch {
  const strings = Array.from({ length: B }, () => embeddedReber(rng));
  const L = Math.max(minLength, maxOf(strings.map((s) => s.text.length - 1)));
  const inputs = new Float32Array(L * B * N);
  const targets = new Int32Array(L * B).fill(IGNORE);
  strings.forEach((s, b) => {
    for (let t = 0; t < s.text.length - 1; t++) {
      setOneHot(inputs, B, N, t, b, REBER_SYMBOLS.indexOf(s.text[t]));
      targets[t * B + b] = REBER_SYMBOLS.indexOf(s.text[t + 1]);
    }
  });
  return { T: L, B, inputs, targets, strings };
}

/** Fraction of the batch's strings solved, from logits [L, B, 7]. */
export function reberSolved(out: Float32Array, batch: TaskBatch): number {
  const { strings } = batch as ReberBatch;
  let solved = 0;
  strings.forEach((s, b) => {
    for (let t = 0; t < s.text.length - 1; t++) {
      if (predictedSet(out, (t * batch.B + b) * N) !== s.next[t]) return;
    }
    solved++;
  });
  return solved / strings.length;
}

/** The bit mask of symbols whose softmax probability at logits out[off..off+7) exceeds the threshold. */
export function predictedSet(out: Float32Array, off: number): number {
  let max = -Infinity;
  for (let k = 0; k < N; k++) max = Math.max(max, out[off + k]);
  let z = 0;
  for (let k = 0; k < N; k++) z += Math.exp(out[off + k] - max);
  let mask = 0;
  for (let k = 0; k < N; k++) if (Math.exp(out[off + k] - max) / z > REBER_THRESHOLD) mask |= 1 << k;
  return mask;
}

function settings(cell: TaskCell): TaskSettings {
  return {
    hiddenSize: 32, lr: !isGated(cell) ? 3e-3 : 1e-2, batchSize: 32, steps: 3000, time: 300, clip: 1, testSize: 1000, evalEvery: 100,
  };
}

export const REBER: SequenceTask = {
  name: 'reber',
  description: 'embedded Reber grammar: next-symbol prediction (fraction of test strings solved)',
  metric: 'solved',
  higherIsBetter: true,
  inputSize: N,
  outputSize: () => N,
  readout: 'all',
  loss: 'ce',
  bidirectional: false,
  // Strings have their own lengths; "length" is the padding floor, 0 by default.
  defaultLength: 0,
  suiteLengths: [0],
  baseline: () => 0,
  baselineText: '0: a model that forgets the first branch solves none: it must put 0.5 on both T and P at the second-to-last step',
  generate: (rng, B, T) => { checkLength('reber', T, 0); return reberBatch(rng, B, T); },
  score: reberSolved,
  stopAt: 1,
  settings,
};
