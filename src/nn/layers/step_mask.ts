// Which time steps of a padded batch are real: the variable-length form of every recurrent layer.
// Built from per-row lengths (PyTorch's packed sequences: steps t < len_b are real) or from a 0/1
// mask; padded steps are skipped by the time loop (they neither change the state nor produce output).
// Stored time-major, on[t·B + b], whatever the caller's layout.

import { Tensor, zeros, type DType } from '../../tensor/tensor.js';
import { formatShape } from '../../tensor/shape.js';
import { checkLengths, sequenceMask, type Lengths } from '../../tensor/sequence_mask.js';

/** The variable-length options every recurrent layer and wrapper takes. */
export interface SequenceOptions {
  /** Real steps per batch row: row b holds steps 0 … lengths[b] − 1, the rest is padding. */
  lengths?: Lengths | null;
  /**
   * 0/1 per step and row, laid out like the input without its feature axis ([T, B], or [B, T] with
   * batchFirst): steps where it is 0 are skipped. A mask that is 1 on a prefix of each row equals
   * giving lengths.
   */
  mask?: Tensor | ArrayLike<number> | null;
}

export class StepMask {
  /** on[t·B + b] = 1 where step t of row b is real. */
  readonly on: Uint8Array;
  /** Per-row lengths when every row's real steps are a prefix, else null. */
  readonly lengths: Int32Array | null;
  private readonly columns = new Map<string, Tensor>();

  private constructor(readonly T: number, readonly B: number, on: Uint8Array) {
    this.on = on;
    this.lengths = prefixLengths(on, T, B);
  }

  /** From lengths (B entries, integers in [1, T]). */
  static fromLengths(lengths: ArrayLike<number>, T: number, B: number): StepMask {
    checkLengths(lengths, T, B);
    return new StepMask(T, B, Uint8Array.from(sequenceMask(lengths, T).data));
  }

  /** From a 0/1 mask shaped [T, B] (batchFirst: [B, T]; [T] for one unbatched sequence), as a Tensor or flat row-major values. */
  static fromMask(mask: Tensor | ArrayLike<number>, T: number, B: number, batchFirst: boolean): StepMask {
    const want = batchFirst ? [B, T] : [T, B];
    const unbatched = mask instanceof Tensor && B === 1 && mask.rank === 1 && mask.shape[0] === T;
    if (mask instanceof Tensor && !unbatched && !(mask.rank === 2 && mask.shape[0] === want[0] && mask.shape[1] === want[1])) {
      throw new Error(`expected a mask of shape ${formatShape(want)}, got ${formatShape(mask.shape)}`);
    }
    const m = mask instanceof Tensor ? mask.data : mask;
    if (m.length !== T * B) throw new Error(`expected a mask of ${T * B} entries (shape ${formatShape(want)}), got ${m.length}`);
    const on = new Uint8Array(T * B);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const v = m[batchFirst ? b * T + t : t * B + b];
        if (v !== 0 && v !== 1) throw new Error(`expected mask entries 0 or 1, got ${v}`);
        on[t * B + b] = v;
      }
    }
    return new StepMask(T, B, on);
  }

  /** The mask of SequenceOptions for an input of T steps and B rows, or null when none is given. */
  static resolve(options: SequenceOptions | undefined, T: number, B: number, batchFirst: boolean): StepMask | null {
    const lengths = options?.lengths ?? null, mask = options?.mask ?? null;
    if (lengths !== null && mask !== null) throw new Error('expected either lengths or mask, got both');
    if (lengths !== null) return StepMask.fromLengths(lengths, T, B);
    if (mask !== null) return StepMask.fromMask(mask, T, B, batchFirst);
    return null;
  }

  /** Whether every row is real at step t (the loop then skips the masking). */
  allOn(t: number): boolean {
    for (let b = 0; b < this.B; b++) if (this.on[t * this.B + b] === 0) return false;
    return true;
  }

  /** Whether no step of any row is padding. */
  get full(): boolean {
    return this.on.every((v) => v === 1);
  }

  /** Step t's mask as a [B, 1] tensor without history, cached per dtype. */
  column(t: number, dtype: DType): Tensor {
    const key = `${dtype}:${t}`;
    let c = this.columns.get(key);
    if (!c) {
      c = zeros([this.B, 1], { dtype });
      fill(c.data, this.on.subarray(t * this.B, (t + 1) * this.B));
      this.columns.set(key, c);
    }
    return c;
  }

  /** The whole mask as a [T, B, 1] tensor without history. */
  steps(dtype: DType): Tensor {
    const s = zeros([this.T, this.B, 1], { dtype });
    fill(s.data, this.on);
    return s;
  }
}

function fill<A extends { [i: number]: number; length: number }>(out: A, from: Uint8Array): A {
  for (let i = 0; i < from.length; i++) out[i] = from[i];
  return out;
}

function prefixLengths(on: Uint8Array, T: number, B: number): Int32Array | null {
  const lengths = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    let len = 0;
    while (len < T && on[len * B + b] === 1) len++;
    for (let t = len; t < T; t++) if (on[t * B + b] === 1) return null;
    lengths[b] = len;
  }
  return lengths;
}
