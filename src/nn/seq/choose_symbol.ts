// Choosing a symbol from a row of logits, wherever a model's own prediction is fed back or generated
// (character sampling, seq2seq decoding, free-running generation): the arg-max (greedy), or a draw
// from softmax(logits / temperature), optionally among the k largest logits only (top-k).

import { defaultRng, type Rng } from '../../tensor/random.js';

/** How a model's own categorical prediction becomes a symbol. */
export interface ChooseOptions {
  /** 'argmax' (default) or 'sample' from softmax(logits / temperature). */
  choose?: 'argmax' | 'sample';
  /** Softmax temperature for 'sample', >= 0; 0 is the arg-max (default 1). */
  temperature?: number;
  /** 'sample' draws only among the k largest logits (ties with the k-th included; default: all). */
  topK?: number;
  /** Generator for 'sample' (default: the global one). */
  rng?: Rng;
}

/** Throws naming the option when the temperature is not a finite number >= 0 or top-k not an integer >= 1. */
export function checkChooseOptions(options: Pick<ChooseOptions, 'temperature' | 'topK'>): void {
  const t = options.temperature ?? 1, k = options.topK;
  if (!(t >= 0 && Number.isFinite(t))) throw new Error(`expected a temperature >= 0, got ${t}`);
  if (k !== undefined && !(Number.isInteger(k) && k >= 1)) throw new Error(`expected top-k to be a positive integer, got ${k}`);
}

/**
 * The symbol chosen from logits[offset .. offset + n): the first arg-max, or i with probability
 * exp((z_i − max z) / temperature) / Σ_j exp((z_j − max z) / temperature) over the allowed j, by
 * one uniform draw u ∈ [0, 1) walked along the cumulative weights.
 */
export function chooseSymbol(logits: ArrayLike<number>, offset: number, n: number, options: ChooseOptions = {}): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (logits[offset + i] > logits[offset + best]) best = i;
  if ((options.choose ?? 'argmax') === 'argmax') return best;
  checkChooseOptions(options);
  const temperature = options.temperature ?? 1, topK = options.topK;
  if (temperature === 0) return best;
  let threshold = -Infinity;
  if (topK !== undefined && topK < n) {
    const sorted = Array.from({ length: n }, (_, i) => logits[offset + i]).sort((a, b) => b - a);
    threshold = sorted[topK - 1];
  }
  const p = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (logits[offset + i] < threshold) continue;
    p[i] = Math.exp((logits[offset + i] - logits[offset + best]) / temperature);
    sum += p[i];
  }
  let u = (options.rng ?? defaultRng()).random() * sum;
  for (let i = 0; i < n; i++) {
    u -= p[i];
    if (u < 0 && p[i] > 0) return i;
  }
  return best; // u left over only by rounding
}

/** One symbol per row of logits [N, C]. */
export function chooseRows(logits: ArrayLike<number>, rows: number, classes: number, options: ChooseOptions = {}): Int32Array {
  const out = new Int32Array(rows);
  for (let b = 0; b < rows; b++) out[b] = chooseSymbol(logits, b * classes, classes, options);
  return out;
}
