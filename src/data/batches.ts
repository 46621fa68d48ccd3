// Batches of (input, target) windows from a token stream, for next-character prediction: targets
// are the inputs shifted by one (target[t] = ids[start + t + 1]). Two ways to cut the stream:
//  - RandomWindowSampler: independent windows at uniform random starts (char-rnn / nanoGPT training,
//    state reset every batch). Reproducible from the Rng, so saving rng.getState() in a checkpoint
//    and restoring it with setState() resumes the identical batch sequence.
//  - StreamBatcher: B contiguous parallel streams read chunk by chunk (truncated BPTT, where the
//    hidden state of row b carries from one chunk to the next, and evaluation over a whole split).
// Both write into two buffers allocated once and return the same objects every call: a batch is
// valid until the next call (copy it to keep it). Shapes: B = batch, T = sequence length, row-major.

import { defaultRng, type Rng } from '../tensor/random.js';

/** A batch of windows; the arrays are reused by the next call. */
export interface WindowBatch {
  /** [B, T] token ids. */
  readonly inputs: Int32Array;
  /** [B, T] next-token ids: targets[b, t] = ids[starts[b] + t + 1]. */
  readonly targets: Int32Array;
  /** [B] start offset of each row's window in the id stream. */
  readonly starts: Int32Array;
}

export interface RandomWindowOptions {
  readonly batchSize: number;
  readonly seqLen: number;
  /** Source of window starts (default: the global generator, see manualSeed). */
  readonly rng?: Rng;
}

function checkPositiveInt(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`expected ${name} to be a positive integer, got ${String(v)}`);
  return v;
}

/** Draws B windows of T + 1 tokens with starts uniform over all valid positions. */
export class RandomWindowSampler {
  readonly batchSize: number;
  readonly seqLen: number;
  readonly rng: Rng;
  /** Number of distinct window starts: n − T (start s needs ids[s .. s + T]). */
  readonly numStarts: number;
  private readonly ids: Int32Array;
  private readonly batch: WindowBatch;

  constructor(ids: Int32Array, options: RandomWindowOptions) {
    this.batchSize = checkPositiveInt('batchSize', options.batchSize);
    this.seqLen = checkPositiveInt('seqLen', options.seqLen);
    if (ids.length < this.seqLen + 1) {
      throw new Error(`expected at least ${this.seqLen + 1} tokens for sequence length ${this.seqLen}, got ${ids.length}`);
    }
    this.ids = ids;
    this.rng = options.rng ?? defaultRng();
    this.numStarts = ids.length - this.seqLen;
    const size = this.batchSize * this.seqLen;
    this.batch = { inputs: new Int32Array(size), targets: new Int32Array(size), starts: new Int32Array(this.batchSize) };
  }

  /** The next batch (same object and buffers as the previous call, refilled). */
  next(): WindowBatch {
    const { ids, seqLen: T } = this;
    const { inputs, targets, starts } = this.batch;
    for (let b = 0; b < this.batchSize; b++) {
      const s = this.rng.int(this.numStarts);
      starts[b] = s;
      const row = b * T;
      for (let t = 0; t < T; t++) {
        inputs[row + t] = ids[s + t];
        targets[row + t] = ids[s + t + 1];
      }
    }
    return this.batch;
  }
}

/** One chunk of the parallel streams; the arrays are reused by the next call. */
export interface StreamChunk {
  /** [B, length] token ids: row b is stream b at offsets position .. position + length − 1. */
  readonly inputs: Int32Array;
  /** [B, length] next-token ids. */
  readonly targets: Int32Array;
  /** Time steps in this chunk: seqLen, except possibly the epoch's last chunk (the remainder). */
  readonly length: number;
  /** Offset of this chunk within each stream. */
  readonly position: number;
  /** The epoch this chunk belongs to (0-based). */
  readonly epoch: number;
  /** Whether this chunk starts the streams (position 0): carried state must be reset. */
  readonly first: boolean;
  /** Whether this chunk ends the epoch. */
  readonly last: boolean;
}

/** Where a StreamBatcher is, for checkpoints; the sizes are kept to refuse a mismatched resume. */
export interface StreamBatcherState {
  readonly position: number;
  readonly epoch: number;
  readonly batchSize: number;
  readonly seqLen: number;
  readonly streamLength: number;
}

