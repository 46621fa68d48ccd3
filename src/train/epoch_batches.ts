// Batches an epoch at a time, for fit(): `batchesOf()` makes one epoch's batches (shuffling with the
// caller's generator), and steps walk through them, making the next epoch's when one runs out. Its
// state (the epoch, the position in it, and the generator as it was when the epoch was made) lets a
// resumed run rebuild the same epoch and continue at the same batch.

import type { Rng } from '../tensor/random.js';
import { resumableRng, type Resumable, type SavedState } from './fit_state.js';

export class EpochBatches<B> implements Resumable {
  /** Batches in every epoch (the first epoch's count; later epochs must have as many). */
  readonly perEpoch: number;
  /** Epochs begun before the current one. */
  epoch = 0;
  /** Batches of the current epoch already handed out. */
  position = 0;
  private batches: B[];
  private readonly atEpochStart: Resumable;
  private epochStart: SavedState;

  constructor(private readonly batchesOf: () => B[], rng: Rng) {
    this.atEpochStart = resumableRng(rng);
    this.epochStart = this.atEpochStart.stateDict();
    this.batches = batchesOf();
    this.perEpoch = this.batches.length;
    if (this.perEpoch === 0) throw new Error('expected an epoch of at least one batch, got none');
  }

  /** The next batch, starting a new epoch when this one is done. */
  next(): B {
    if (this.position === this.batches.length) {
      this.epochStart = this.atEpochStart.stateDict();
      this.batches = this.batchesOf();
      if (this.batches.length !== this.perEpoch) throw new Error(`expected every epoch to have ${this.perEpoch} batches, got ${this.batches.length}`);
      this.epoch++;
      this.position = 0;
    }
    return this.batches[this.position++];
  }

  /** Whether the batch just handed out was its epoch's last. */
  get endOfEpoch(): boolean {
    return this.position === this.perEpoch;
  }

  stateDict(): SavedState {
    return { meta: { epoch: this.epoch, position: this.position, rng: this.epochStart.meta } };
  }

  loadStateDict(s: SavedState): void {
    const m = s.meta as { epoch?: unknown; position?: unknown; rng?: unknown } | null;
    const ok = m !== null && typeof m === 'object' && Number.isInteger(m.epoch) && Number.isInteger(m.position)
      && (m.position as number) >= 0 && (m.position as number) <= this.perEpoch;
    if (!ok) throw new Error(`expected an epoch position { epoch, position <= ${this.perEpoch}, rng }, got ${JSON.stringify(m)}`);
    this.atEpochStart.loadStateDict({ meta: m.rng });
    this.epochStart = this.atEpochStart.stateDict();
    this.batches = this.batchesOf();
    this.epoch = m.epoch as number;
    this.position = m.position as number;
  }
}
