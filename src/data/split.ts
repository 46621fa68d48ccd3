// Train/validation split of a token stream, by the project's (and nanoGPT's) convention: the first
// 90% trains, the last 10% validates. A contiguous tail rather than random characters, because
// windows drawn across a random split would see validation text while training.

/** Options for splitTrainVal. */
export interface SplitOptions {
  /**
   * Fewest tokens each part must hold. Default 2 (one input and its target); pass seqLen + 1 when
   * every part must fit a whole training window.
   */
  readonly minLength?: number;
}

/** The two parts of a split; views into the original array (no copy). */
export interface TrainValSplit {
  readonly train: Int32Array;
  readonly val: Int32Array;
}

/**
 * Splits `ids` at floor(n · (1 − valFraction)): `train` is the head, `val` the tail. Throws when
 * valFraction is not in (0, 1) or when either part would be shorter than `minLength`.
 */
export function splitTrainVal(ids: Int32Array, valFraction = 0.1, options: SplitOptions = {}): TrainValSplit {
  if (!(typeof valFraction === 'number' && valFraction > 0 && valFraction < 1)) {
    throw new Error(`expected valFraction strictly between 0 and 1, got ${valFraction}`);
  }
  const minLength = options.minLength ?? 2;
  if (!Number.isInteger(minLength) || minLength < 1) throw new Error(`expected minLength to be a positive integer, got ${minLength}`);
  const n = ids.length;
  const cut = Math.floor(n * (1 - valFraction)); // same arithmetic as nanoGPT's int(n*0.9)
  const parts = [['training', cut], ['validation', n - cut]] as const;
  for (const [name, length] of parts) {
    if (length < minLength) {
      throw new Error(`expected at least ${minLength} tokens in the ${name} split, got ${length} (valFraction ${valFraction} of ${n} tokens)`);
    }
  }
  return { train: ids.subarray(0, cut), val: ids.subarray(cut) };
}
