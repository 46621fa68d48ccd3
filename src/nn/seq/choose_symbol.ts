// Picking a symbol from a row of logits when a model's own prediction is fed back or generated:
// the arg-max (greedy), or a draw from softmax(logits / temperature).

import { defaultRng, type Rng } from '../../tensor/random.js';

/** How a model's own categorical prediction becomes a symbol. */
export interface ChooseOptions {
  /** 'argmax' (default) or 'sample' from softmax(logits / temperature). */
  choose?: 'argmax' | 'sample';
  /** Softmax temperature for 'sample', > 0 (default 1). */
  temperature?: number;
  /** Generator for 'sample' (default: the global one). */
  rng?: Rng;
}

/** The symbol chosen from logits[offset .. offset + n). */
export function chooseSymbol(logits: ArrayLike<number>, offset: number, n: number, options: ChooseOptions = {}): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (logits[offset + i] > logits[offset + best]) best = i;
  if ((options.choose ?? 'argmax') === 'argmax') return best;
  const temperature = options.temperature ?? 1;
  if (!(temperature > 0 && Number.isFinite(temperature))) throw new Error(`expected a temperature > 0, got ${temperature}`);
  const rng = options.rng ?? defaultRng();
  const p = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) { p[i] = Math.exp((logits[offset + i] - logits[offset + best]) / temperature); sum += p[i]; }
  let u = rng.random() * sum;
  for (let i = 0; i < n; i++) { u -= p[i]; if (u < 0) return i; }
  return best;
}

/** One symbol per row of logits [N, C]. */
export function chooseRows(logits: ArrayLike<number>, rows: number, classes: number, options: ChooseOptions = {}): Int32Array {
  const out = new Int32Array(rows);
  for (let b = 0; b < rows; b++) out[b] = chooseSymbol(logits, b * classes, classes, options);
  return out;
}
