// Worker threads that compute on the module's shared linear memory, so that plain library code
// (forward, backward, the optimizer step, sampling) uses every core. Each worker instantiates the
// same compiled module over the same memory; a kernel that pays for it is cut into parts (rows of a
// product, batch rows of a time loop, ranges of an element-wise map), the main thread posts the
// parts in a small control block and wakes the workers; then every thread, the main one included,
// takes the next part not yet taken (one compare-and-swap on a job word) until none is left, and the
// main thread waits until all are done (spinning only briefly: measured here, a thread spinning
// beside one that computes slowed the latter up to fivefold, so both sides soon sleep on
// Atomics.wait instead). Parts are taken, not assigned, because this machine's two vCPUs do not run
// at one speed (the host takes the second at times) and a sleeping worker wakes 0.1–0.5 ms late:
// with parts fixed per thread, the main thread waited that long at every kernel; taken, the faster
// thread does more of them, and a kernel may be cut into more parts than threads so that the
// slower one holds up at most one small part. Which thread computes a part never changes what it
// computes, so results do not depend on the thread count (bitwise, except where a part sums what
// one thread would have summed in another order).
//
// How long an idle worker spins is a control word (WorkerPool.spin), so that it can be compared
// within one process. Alternated that way on 2026-12-04 (the README-style loop, GRU and LSTM at
// H = 128 and 512), 2,000,000 checks (milliseconds: the worker then hardly sleeps within a step)
// made steps 0.6–8% faster than the default 2,000 in 8 of 9 comparisons and 3% slower in one; a
// worker asleep between kernels wakes 0.1–0.5 ms late, about half of the main thread's waits.
// The default stays short until a machine whose two threads share a core has been measured too.
//
// The workers' code is a self-contained function turned into source (no imports), so the same pool
// runs in Node (worker_threads, eval) and in a browser (a Blob URL): a page must be cross-origin
// isolated for shared memory, and without it the pool has one thread. UNFOLD_THREADS sets the count
// (1 turns the pool off); setThreads() changes it at run time. An idle pool costs nothing.

/** Names of the module's exports a part may call (the order is the wire code). */
export const POOL_FUNCTIONS = [
  'sgemmLd', 'lstmForwardSeq', 'lstmBackwardSeq', 'gruForwardSeq', 'gruBackwardSeq', 'rnnForwardSeq', 'rnnBackwardSeq',
  'binarySame', 'affine', 'adamUpdate', 'sgdUpdate', 'crossEntropyForward', 'crossEntropyBackward', 'softmaxRows',
  'unaryMap', 'unaryGrad', 'colSumsRange',
] as const;
export type PoolFunction = typeof POOL_FUNCTIONS[number];

// Control words (Int32Array over `ctrl`): the job sequence number, parts done, a stop flag, an error
// flag, how many workers are up, how long an idle worker spins before it sleeps, and the job word:
// generation (bits 16–31) | parts (bits 8–15) | next part to take (bits 0–7). A part is taken by one
// compare-and-swap of the whole word, so a thread still taking parts of a finished job can only
// take parts of the job posted after it (whose slots were written before its word), never one twice.
// Last, how many threads take parts (workers with a higher index stay idle).
const SEQ = 0, DONE = 1, STOP = 2, FAILED = 3, READY = 4, SPIN = 5, JOB = 6, SIZE = 7;
const CTRL_WORDS = 8;
/** Checks of the job word an idle worker makes before it sleeps (see workerMain). */
const DEFAULT_SPIN = 2000;
// Argument slots (Float64Array over `args`): per part, the function code, the argument count and the arguments.
const SLOT = 32;
/** Most parts one run may have (the job word keeps the count in 8 bits). */
export const MAX_PARTS = 64;

interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrl: SharedArrayBuffer;
  args: SharedArrayBuffer;
  index: number;
  names: readonly string[];
}

// The worker's whole program: self-contained (it is sent as source), plain JavaScript semantics.
function workerMain(d: WorkerInit): void {
  const exp = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports as Record<string, (...a: number[]) => unknown>;
  const fns = d.names.map((n) => exp[n]);
  const ctrl = new Int32Array(d.ctrl), args = new Float64Array(d.args);
  Atomics.add(ctrl, 4, 1); // READY
  let seen = 0; // the control block starts at 0: a job posted before this thread started is still new
  for (;;) {
    // Spin briefly (a step's kernels come in bursts), then sleep until the next job: a thread that
    // spins long takes execution resources from the thread doing the serial work in between.
    let seq = Atomics.load(ctrl, 0);
    const spin = Atomics.load(ctrl, 5); // SPIN
    for (let i = 0; seq === seen && i < spin; i++) seq = Atomics.load(ctrl, 0);
    if (seq === seen) { Atomics.wait(ctrl, 0, seen); seq = Atomics.load(ctrl, 0); }
    if (Atomics.load(ctrl, 2) !== 0) return;
    if (seq === seen) continue;
    seen = seq;
    if (d.index >= Atomics.load(ctrl, 7)) continue; // SIZE: this worker is not in use
    // Take parts until none is left (JOB: generation | parts << 8 | next).
    for (;;) {
      const job = Atomics.load(ctrl, 6);
      const next = job & 255;
      if (next >= ((job >>> 8) & 255)) break;
      if (Atomics.compareExchange(ctrl, 6, job, job + 1) !== job) continue;
      const base = next * 32; // SLOT
      const n = args[base + 1];
      const a: number[] = [];
      for (let i = 0; i < n; i++) a.push(args[base + 2 + i]);
      try { fns[args[base]](...a); } catch { Atomics.store(ctrl, 3, 1); }
      Atomics.add(ctrl, 1, 1);
      Atomics.notify(ctrl, 1);
    }
  }
}

