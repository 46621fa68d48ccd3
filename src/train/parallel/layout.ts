// The shared memory between the main thread and one gradient worker: a SharedArrayBuffer holding
// control words, the loss, an error message, the parameters (main → worker), the worker's gradient
// (worker → main; weighted by the share's part of the batch), the worker's share of the batch and, for stateful training, its rows of the
// recurrent state (initial state main → worker, final state worker → main, in the same place).
// Both sides build the same views from (parameter count P, most tokens per share, state floats).

/** Indices into the Int32 control words. */
export const CTRL = {
  /** Sequence number of the latest request (main writes; -1 asks the worker to stop). */
  request: 0,
  /** Sequence number of the latest finished request (worker writes). */
  done: 1,
  /** 0: the finished request succeeded; 1: it threw (message in the error bytes). */
  status: 2,
  /** Sequences in this share. */
  batch: 3,
  /** Time steps. */
  steps: 4,
  /** Seed of the worker's dropout masks for this step. */
  seed: 5,
  /** Bytes of the error message. */
  errorLength: 6,
  /** 1: the state region holds the share's initial recurrent state; 0: start from zeros. */
  stateIn: 7,
  /** 1: write the share's final recurrent state into the state region. */
  stateOut: 8,
} as const;

const CTRL_BYTES = 64;
const LOSS_AT = 64;
const ERROR_AT = 128;
export const ERROR_BYTES = 1024;
const DATA_AT = ERROR_AT + ERROR_BYTES;

export interface SharedViews {
  readonly buffer: SharedArrayBuffer;
  readonly ctrl: Int32Array;
  /**
   * [0]: the mean loss over the worker's share (worker writes); [1]: the share's weight B_share / B,
   * which its gradient comes multiplied by (main writes).
   */
  readonly loss: Float64Array;
  readonly error: Uint8Array;
  /** All parameters, concatenated in namedParameters() order: [P]. */
  readonly params: Float32Array;
  /** The worker's gradient of its share's mean loss times the share's weight, same layout: [P]. */
  readonly grads: Float32Array;
  /** The share's input and target ids, [Bshare, T] row-major, up to maxTokens. */
  readonly inputs: Int32Array;
  readonly targets: Int32Array;
  /**
   * The share's recurrent state, each state tensor [L, Bshare, H] packed one after another
   * (h, then c for an LSTM), up to stateFloats. Empty when the run is not stateful.
   */
  readonly state: Float32Array;
}

export function sharedBytes(P: number, maxTokens: number, stateFloats = 0): number {
  return DATA_AT + 8 * P + 8 * maxTokens + 4 * stateFloats;
}

export function sharedViews(buffer: SharedArrayBuffer, P: number, maxTokens: number, stateFloats = 0): SharedViews {
  if (buffer.byteLength < sharedBytes(P, maxTokens, stateFloats)) {
    throw new Error(`expected a shared buffer of at least ${sharedBytes(P, maxTokens, stateFloats)} bytes, got ${buffer.byteLength}`);
  }
  const paramsAt = DATA_AT, gradsAt = paramsAt + 4 * P, inAt = gradsAt + 4 * P, tgAt = inAt + 4 * maxTokens, stAt = tgAt + 4 * maxTokens;
  return {
    buffer,
    ctrl: new Int32Array(buffer, 0, CTRL_BYTES / 4),
    loss: new Float64Array(buffer, LOSS_AT, 2),
    error: new Uint8Array(buffer, ERROR_AT, ERROR_BYTES),
    params: new Float32Array(buffer, paramsAt, P),
    grads: new Float32Array(buffer, gradsAt, P),
    inputs: new Int32Array(buffer, inAt, maxTokens),
    targets: new Int32Array(buffer, tgAt, maxTokens),
    state: new Float32Array(buffer, stAt, stateFloats),
  };
}
