// Generating text from a character model: feed a priming text, then draw one character at a time
// from softmax(logits / temperature), optionally restricted to the k most likely (top-k).
// Temperature 0 means greedy decoding (always the most likely character).

import { noGrad } from '../autograd/grad_mode.js';
import { indices } from '../autograd/ops/gather.js';
import { defaultRng, type Rng } from '../tensor/random.js';
import type { CharVocab } from '../data/vocab.js';
import type { CharModel, CharModelState } from './char_model.js';

export interface SampleOptions {
  /** Text fed first (default: a newline); the sample continues it. */
  prime?: string;
  /** Characters to generate (default 200). */
  length?: number;
  /** Softmax temperature; 0 is greedy (default 1). */
  temperature?: number;
  /** Draw only among the k most likely characters (default: all). */
  topK?: number;
  rng?: Rng;
}

/**
 * Index drawn from logits[0..n) at the given temperature and top-k. Exposed for tests: with
 * temperature 0 it is the arg-max; with topK = k only the k largest logits can come out.
 */
export function drawIndex(logits: ArrayLike<number>, temperature: number, topK: number | undefined, rng: Rng): number {
  const n = logits.length;
  let best = 0;
  for (let i = 1; i < n; i++) if (logits[i] > logits[best]) best = i;
  if (temperature === 0) return best;
  let threshold = -Infinity;
  if (topK !== undefined && topK < n) {
    const sorted = Array.from(logits).sort((a, b) => b - a);
    threshold = sorted[topK - 1];
  }
  const p = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    if (logits[i] < threshold) continue;
    p[i] = Math.exp((logits[i] - logits[best]) / temperature);
    sum += p[i];
  }
  let u = rng.random() * sum;
  for (let i = 0; i < n; i++) {
    u -= p[i];
    if (u < 0 && p[i] > 0) return i;
  }
  return best;
}

/** Returns the generated continuation (without the prime). */
export function sample(model: CharModel, vocab: CharVocab, options: SampleOptions = {}): string {
  const length = options.length ?? 200;
  const temperature = options.temperature ?? 1;
  const topK = options.topK;
  const rng = options.rng ?? defaultRng();
  if (!(Number.isInteger(length) && length >= 0)) throw new Error(`expected a non-negative integer length, got ${length}`);
  if (!(temperature >= 0 && Number.isFinite(temperature))) throw new Error(`expected a temperature >= 0, got ${temperature}`);
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 1)) throw new Error(`expected top-k to be a positive integer, got ${topK}`);
  const prime = options.prime === undefined || options.prime === '' ? '\n' : options.prime;
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const primeIds = vocab.encode(prime);
      let [logits, state]: [ReturnType<CharModel['forward']>[0], CharModelState] = model.forward(indices(primeIds, [1, primeIds.length]));
      const V = vocab.size;
      let last = logits.data.subarray((primeIds.length - 1) * V, primeIds.length * V);
      const out: number[] = [];
      for (let i = 0; i < length; i++) {
        const id = drawIndex(last, temperature, topK, rng);
        out.push(id);
        [logits, state] = model.forward(indices([id], [1, 1]), state);
        last = logits.data;
      }
      return vocab.decode(out);
    });
  } finally {
    model.train(wasTraining);
  }
}
