// Beam search: keeps the k best partial outputs (by summed log-probability) of every source row,
// extends each by every token, and keeps the k best extensions again. A hypothesis that emits EOS
// is set aside as finished; a row stops when it has k finished hypotheses or at the maximum length,
// and its answer is the finished one with the best length-normalised score
//   s(y) = log p(y | x) / |y|^α       (|y| counts the EOS; α = 0: no normalisation).
// All rows and beams step together as one batch of B·k rows.

import { logSoftmaxRow, type StepDecoder } from './step_decoder.js';
import { checkLogits } from '../nn/seq/choose_symbol.js';
import type { Hypothesis } from './decoding.js';
import { BOS, EOS } from '../data/vocab.js';

export interface BeamSearchOptions {
  /** Beam width k (default 5). */
  beamWidth?: number;
  /** Most tokens per hypothesis, EOS included (default 100). */
  maxLength?: number;
  /** Length-normalisation exponent α (default 1: mean log-probability per token). */
  lengthPenalty?: number;
  bos?: number;
  eos?: number;
}

/** A beam-search answer: the best hypothesis with its normalised score, and all finished ones. */
export interface BeamResult extends Hypothesis {
  /** log p / length^α. */
  score: number;
  /** Every finished hypothesis of the row, best first. */
  nbest: (Hypothesis & { score: number })[];
}

interface Beam { tokens: number[]; logProb: number }

/**
 * Beam search over every row of `dec` at once. Per row, at each step:
 *   candidates = {(y, v) : y a live beam, v a token},  log p(y v) = log p(y) + log softmax(logits_y)[v]
 *   the best candidates in order: one ending in EOS is finished (score log p / |y v|^α), the others
 *   become the next beams until k are live.
 * A row stops once k hypotheses have finished, or at maxLength (its live beams then count, unfinished).
 * Returns per row the best hypothesis by score, with the whole finished list (nbest).
 */
/**
 * The widest beam accepted: every source row keeps this many decoder rows and sorts their k·V
 * extensions at every step, so a width of 10^9 would never start; past a few dozen, wider beams
 * stop helping anyway.
 */
export const MAX_BEAM_WIDTH = 256;

export function beamSearch(dec: StepDecoder, options: BeamSearchOptions = {}): BeamResult[] {
  const k = options.beamWidth ?? 5, maxLength = options.maxLength ?? 100, alpha = options.lengthPenalty ?? 1;
  const eos = options.eos ?? EOS;
  if (!(Number.isInteger(k) && k >= 1 && k <= MAX_BEAM_WIDTH)) throw new Error(`expected a beam width in [1, ${MAX_BEAM_WIDTH}], got ${k}`);
  if (!(Number.isInteger(maxLength) && maxLength >= 1)) throw new Error(`expected maxLength to be a positive integer, got ${maxLength}`);
  if (!(alpha >= 0 && Number.isFinite(alpha))) throw new Error(`expected a length penalty >= 0, got ${alpha}`);
  const B = dec.rows, V = dec.vocabSize;
  const norm = (lp: number, len: number): number => lp / Math.pow(len, alpha);

  // Row b's beams occupy decoder rows b·k … b·k + k − 1. At first only one beam per row is real.
  const start = new Int32Array(B * k);
  for (let i = 0; i < B * k; i++) start[i] = Math.floor(i / k);
  dec.select(start);
  let beams: Beam[][] = Array.from({ length: B }, () => [{ tokens: [], logProb: 0 }]);
  const finished: (Hypothesis & { score: number })[][] = Array.from({ length: B }, () => []);
  const done = new Array<boolean>(B).fill(false);
  const prev = new Int32Array(B * k).fill(options.bos ?? BOS);
  const logp = new Float64Array(V);

  for (let t = 0; t < maxLength && done.includes(false); t++) {
    const logits = dec.next(prev);
    const keep = new Int32Array(B * k);
    const nextBeams: Beam[][] = [];
    for (let b = 0; b < B; b++) {
      const live: Beam[] = [];
      const from: number[] = [];
      if (!done[b]) {
        // Every (beam, token) extension, best first; the first k that do not end become the beams.
        const cands: { j: number; v: number; lp: number }[] = [];
        beams[b].forEach((beam, j) => {
          checkLogits(logits, (b * k + j) * V, V, t + 1);
          logSoftmaxRow(logits, (b * k + j) * V, V, logp);
          for (let v = 0; v < V; v++) if (logp[v] > -Infinity) cands.push({ j, v, lp: beam.logProb + logp[v] });
        });
        cands.sort((x, y) => y.lp - x.lp || x.j - y.j || x.v - y.v);
        for (const c of cands) {
          const tokens = beams[b][c.j].tokens;
          if (c.v === eos) {
            finished[b].push({ tokens: [...tokens], logProb: c.lp, finished: true, score: norm(c.lp, tokens.length + 1) });
            if (finished[b].length >= k) break;
          } else if (live.length < k) {
            live.push({ tokens: [...tokens, c.v], logProb: c.lp });
            from.push(c.j);
          }
          if (live.length >= k && finished[b].length + live.length >= k) break;
        }
        if (finished[b].length >= k || live.length === 0) done[b] = true;
      }
      nextBeams.push(live);
      for (let j = 0; j < k; j++) {
        // Unused slots copy beam 0 (or the row's old row) so that every decoder row stays valid.
        keep[b * k + j] = b * k + (j < from.length ? from[j] : 0);
        prev[b * k + j] = j < live.length ? live[j].tokens[live[j].tokens.length - 1] : eos;
      }
    }
    beams = nextBeams;
    dec.select(keep);
  }
  return finished.map((fin, b) => {
    // Rows cut at maxLength: their live beams count, unfinished.
    const all = [...fin, ...(done[b] ? [] : beams[b].map((beam) => ({ ...beam, finished: false, score: norm(beam.logProb, beam.tokens.length) })))];
    all.sort((x, y) => y.score - x.score);
    const best = all[0] ?? { tokens: [], logProb: -Infinity, finished: false, score: -Infinity };
    return { ...best, nbest: all };
  });
}
