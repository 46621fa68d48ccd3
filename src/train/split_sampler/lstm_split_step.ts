// Batch-1 stepping of an embedding → stacked LSTM → linear head on two threads (sampling): the hidden
// units of every layer are cut in two, the main thread keeping [0, H/2) and a worker
// (./lstm_split_worker.ts) [H/2, H), each with its rows of the weights resident in its own
// WebAssembly memory, so each streams half of the weights per character. Layer by layer both
// compute their half of h and c into shared memory and wait for the other's half (the layer above
// needs all of h); the main thread then applies the head. Node only (worker_threads, loaded at run
// time so that browser bundles never see it). The same numbers as LstmStackStepper to float32 rounding.

import type { Worker as NodeWorker } from 'node:worker_threads';
import type { WasmExports } from '../../backend/wasm/module.js';
import type { LstmStackWeights } from '../lstm_stack_stepper.js';
import { LstmSliceStep, sliceLstmWeights } from './lstm_slice.js';
import { SPLIT, readError, splitBytes, splitViews, waitAtLeast, type SplitViews } from './lstm_split_shared.js';
import type { SplitWorkerData } from './lstm_split_worker.js';

type WorkerThreads = typeof import('node:worker_threads');

function workerThreads(): WorkerThreads | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof SharedArrayBuffer !== 'function' || typeof p?.getBuiltinModule !== 'function') return null;
  return (p.getBuiltinModule('node:worker_threads') as WorkerThreads | undefined) ?? null;
}

/** Whether two-thread stepping can run here (Node with worker_threads and SharedArrayBuffer). */
export function splitSamplingSupported(): boolean {
  return workerThreads() !== null;
}

export class SplitLstmStackStepper {
  private s = 0;
  private closed = false;
  private readonly L: number;
  private readonly H: number;
  private readonly half: number;
  private readonly out: Float32Array;
  private readonly cOwn: Float32Array;
  private readonly hOut: Float32Array;

  private constructor(
    private readonly slice: LstmSliceStep, private readonly v: SplitViews, private readonly worker: NodeWorker, w: LstmStackWeights,
  ) {
    this.L = w.layers.length; this.H = w.H; this.half = Math.ceil(w.H / 2);
    this.out = new Float32Array(w.V);
    this.cOwn = new Float32Array(this.half);
    this.hOut = new Float32Array(this.half);
  }

  /**
   * Starts the worker and waits (blocking, up to `timeoutMs`) until it holds its weights. Returns null
   * where threads are unavailable or H < 2; throws if the worker fails to start.
   */
  static create(e: WasmExports, w: LstmStackWeights, timeoutMs = 30_000): SplitLstmStackStepper | null {
    const wt = workerThreads();
    if (wt === null || w.H < 2) return null;
    const L = w.layers.length, half = Math.ceil(w.H / 2);
    const buffer = new SharedArrayBuffer(splitBytes(L, w.H));
    const v = splitViews(buffer, L, w.H);
    const data: SplitWorkerData = { buffer, slice: sliceLstmWeights(w, half, w.H) };
    const worker = new wt.Worker(new URL('./lstm_split_worker.js', import.meta.url), { workerData: data });
    worker.unref();
    worker.on('error', () => { /* reported through the shared ready word or progress */ });
    const slice = new LstmSliceStep(e, sliceLstmWeights(w, 0, half), w.headWeight, w.headBias);
    const t0 = Date.now();
    while (Atomics.load(v.ctrl, SPLIT.ready) === 0 && Date.now() - t0 < timeoutMs) Atomics.wait(v.ctrl, SPLIT.ready, 0, 50);
    const ready = Atomics.load(v.ctrl, SPLIT.ready);
    if (ready !== 1) {
      void worker.terminate();
      throw new Error(`the sampling worker did not start: ${ready === 2 ? readError(v) : `no answer in ${timeoutMs} ms`}`);
    }
    return new SplitLstmStackStepper(slice, v, worker, w);
  }

  /** Sets the state (h, c each [L, H]; zeros when omitted). */
  reset(h?: ArrayLike<number>, c?: ArrayLike<number>): void {
    const cur = this.v.h[(this.s + 1) & 1];
    for (let l = 0; l < this.L; l++) {
      for (let j = 0; j < this.H; j++) {
        cur[l][j] = h ? h[l * this.H + j] : 0;
        this.v.c[l][j] = c ? c[l * this.H + j] : 0;
      }
    }
  }

  /** The state after the last step: h and c, each [L, H]. */
  state(): { h: Float32Array; c: Float32Array } {
    const h = new Float32Array(this.L * this.H), c = new Float32Array(this.L * this.H);
    const cur = this.v.h[(this.s + 1) & 1];
    for (let l = 0; l < this.L; l++) { h.set(cur[l], l * this.H); c.set(this.v.c[l], l * this.H); }
    return { h, c };
  }

  /** Feeds token `id`; returns the logits [V] (a buffer reused by the next call). */
  step(id: number): Float32Array {
    if (this.closed) throw new Error('this sampler was closed');
    const { v, L, half } = this;
    if (!(Number.isInteger(id) && id >= 0 && id < this.out.length)) throw new Error(`expected a token id in [0, ${this.out.length}), got ${id}`);
    const s = ++this.s;
    v.ctrl[SPLIT.token] = id;
    Atomics.store(v.ctrl, SPLIT.request, s);
    Atomics.notify(v.ctrl, SPLIT.request);
    const old = v.h[s & 1], next = v.h[(s + 1) & 1];
    for (let l = 0; l < L; l++) {
      if (l > 0) this.waitWorker(s * L + l);
      this.cOwn.set(v.c[l].subarray(0, half));
      this.slice.layer(l, id, l > 0 ? next[l - 1] : next[0], old[l], this.cOwn, this.hOut);
      v.c[l].set(this.cOwn);
      next[l].set(this.hOut);
      Atomics.store(v.ctrl, SPLIT.progressMain, s * L + l + 1);
      Atomics.notify(v.ctrl, SPLIT.progressMain);
    }
    this.waitWorker(s * L + L);
    this.slice.logitsOf(next[L - 1], this.out);
    return this.out;
  }

  private waitWorker(target: number): void {
    if (waitAtLeast(this.v.ctrl, SPLIT.progressWorker, target) < 0) {
      this.closed = true;
      throw new Error(`the sampling worker failed: ${readError(this.v)}`);
    }
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.v.ctrl, SPLIT.request, -1);
    Atomics.notify(this.v.ctrl, SPLIT.request);
    await this.worker.terminate();
  }
}
