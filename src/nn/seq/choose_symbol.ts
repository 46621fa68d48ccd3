// Choosing a symbol from a row of logits, wherever a model's own prediction is fed back or generated
// (character sampling, seq2seq decoding, free-running generation): the arg-max (greedy), or a draw
// from softmax(logits / temperature), optionally among the k largest logits only (top-k). A row
// holding NaN or +Infinity (a model whose weights overflowed) is refused: every comparison with NaN
// is false, so it would otherwise pick symbol 0 at every step and print "aaaa…" as if all were well.

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
 * Throws unless logits[offset .. offset + n) can be chosen from: no NaN, no +Infinity, and not every
 * one −Infinity (−Infinity alone is a masked-out symbol). `step` (from 1) names the step in the message.
 */
export function checkLogits(logits: ArrayLike<number>, offset: number, n: number, step?: number): void {
  let masked = 0;
  for (let i = 0; i < n; i++) {
    const z = logits[offset + i];
    if (z === -Infinity) { masked++; continue; }
    if (Number.isNaN(z) || z === Infinity) {
      throw new Error(`expected finite scores from the model${step === undefined ? '' : ` at step ${step}`}, got ${z} for symbol ${i}: its weights or activations have overflowed`);
    }
  }
  if (n > 0 && masked === n) throw new Error(`expected a symbol with a score above -Infinity${step === undefined ? '' : ` at step ${step}`}, got -Infinity for all ${n}`);
}

/**
 * The symbol chosen from logits[offset .. offset + n): the first arg-max, or i with probability
 * exp((z_i − max z) / temperature) / Σ_j exp((z_j − max z) / temperature) over the allowed j, by
 * one uniform draw u ∈ [0, 1) walked along the cumulative weights. `step` (from 1) names the step in
 * the error about scores that are not finite (see checkLogits).
 */
export function chooseSymbol(logits: ArrayLike<number>, offset: number, n: number, options: ChooseOptions = {}, step?: number): number {
  checkLogits(logits, offset, n, step);
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

/** One symbol per row of logits [N, C]; `step` as in chooseSymbol. */
export function chooseRows(logits: ArrayLike<number>, rows: number, classes: number, options: ChooseOptions = {}, step?: number): Int32Array {
  const out = new Int32Array(rows);
  for (let b = 0; b < rows; b++) out[b] = chooseSymbol(logits, b * classes, classes, options, step);
  return out;
}
