// The memory the two threads of a split LSTM sampler share (./lstm_split_step.ts): control words,
// the hidden states h of every layer, double-buffered by step parity (one buffer is read as the
// previous state while the other receives the new one), and the cell states c.
// L = layers, H = hidden.

export const SPLIT = {
  /** Sequence number of the step asked for (main writes; -1: stop). */
  request: 0,
  /** Token id fed at that step. */
  token: 1,
  /** Progress counters, main then worker: s·L + l + 1 once layer l of step s is written. */
  progressMain: 2,
  progressWorker: 3,
  /** 0 starting, 1 ready, 2 failed (message in the error bytes). */
  ready: 4,
  errorLength: 5,
} as const;

const CTRL_BYTES = 64, ERROR_BYTES = 512;

export interface SplitViews {
  readonly buffer: SharedArrayBuffer;
  readonly ctrl: Int32Array;
  readonly error: Uint8Array;
  /** h[parity][l] : [H] views. */
  readonly h: Float32Array[][];
  /** c[l] : [H] views. */
  readonly c: Float32Array[];
}

export function splitBytes(L: number, H: number): number {
  return CTRL_BYTES + ERROR_BYTES + 4 * 3 * L * H;
}

export function splitViews(buffer: SharedArrayBuffer, L: number, H: number): SplitViews {
  const at = CTRL_BYTES + ERROR_BYTES;
  const view = (i: number): Float32Array => new Float32Array(buffer, at + 4 * i * H, H);
  return {
    buffer,
    ctrl: new Int32Array(buffer, 0, CTRL_BYTES / 4),
    error: new Uint8Array(buffer, CTRL_BYTES, ERROR_BYTES),
    h: [0, 1].map((p) => Array.from({ length: L }, (_, l) => view(p * L + l))),
    c: Array.from({ length: L }, (_, l) => view(2 * L + l)),
  };
}

/**
 * Waits until ctrl[index] >= target: spins briefly (the other thread is usually a few microseconds
 * behind), then sleeps in Atomics.wait. Throws after `timeoutMs` without progress.
 */
export function waitAtLeast(ctrl: Int32Array, index: number, target: number, timeoutMs = 60_000): number {
  for (let spin = 0; spin < 20_000; spin++) {
    const v = Atomics.load(ctrl, index);
    if (v >= target || v < 0) return v;
  }
  const t0 = Date.now();
  for (;;) {
    const v = Atomics.load(ctrl, index);
    if (v >= target || v < 0) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error('the other sampling thread stopped responding');
    Atomics.wait(ctrl, index, v, 100);
  }
}

export function writeError(v: SplitViews, err: unknown): void {
  const bytes = new TextEncoder().encode(String(err instanceof Error ? err.message : err)).subarray(0, ERROR_BYTES);
  v.error.set(bytes);
  v.ctrl[SPLIT.errorLength] = bytes.length;
}

export function readError(v: SplitViews): string {
  return new TextDecoder().decode(v.error.slice(0, v.ctrl[SPLIT.errorLength]));
}