let canWait = true;
/** Per function: calls, time taking parts here, time waiting for the others, parts, parts done here (diagnostics). */
export const stats: Record<string, { calls: number; mine: number; wait: number; parts: number; here: number }> = {};

type NodeWorker = { unref(): void; terminate(): Promise<number>; on(ev: string, f: (e: unknown) => void): void };
type Spawn = (source: string, init: WorkerInit) => NodeWorker | null;

// How this platform starts a worker from source, or null where it cannot.
function spawner(): Spawn | null {
  const g = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown }; Worker?: unknown; Blob?: unknown; URL?: { createObjectURL?(b: unknown): string } };
  const wt = g.process?.getBuiltinModule?.('node:worker_threads') as { Worker: new (src: string, o: object) => NodeWorker } | undefined;
  if (wt !== undefined) {
    return (source, init) => {
      const w = new wt.Worker(`(${source})(require('node:worker_threads').workerData)`, { eval: true, workerData: init });
      w.unref();
      return w;
    };
  }
  if (typeof g.Worker === 'function' && typeof g.Blob === 'function' && typeof g.URL?.createObjectURL === 'function') {
    const W = g.Worker as new (url: string) => NodeWorker & { postMessage(m: unknown): void };
    const B = g.Blob as new (parts: string[], o: object) => unknown;
    return (source, init) => {
      const url = g.URL!.createObjectURL!(new B([`onmessage = (e) => (${source})(e.data);`], { type: 'text/javascript' }));
      const w = new W(url);
      w.postMessage(init);
      return { unref: () => {}, terminate: async () => { (w as unknown as { terminate(): void }).terminate(); return 0; }, on: () => {} };
    };
  }
  return null;
}

/** Splits [0, n) into at most `parts` ranges whose inner boundaries are multiples of `align`, each at least `least` long. */
export function ranges(n: number, parts: number, align: number, least: number): [number, number][] {
  const k = Math.max(1, Math.min(parts, Math.floor(n / Math.max(least, 1))));
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < k; i++) {
    let end = i === k - 1 ? n : Math.round(((i + 1) * n) / k / align) * align;
    end = Math.min(n, Math.max(end, start));
    if (end > start) out.push([start, end]);
    start = end;
  }
  return out;
}

/**
 * How many parts to cut n rows into for `threads` threads: one per thread, or with `perThread` > 1
 * up to that many per thread while each keeps at least `fewest` rows (so a slowed thread holds up
 * one small part; run() lets the threads take them). Always a multiple of `threads`: three equal
 * parts on two threads keep one thread idle for a third of the kernel (GRU H = 128's dW_hh, 384
 * rows of at least 128, waited 0.8 ms a step that way).
 */
export function partCount(n: number, threads: number, perThread: number, fewest: number): number {
  const p = Math.max(threads, Math.min(threads * perThread, Math.floor(n / fewest)));
  return p - (p % threads);
}

/** A pool of threads (this one included) computing on one memory: `capacity` started, `size` used. */
export class WorkerPool {
  private readonly ctrl: Int32Array;
  private readonly args: Float64Array;
  private readonly workers: NodeWorker[] = [];
  private readonly fns: ((...a: number[]) => unknown)[];
  private generation = 0;

  private constructor(readonly capacity: number, exportsOfMain: Record<string, unknown>, ctrlBuf: SharedArrayBuffer, argsBuf: SharedArrayBuffer) {
    this.ctrl = new Int32Array(ctrlBuf);
    this.size = capacity;
    this.args = new Float64Array(argsBuf);
    this.fns = POOL_FUNCTIONS.map((n) => exportsOfMain[n] as (...a: number[]) => unknown);
  }

  /**
   * A pool of `threads` over the module and memory, or null where threads cannot run (no shared
   * memory or no way to start a worker). The workers start in the background; the first run waits.
   */
  static create(threads: number, module: WebAssembly.Module, memory: WebAssembly.Memory, exportsOfMain: Record<string, unknown>): WorkerPool | null {
    if (threads < 2 || typeof SharedArrayBuffer !== 'function' || !(memory.buffer instanceof SharedArrayBuffer)) return null;
    const spawn = spawner();
    if (spawn === null) return null;
    const ctrl = new SharedArrayBuffer(4 * CTRL_WORDS), args = new SharedArrayBuffer(8 * SLOT * MAX_PARTS);
    const pool = new WorkerPool(threads, exportsOfMain, ctrl, args);
    pool.spin = DEFAULT_SPIN;
    const source = workerMain.toString();
    for (let i = 1; i < threads; i++) {
      const w = spawn(source, { module, memory, ctrl, args, index: i, names: POOL_FUNCTIONS });
      if (w === null) { pool.close(); return null; }
      w.on('error', () => Atomics.store(pool.ctrl, FAILED, 1));
      pool.workers.push(w);
    }
    return pool;
  }

