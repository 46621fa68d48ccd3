// Decoding without search: greedy (the arg-max token at every step) and sampling (a draw from
// softmax(logits / temperature), optionally among the k most likely tokens only), batched over rows,
// each row stopping at its EOS or at the maximum length.

import { defaultRng, type Rng } from '../tensor/random.js';
import { checkChooseOptions, chooseSymbol, type ChooseOptions } from '../nn/seq/choose_symbol.js';
import { logSoftmaxRow, type StepDecoder } from './step_decoder.js';
import { BOS, EOS } from '../data/vocab.js';

export interface DecodeOptions {
  /** Most tokens generated per row, EOS included (default 100). */
  maxLength?: number;
  /** Softmax temperature; 0 is greedy (default 0). */
  temperature?: number;
  /** Draw only among the k most likely tokens (default: all). */
  topK?: number;
  /** First input token (default BOS). */
  bos?: number;
  /** End token (default EOS). */
  eos?: number;
  rng?: Rng;
  /** Keep the attention weights of every step in Hypothesis.weights (the decoder must attend; default false). */
  keepWeights?: boolean;
}

/** One decoded row. */
export interface Hypothesis {
  /** The tokens, without the EOS. */
  tokens: number[];
  /** log p(tokens, EOS) under the model (EOS counted only when it was produced). */
  logProb: number;
  /** Whether the row ended with EOS (false: cut at the maximum length). */
  finished: boolean;
  /** With keepWeights: α over the S source positions at each step that produced a token, the EOS included, [steps][S]. */
  weights?: number[][];
}

export function checkDecodeOptions(o: DecodeOptions): void {
  const maxLength = o.maxLength ?? 100;
  if (!(Number.isInteger(maxLength) && maxLength >= 1)) throw new Error(`expected maxLength to be a positive integer, got ${maxLength}`);
  checkChooseOptions({ temperature: o.temperature ?? 0, topK: o.topK });
}

/**
 * y_t = argmax_v p(v | y_<t, x) (temperature 0), or y_t ~ softmax(logits_t / temperature) restricted
 * to the topK largest logits; rows stop at EOS or after maxLength tokens.
 */
export function decode(dec: StepDecoder, options: DecodeOptions = {}): Hypothesis[] {
  checkDecodeOptions(options);
  const maxLength = options.maxLength ?? 100, temperature = options.temperature ?? 0;
  const eos = options.eos ?? EOS;
  const choice: ChooseOptions = { choose: 'sample', temperature, topK: options.topK, rng: options.rng ?? defaultRng() };
  const B = dec.rows, V = dec.vocabSize;
  const out: Hypothesis[] = Array.from({ length: B }, () => ({ tokens: [], logProb: 0, finished: false }));
  const prev = new Int32Array(B).fill(options.bos ?? BOS);
  const logp = new Float64Array(V);
  let live = B;
  for (let t = 0; t < maxLength && live > 0; t++) {
    const logits = dec.next(prev);
    for (let b = 0; b < B; b++) {
      const h = out[b];
      if (h.finished) continue; // a finished row keeps being fed (batched), its output is ignored
      const id = chooseSymbol(logits, b * V, V, choice, t + 1);
      h.logProb += logSoftmaxRow(logits, b * V, V, logp)[id];
      if (options.keepWeights) (h.weights ??= []).push(weightsRow(dec, b));
      prev[b] = id;
      if (id === eos) { h.finished = true; live--; } else h.tokens.push(id);
    }
  }
  return out;
}

// Row b of the decoder's last attention weights [rows, S].
function weightsRow(dec: StepDecoder, b: number): number[] {
  const alpha = dec.lastWeights;
  if (!alpha) throw new Error('keepWeights: expected attention weights from the decoder step, got none (the model has no attention)');
  const S = alpha.shape[1];
  return Array.from(alpha.data.subarray(b * S, (b + 1) * S));
}

/** decode() with temperature 0. */
export function greedyDecode(dec: StepDecoder, options: Omit<DecodeOptions, 'temperature' | 'topK' | 'rng'> = {}): Hypothesis[] {
  return decode(dec, { ...options, temperature: 0 });
}
