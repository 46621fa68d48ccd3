// The forward-and-backward part of a character-model training step, on one thread or data-parallel
// over several: the batch [B, T] is cut into contiguous shares of sequences, the main thread runs the
// first share while each worker (./grad_worker.ts) runs one of the others on a replica with the same
// parameters, and the gradients are summed in share order, each weighted by its share of the batch:
//   ∂L/∂θ = Σ_i (B_i / B) ∂L_i/∂θ,   L = Σ_i (B_i / B) L_i   (L_i: mean loss over share i)
// which is the full batch's mean-loss gradient, whatever the timing, up to float32 rounding. Each
// share backpropagates its weight B_i / B from the start, so the main thread only adds (one pass over
// the parameters: this part of the step is serial, with the workers idle).
// Stateful training (truncated BPTT) cuts the carried state along the same rows: each thread starts
// its share from its rows of the state and hands back its rows of the final state.
// The optimizer step stays with the caller, on the main thread, so there is one set of parameters.

import { Worker } from 'node:worker_threads';
import { getBackend } from '../../backend/backend.js';
import { Storage } from '../../backend/storage.js';
import { Tensor } from '../../tensor/tensor.js';
import type { CharModel, CharModelState } from '../char_model.js';
import { localForwardBackward } from './local_step.js';
import { CTRL, sharedBytes, sharedViews, type SharedViews } from './layout.js';
import { packedStateFloats, packRows, unpackState } from './state_rows.js';
import { concat, slice } from '../../autograd/ops/shape_ops.js';
import { noGrad } from '../../autograd/grad_mode.js';
import type { GradWorkerData } from './grad_worker.js';

export interface TrainStep {
  /** Threads the step runs on (1: this thread only). */
  readonly threads: number;
  /**
   * Forward and backward of inputs [B, T] against targets [B, T] (row-major ids): afterwards each
   * parameter's `.grad` holds ∂(mean cross-entropy)/∂θ added to what it held. Returns the mean loss
   * and the final state (each tensor [L, B, H]; null from a data-parallel step that was not made
   * `stateful`, which also refuses an initial `state`).
   */
  run(inputs: Int32Array, targets: Int32Array, B: number, T: number, state?: CharModelState | null): { loss: number; state: CharModelState | null };
  /** Stops the workers. */
  close(): Promise<void>;
}

export interface TrainStepOptions {
  /** Threads to use (the batch is never cut into shares of fewer than one sequence). */
  threads: number;
  /** Largest batch and time length run() will be given (sizes the shared memory). */
  batchSize: number;
  seqLen: number;
  /** Carry a recurrent state through run() (truncated BPTT); sizes the shared state rows. */
  stateful?: boolean;
  /** When a worker cannot start, run on one thread instead of failing (for an automatic thread count). */
  fallback?: boolean;
}

// dst[j] += src[from + j] over dst, through the backend (a wasm kernel: this runs while the workers wait).
function addShare(dst: Storage, src: Float32Array, from: number): void {
  const n = dst.length;
  getBackend().addInto(Storage.wrap(src.subarray(from, from + n)), 0, dst, 0, n);
}

/** Sequences in each of n shares of a batch of B: as equal as possible, the larger ones first. */
export function shareSizes(B: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.floor(B / n) + (i < B % n ? 1 : 0));
}

class SingleThreadStep implements TrainStep {
  readonly threads = 1;
  constructor(private readonly model: CharModel) {}
  run(inputs: Int32Array, targets: Int32Array, B: number, T: number, state: CharModelState | null = null): { loss: number; state: CharModelState } {
    return localForwardBackward(this.model, inputs, targets, B, T, state);
  }
  async close(): Promise<void> {}
}

// How long the main thread waits for a worker before deciding it died (a step never takes this long).
const WORKER_TIMEOUT_MS = 10 * 60 * 1000;

class DataParallelStep implements TrainStep {
  private seq = 0;
  private closed = false;
  constructor(
    private readonly model: CharModel,
    private readonly workers: Worker[],
    private readonly shared: SharedViews[],
    private readonly maxTokens: number,
    private readonly stateful: boolean,
  ) {}

  get threads(): number { return this.workers.length + 1; }

