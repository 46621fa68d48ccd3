// Ending a sequence with an end-of-sequence symbol: every training sequence gets EOS appended, so
// the model learns to emit it where the sequence ends; generation stops when it does (generate()'s
// `eos`). Rows are padded to one length with an ignored target so padding costs nothing.

import { indices, type IndexTensor } from '../../autograd/ops/gather.js';
import { maxOf } from '../../tensor/large_arrays.js';

export interface EosBatch {
  /** [T, B] time-major: row b is seqs[b] then eos, then `pad` up to T = max length + 1. */
  targets: IndexTensor;
  /** [B] each row's length including its EOS. */
  lengths: Int32Array;
}

/**
 * Appends `eos` to each sequence and pads to a common length with `pad` (default −100,
 * crossEntropy's default ignoreIndex). Sequences may be empty (then the target is just EOS).
 */
export function withEos(seqs: readonly (readonly number[])[], eos: number, pad = -100): EosBatch {
  const B = seqs.length;
  if (B === 0) throw new Error('withEos: expected at least one sequence, got none');
  if (!Number.isInteger(eos) || eos < 0) throw new Error(`withEos: expected eos to be a class id >= 0, got ${eos}`);
  const lengths = Int32Array.from(seqs, (s) => s.length + 1);
  const T = maxOf(lengths);
  const data = new Int32Array(T * B).fill(pad);
  seqs.forEach((s, b) => {
    s.forEach((v, t) => { data[t * B + b] = v; });
    data[s.length * B + b] = eos;
  });
  return { targets: indices(data, [T, B]), lengths };
}
