// Worker threads that compute on the module's shared linear memory, so that plain library code
// (forward, backward, the optimizer step, sampling) uses every core. Each worker instantiates the
// same compiled module over the same memory; a kernel that pays for it is cut into parts (rows of a
// product, batch rows of a time loop, ranges of an element-wise map), the main thread hands parts
// 1..n−1 to the workers through a small control block and computes part 0 itself, then waits for
// the rest (spinning only briefly: measured here, a thread spinning beside one that computes slowed
// the latter up to fivefold, so both sides soon sleep on Atomics.wait instead). Cuts never change
// what is computed per element, so results do not depend on the thread count (bitwise, except where
// a part sums what one thread would have summed in another order).
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
// flag, how many workers are up, and how long an idle worker spins before it sleeps.
const SEQ = 0, DONE = 1, STOP = 2, FAILED = 3, READY = 4, SPIN = 5;
const CTRL_WORDS = 6;
/** Checks of the job word an idle worker makes before it sleeps (see workerMain). */
const DEFAULT_SPIN = 2000;
// Argument slots (Float64Array over `args`): per worker, the function code, the argument count and the arguments.
const SLOT = 32;

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
  const base = d.index * 32; // SLOT
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
    const code = args[base];
    if (code >= 0) {
      const n = args[base + 1];
      const a: number[] = [];
      for (let i = 0; i < n; i++) a.push(args[base + 2 + i]);
      try { fns[code](...a); } catch { Atomics.store(ctrl, 3, 1); }
    }
    Atomics.add(ctrl, 1, 1);
    Atomics.notify(ctrl, 1);
  }
}

let canWait = true;
/** Per function: calls, time in this thread's part, time waiting for the others (diagnostics). */
export const stats: Record<string, { calls: number; mine: number; wait: number }> = {};

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

/** A pool of threads (this one included) computing on one memory: `capacity` started, `size` used. */
export class WorkerPool {
  /** Threads the kernels cut their work for (at most capacity; setThreads lowers it without stopping workers). */
  size: number;
  private readonly ctrl: Int32Array;
  private readonly args: Float64Array;
  private readonly workers: NodeWorker[] = [];
  private readonly fns: ((...a: number[]) => unknown)[];

  private constructor(readonly capacity: number, exportsOfMain: Record<string, unknown>, ctrlBuf: SharedArrayBuffer, argsBuf: SharedArrayBuffer) {
    this.size = capacity;
    this.ctrl = new Int32Array(ctrlBuf);
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
    const ctrl = new SharedArrayBuffer(4 * CTRL_WORDS), args = new SharedArrayBuffer(8 * SLOT * threads);
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
   * Runs fn once per part (parts.length ≤ size): part 0 here, the others on the workers, and returns
   * when all are done. Throws if a part failed in a worker.
   */
  run(fn: PoolFunction, parts: readonly (readonly number[])[]): void {
    const code = POOL_FUNCTIONS.indexOf(fn);
    // Workers still starting (a browser starts them only once this thread yields): every part here.
    if (!this.ready()) { for (const part of parts) this.fns[code](...part); return; }
    const n = this.capacity; // every started worker answers, those without a part at once
    for (let w = 1; w < n; w++) {
      const base = w * SLOT;
      const part = parts[w];
      if (part === undefined) { this.args[base] = -1; continue; }
      if (part.length > SLOT - 2) throw new Error(`pool: expected at most ${SLOT - 2} arguments, got ${part.length}`);
      this.args[base] = code;
      this.args[base + 1] = part.length;
      for (let i = 0; i < part.length; i++) this.args[base + 2 + i] = part[i];
    }
    Atomics.store(this.ctrl, DONE, 0);
    Atomics.add(this.ctrl, SEQ, 1);
    Atomics.notify(this.ctrl, SEQ);
    const tm0 = performance.now();
    this.fns[code](...parts[0]);
    const tm1 = performance.now();
    const want = n - 1;
    for (let spins = 0; ; spins++) {
      const done = Atomics.load(this.ctrl, DONE);
      if (done >= want || Atomics.load(this.ctrl, FAILED) !== 0) break;
      if (spins > 200 && canWait) {
        try { Atomics.wait(this.ctrl, DONE, done, 50); } catch { canWait = false; } // a browser's main thread may not wait
      }
    }
    const st = (stats[fn] ??= { calls: 0, mine: 0, wait: 0 });
    st.calls++; st.mine += tm1 - tm0; st.wait += performance.now() - tm1;
    if (Atomics.load(this.ctrl, FAILED) !== 0) {
      Atomics.store(this.ctrl, FAILED, 0);
      throw new Error('a worker thread failed while computing its part of a kernel');
    }
  }

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