  /**
   * Runs fn once per part (at most MAX_PARTS; more parts than threads let a faster thread take more
   * of them): every thread, this one included, takes parts until none is left; returns when all are
   * done. Throws if a part failed in a worker.
   */
  run(fn: PoolFunction, parts: readonly (readonly number[])[]): void {
    const code = POOL_FUNCTIONS.indexOf(fn);
    const count = parts.length;
    if (count > MAX_PARTS) throw new Error(`pool: expected at most ${MAX_PARTS} parts, got ${count}`);
    // Workers still starting (a browser starts them only once this thread yields): every part here.
    if (!this.ready() || count < 2) { for (const part of parts) this.fns[code](...part); return; }
    for (let p = 0; p < count; p++) {
      const base = p * SLOT, part = parts[p];
      if (part.length > SLOT - 2) throw new Error(`pool: expected at most ${SLOT - 2} arguments, got ${part.length}`);
      this.args[base] = code;
      this.args[base + 1] = part.length;
      for (let i = 0; i < part.length; i++) this.args[base + 2 + i] = part[i];
    }
    // The previous job's parts are all done, so no thread still reads its slots or counts into DONE.
    Atomics.store(this.ctrl, DONE, 0);
    this.generation = (this.generation + 1) & 0xffff;
    Atomics.store(this.ctrl, JOB, (this.generation << 16) | (count << 8));
    Atomics.add(this.ctrl, SEQ, 1);
    Atomics.notify(this.ctrl, SEQ);
    const tm0 = performance.now();
    let mine = 0, failure: unknown;
    for (;;) {
      const job = Atomics.load(this.ctrl, JOB);
      const next = job & 255;
      if (next >= count || job >>> 16 !== this.generation) break;
      if (Atomics.compareExchange(this.ctrl, JOB, job, job + 1) !== job) continue;
      try { this.fns[code](...parts[next]); } catch (e) { failure ??= e; }
      mine++;
      Atomics.add(this.ctrl, DONE, 1);
    }
    const tm1 = performance.now();
    for (let spins = 0; ; spins++) {
      const done = Atomics.load(this.ctrl, DONE);
      if (done >= count || Atomics.load(this.ctrl, FAILED) !== 0) break;
      if (spins > 200 && canWait) {
        try { Atomics.wait(this.ctrl, DONE, done, 50); } catch { canWait = false; } // a browser's main thread may not wait
      }
    }
    const st = (stats[fn] ??= { calls: 0, mine: 0, wait: 0, parts: 0, here: 0 });
    st.calls++; st.mine += tm1 - tm0; st.wait += performance.now() - tm1; st.parts += count; st.here += mine;
    if (failure !== undefined || Atomics.load(this.ctrl, FAILED) !== 0) {
      // The next job may only be posted once no thread still computes a part of this one.
      while (Atomics.load(this.ctrl, DONE) < count) { /* the other parts finish or fail too */ }
      Atomics.store(this.ctrl, FAILED, 0);
      throw failure ?? new Error('a worker thread failed while computing its part of a kernel');
    }
  }

  /** Threads that take parts, this one included (at most capacity; setThreads lowers it without stopping workers). */
  get size(): number { return Atomics.load(this.ctrl, SIZE); }
  set size(n: number) { Atomics.store(this.ctrl, SIZE, Math.max(1, Math.min(this.capacity, Math.floor(n)))); }

  /** Checks of the job word an idle worker makes before it sleeps on Atomics.wait (diagnostics and A/B checks). */
  get spin(): number { return Atomics.load(this.ctrl, SPIN); }
  set spin(n: number) { Atomics.store(this.ctrl, SPIN, Math.max(0, Math.floor(n))); }

  /** Whether every worker is up (until then, run() computes all parts on this thread). */
  ready(): boolean {
    return Atomics.load(this.ctrl, READY) >= this.capacity - 1;
  }

  /** Resolves once every worker is up, or after timeoutMs (then resolves false). */
  async whenReady(timeoutMs = 10_000): Promise<boolean> {
    const t0 = Date.now();
    while (!this.ready()) {
      if (Date.now() - t0 > timeoutMs) return false;
      await new Promise((r) => setTimeout(r, 5));
    }
    return true;
  }

  /** Stops the workers (the pool cannot run afterwards). */
  close(): void {
    Atomics.store(this.ctrl, STOP, 1);
    Atomics.add(this.ctrl, SEQ, 1);
    Atomics.notify(this.ctrl, SEQ);
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }
}