  run(inputs: Int32Array, targets: Int32Array, B: number, T: number, state: CharModelState | null = null): { loss: number; state: CharModelState | null } {
    if (this.closed) throw new Error('this training step was closed');
    if (state !== null && !this.stateful) throw new Error('expected no recurrent state for a data-parallel step made without `stateful`, got one');
    if (inputs.length !== B * T || targets.length !== B * T) {
      throw new Error(`expected ${B * T} input and target ids for a batch [${B}, ${T}], got ${inputs.length} and ${targets.length}`);
    }
    const n = Math.min(this.threads, B);
    const sizes = shareSizes(B, n);
    if (sizes[1] * T > this.maxTokens) throw new Error(`expected at most ${this.maxTokens} tokens per share, got ${sizes[1] * T}`);
    const stateRoom = this.shared[0].state.length, stateNeed = this.stateful ? packedStateFloats(this.model.config, sizes[1]) : 0;
    if (stateNeed > stateRoom) throw new Error(`expected at most ${stateRoom} state floats per share, got ${stateNeed} (a batch larger than the step was made for)`);
    const params = this.model.parameters();
    const config = this.model.config;
    const dropout = config.dropout > 0;
    this.seq++;
    // Hand out shares 1..n-1 first, so the workers start while this thread runs share 0.
    let row = sizes[0];
    for (let w = 0; w < n - 1; w++) {
      const v = this.shared[w], Bw = sizes[w + 1];
      let at = 0;
      for (const p of params) { v.params.set(p.dataSync(), at); at += p.size; }
      v.inputs.set(inputs.subarray(row * T, (row + Bw) * T));
      v.targets.set(targets.subarray(row * T, (row + Bw) * T));
      v.ctrl[CTRL.batch] = Bw; v.ctrl[CTRL.steps] = T;
      v.loss[1] = Bw / B;
      v.ctrl[CTRL.seed] = dropout ? (this.model.rng ? this.model.rng.nextUint32() : Math.floor(Math.random() * 2 ** 32)) | 0 : 0;
      if (state !== null) packRows(config, state, B, row, Bw, v.state);
      v.ctrl[CTRL.stateIn] = state !== null ? 1 : 0;
      v.ctrl[CTRL.stateOut] = this.stateful ? 1 : 0;
      Atomics.store(v.ctrl, CTRL.request, this.seq);
      Atomics.notify(v.ctrl, CTRL.request);
      row += Bw;
    }
    // The caller's gradient so far (normally none) is kept aside: the shares' weights apply to this step only.
    const before = params.map((p) => p.grad);
    for (const p of params) p.grad = null;
    let main: { loss: number; state: CharModelState };
    try {
      const mine = state !== null ? noGrad(() => state.map((t) => slice(t, 1, 0, sizes[0]))) : null;
      main = localForwardBackward(this.model, inputs.subarray(0, sizes[0] * T), targets.subarray(0, sizes[0] * T), sizes[0], T, mine, sizes[0] / B);
    } finally {
      for (let w = 0; w < n - 1; w++) this.await(w);
    }
    for (let w = 0; w < n - 1; w++) {
      const v = this.shared[w];
      if (v.ctrl[CTRL.status] !== 0) {
        params.forEach((p, i) => { p.grad = before[i]; });
        const msg = new TextDecoder().decode(v.error.slice(0, v.ctrl[CTRL.errorLength]));
        throw new Error(`training worker ${w + 1} failed: ${msg}`);
      }
    }
    // Σ_i (B_i/B) g_i in share order (each g_i came weighted), then added to the caller's gradient.
    let loss = (sizes[0] / B) * main.loss, at = 0;
    for (let w = 0; w < n - 1; w++) loss += (sizes[w + 1] / B) * this.shared[w].loss[0];
    params.forEach((p, i) => {
      const g = p.grad === null ? new Storage('float32', p.size) : p.grad.storage;
      for (let w = 0; w < n - 1; w++) addShare(g, this.shared[w].grads, at);
      const prior = before[i];
      if (prior !== null) getBackend().addInto(g, 0, prior.storage, 0, p.size);
      p.grad = prior ?? (p.grad ?? new Tensor(g, p.shape));
      at += p.size;
    });
    if (!this.stateful) return { loss, state: null };
    // The batch's final state: the shares' rows [L, B_i, H] joined along the batch axis, in share order.
    const theirs = this.shared.slice(0, n - 1).map((v, w) => unpackState(config, v.state, sizes[w + 1]));
    return { loss, state: noGrad(() => main.state.map((t, k) => concat([t, ...theirs.map((st) => st[k])], 1))) };
  }

  private await(w: number): void {
    const ctrl = this.shared[w].ctrl;
    const t0 = Date.now();
    for (;;) {
      const done = Atomics.load(ctrl, CTRL.done);
      if (done === this.seq) return;
      if (Date.now() - t0 > WORKER_TIMEOUT_MS) throw new Error(`training worker ${w + 1} stopped responding`);
      Atomics.wait(ctrl, CTRL.done, done, 1000);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const v of this.shared) { Atomics.store(v.ctrl, CTRL.request, -1); Atomics.notify(v.ctrl, CTRL.request); }
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function startWorker(data: GradWorkerData): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./grad_worker.js', import.meta.url), { workerData: data });
    const fail = (err: unknown): void => { reject(err instanceof Error ? err : new Error(String(err))); };
    w.once('error', fail);
    w.once('exit', (code) => fail(new Error(`training worker exited with code ${code} before it was ready`)));
    w.once('message', (m) => {
      if (m !== 'ready') { fail(new Error(`expected 'ready' from the training worker, got ${String(m)}`)); return; }
      w.removeAllListeners('error'); w.removeAllListeners('exit');
      w.on('error', () => { /* reported through the shared status or the wait timeout */ });
      w.unref();
      resolve(w);
    });
  });
}

/**
 * The training step for `model` on `threads` threads (1: no workers). Workers build their replica
 * from model.config; parameters travel through shared memory on every run(), so the caller may
 * change them freely between runs (the optimizer does).
 */
export async function createTrainStep(model: CharModel, o: TrainStepOptions): Promise<TrainStep> {
  const n = Math.min(o.threads, o.batchSize);
  if (!Number.isInteger(o.threads) || o.threads < 1) throw new Error(`expected threads >= 1, got ${String(o.threads)}`);
  if (n <= 1) return new SingleThreadStep(model);
  const P = model.parameters().reduce((s, p) => s + p.size, 0);
  const maxTokens = shareSizes(o.batchSize, n)[1] * o.seqLen;
  const stateFloats = o.stateful ? packedStateFloats(model.config, shareSizes(o.batchSize, n)[1]) : 0;
  const shared: SharedViews[] = [];
  const workers: Worker[] = [];
  try {
    for (let w = 0; w < n - 1; w++) {
      const buffer = new SharedArrayBuffer(sharedBytes(P, maxTokens, stateFloats));
      shared.push(sharedViews(buffer, P, maxTokens, stateFloats));
      workers.push(await startWorker({ config: { ...model.config }, buffer, P, maxTokens, stateFloats, backend: getBackend().name }));
    }
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()));
    if (o.fallback) return new SingleThreadStep(model);
    throw err;
  }
  return new DataParallelStep(model, workers, shared, maxTokens, o.stateful ?? false);
}