export interface StreamBatcherOptions {
  readonly batchSize: number;
  readonly seqLen: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Splits ids into B contiguous streams and yields consecutive [B, T] chunks of them.
 *
 * With n tokens and L = floor((n − 1) / B), stream b reads ids[b·L .. b·L + L] (L + 1 tokens,
 * L predictions); consecutive streams share one boundary token, so across one epoch every target
 * position 1 .. B·L is predicted exactly once. The last (n − 1) mod B targets (fewer than B) are
 * not covered; with B = 1 (see evalChunks) the whole text is. The final chunk of an epoch holds the
 * remaining L mod T steps when T does not divide L. After an epoch's last chunk, the next call to
 * next() starts the following epoch at position 0 (its chunk reports `first`, and `epoch` goes up).
 */
export class StreamBatcher {
  readonly batchSize: number;
  readonly seqLen: number;
  /** L: predictions per stream per epoch. */
  readonly streamLength: number;
  /** Chunks per epoch: ceil(L / T). */
  readonly chunksPerEpoch: number;
  private readonly ids: Int32Array;
  private pos = 0;
  private epochIndex = 0;
  private readonly full: { inputs: Int32Array; targets: Int32Array };
  private readonly tail: { inputs: Int32Array; targets: Int32Array };
  private readonly chunk: Mutable<StreamChunk>;

  constructor(ids: Int32Array, options: StreamBatcherOptions) {
    this.batchSize = checkPositiveInt('batchSize', options.batchSize);
    this.seqLen = checkPositiveInt('seqLen', options.seqLen);
    const B = this.batchSize, T = this.seqLen;
    if (ids.length < B + 1) throw new Error(`expected at least ${B + 1} tokens for ${B} parallel streams, got ${ids.length}`);
    this.ids = ids;
    this.streamLength = Math.floor((ids.length - 1) / B);
    this.chunksPerEpoch = Math.ceil(this.streamLength / T);
    // Sized by the chunks there can be, not by the request: a seqLen past the streams (eval
    // --seq-len 1000000000 on a page of text) reads each stream in one chunk.
    const width = Math.min(T, this.streamLength);
    this.full = { inputs: new Int32Array(B * width), targets: new Int32Array(B * width) };
    // The shorter last chunk uses views of the same buffers, made once, so no call allocates.
    const rest = this.streamLength % T || T;
    this.tail = { inputs: this.full.inputs.subarray(0, B * rest), targets: this.full.targets.subarray(0, B * rest) };
    this.chunk = { ...this.full, length: T, position: 0, epoch: 0, first: true, last: false };
  }

  /** Offset within each stream of the next chunk (0 ≤ position ≤ streamLength). */
  get position(): number { return this.pos; }

  /** 0-based index of the epoch being read (or just finished, while position === streamLength). */
  get epoch(): number { return this.epochIndex; }

  /** The next chunk; wraps to a new epoch after the last one. Same object every call, refilled. */
  next(): StreamChunk {
    if (this.pos >= this.streamLength) { this.pos = 0; this.epochIndex++; }
    const B = this.batchSize, L = this.streamLength, ids = this.ids, p = this.pos;
    const length = Math.min(this.seqLen, L - p);
    const { inputs, targets } = length === this.seqLen ? this.full : this.tail;
    for (let b = 0; b < B; b++) {
      const src = b * L + p, row = b * length;
      for (let t = 0; t < length; t++) {
        inputs[row + t] = ids[src + t];
        targets[row + t] = ids[src + t + 1];
      }
    }
    const c = this.chunk;
    c.inputs = inputs; c.targets = targets; c.length = length; c.position = p;
    c.epoch = this.epochIndex; c.first = p === 0; c.last = p + length === L;
    this.pos = p + length;
    return c;
  }

  /** The chunks from the current position to the end of this epoch (for an evaluation pass). */
  *rest(): Generator<StreamChunk, void, undefined> {
    if (this.pos >= this.streamLength) return;
    while (true) {
      const c = this.next();
      yield c;
      if (c.last) return;
    }
  }

  /** Back to the start of the streams (epoch unchanged). */
  reset(): void { this.pos = 0; }

  /** Position and epoch, for checkpoints. */
  stateDict(): StreamBatcherState {
    return { position: this.pos, epoch: this.epochIndex, batchSize: this.batchSize, seqLen: this.seqLen, streamLength: this.streamLength };
  }

  /** Restores stateDict() output; throws if it came from a batcher of other sizes. */
  loadStateDict(state: StreamBatcherState): void {
    for (const key of ['batchSize', 'seqLen', 'streamLength'] as const) {
      if (state[key] !== this[key]) throw new Error(`expected a stream batcher state with ${key} ${this[key]}, got ${String(state[key])}`);
    }
    const { position, epoch } = state;
    if (!Number.isInteger(position) || position < 0 || position > this.streamLength) {
      throw new Error(`expected position in [0, ${this.streamLength}], got ${String(position)}`);
    }
    if (!Number.isInteger(epoch) || epoch < 0) throw new Error(`expected a non-negative integer epoch, got ${String(epoch)}`);
    this.pos = position;
    this.epochIndex = epoch;
  }
}

/**
 * Batch-1 chunks of T steps (the last one shorter) covering every target of `ids` exactly once, in
 * order: the evaluation pass of a whole text with state carried across chunks.
 */
export function evalChunks(ids: Int32Array, seqLen: number): Generator<StreamChunk, void, undefined> {
  return new StreamBatcher(ids, { batchSize: 1, seqLen }).rest();
}
