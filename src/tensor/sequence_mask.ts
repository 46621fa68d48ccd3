// Which positions of a padded batch are real, from one length per row (steps t < lengths[b]): the
// one lengths-to-mask helper. The recurrent layers' step masks, the masked losses, the fused
// sequence ops' zeroed outputs and attention's padding mask are this tensor in one layout or another,
// so it lives below all of them.

import type { DType } from '../backend/dtype.js';
import { zeros, type Tensor } from './tensor.js';

/** One length per batch row. */
export type Lengths = Int32Array | readonly number[];

export interface SequenceMaskOptions {
  /** [B, T] instead of time-major [T, B] (default false, like the recurrent layers). */
  batchFirst?: boolean;
  /** Unit axes appended after the two, so the mask broadcasts over feature axes (default 0). */
  trailingAxes?: number;
  /** Mark the padding (t ≥ lengths[b]) with 1 and real steps with 0, as a fill mask wants (default false). */
  padding?: boolean;
  /** Smallest length accepted (default 1; the losses take empty rows, 0). */
  minLength?: 0 | 1;
  dtype?: DType;
  /** Names the caller at the start of error messages. */
  who?: string;
}

/**
 * Checks `lengths` against B rows of at most T steps: B entries, integers in [minLength, T]. `who`
 * names the caller in the error.
 */
export function checkLengths(lengths: ArrayLike<number>, T: number, B: number, options: Pick<SequenceMaskOptions, 'minLength' | 'who'> = {}): void {
  const who = options.who ? `${options.who}: ` : '', min = options.minLength ?? 1;
  if (lengths.length !== B) throw new Error(`${who}expected ${B} lengths (one per batch row), got ${lengths.length}`);
  for (let b = 0; b < B; b++) {
    const len = lengths[b];
    if (!(Number.isInteger(len) && len >= min && len <= T)) {
      throw new Error(`${who}expected lengths to be integers in [${min}, ${T}], got ${len} for batch row ${b}`);
    }
  }
}

/**
 * A 0/1 tensor over T steps of lengths.length rows: [T, B] (batchFirst: [B, T]) followed by
 * `trailingAxes` unit axes, 1 where t < lengths[b] (with `padding`, 1 where t ≥ lengths[b]).
 * It carries no history.
 */
export function sequenceMask(lengths: ArrayLike<number>, T: number, options: SequenceMaskOptions = {}): Tensor {
  const B = lengths.length, batchFirst = options.batchFirst ?? false;
  checkLengths(lengths, T, B, options);
  const trailing = options.trailingAxes ?? 0;
  if (!(Number.isInteger(trailing) && trailing >= 0)) throw new Error(`expected trailingAxes to be an integer >= 0, got ${trailing}`);
  const real = options.padding ? 0 : 1;
  const mask = zeros([...(batchFirst ? [B, T] : [T, B]), ...new Array<number>(trailing).fill(1)], { dtype: options.dtype ?? 'float32' });
  const m = mask.data;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) m[batchFirst ? b * T + t : t * B + b] = t < lengths[b] ? real : 1 - real;
  }
  return mask;
}
