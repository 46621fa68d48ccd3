// The unfold WebAssembly module (sgemm, the fused-op kernels, and the loss, embedding and optimizer
// kernels, compiled from ./assembly by scripts/build-wasm.mjs) and the one linear memory it computes
// in. The module imports its memory, so both of its builds (plain and relaxed SIMD) and, later,
// worker threads' instances all work on the same bytes; the memory is shared (a SharedArrayBuffer)
// wherever the engine allows it. ./heap.ts manages that memory: tensor storage lives there.

import { sgemmWasmBase64 } from './kernels_plain_wasm.js';
import { sgemmRelaxedWasmBase64 } from './kernels_relaxed_wasm.js';
import { align64, MAX_PAGES, WasmHeap } from './heap.js';
import { WorkerPool } from './pool.js';
import type { Storage } from '../storage.js';

/** The module's exports (byte addresses are numbers; sizes are element counts). */
export interface WasmExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  workspaceBytes(M: number, N: number, K: number): number;
  sgemm(
    transA: boolean, transB: boolean, M: number, N: number, K: number,
    a: number, b: number, c: number, accumulate: boolean, work: number,
  ): void;
  packedBBytes(N: number, K: number): number;
  packB(transB: boolean, N: number, K: number, b: number, dst: number): void;
  sgemmPackedB(transA: boolean, M: number, N: number, K: number, a: number, pb: number, c: number, accumulate: boolean, work: number): void;
  /** Bytes of W [N, K] packed for gemvPacked. */
  packedRowsBytes(N: number, K: number): number;
  /** Packs W [N, K] (row stride ldw floats) into dst for gemvPacked. */
  packRows(N: number, K: number, w: number, ldw: number, dst: number): void;
  /** y (+)= W·x, W packed by packRows: the batch-1 product of sampling, the same bits as sgemm at M = 1. */
  gemvPacked(N: number, K: number, x: number, pw: number, y: number, add: boolean): void;
  sgemmLd(
    transA: boolean, transB: boolean, M: number, N: number, K: number,
    a: number, lda: number, b: number, ldb: number, c: number, ldc: number, accumulate: boolean, work: number,
  ): void;
  lstmForwardSeq(
    T: number, B: number, H: number, b0: number, b1: number, reverse: boolean, prevBlock: number, seqBlock: number,
    z: number, hs: number, c: number, tc: number, whh: number, pw: number, work: number, lens: number, tab: number, ids: number,
  ): void;
  lstmBackwardSeq(
    T: number, B: number, H: number, b0: number, b1: number, reverse: boolean, prevBlock: number, seqBlock: number, needH0: boolean,
    z: number, hs: number, c: number, tc: number, g: number, dz: number, dh: number, dc: number, whh: number, pw: number, work: number,
    lens: number, keep: number,
  ): void;
  gruForwardSeq(
    T: number, B: number, H: number, b0: number, b1: number, reverse: boolean, prevBlock: number, seqBlock: number,
    zx: number, hn: number, hs: number, gh: number, bhh: number, whh: number, pw: number, work: number, lens: number, tab: number, ids: number,
  ): void;
  gruBackwardSeq(
    T: number, B: number, H: number, b0: number, b1: number, reverse: boolean, prevBlock: number, seqBlock: number, needH0: boolean,
    zx: number, hn: number, hs: number, g: number, dgx: number, dgh: number, dh: number, whh: number, pw: number, work: number,
    lens: number, keep: number,
  ): void;
  rnnForwardSeq(
    T: number, B: number, H: number, b0: number, b1: number, reverse: boolean, prevBlock: number, seqBlock: number, act: number,
    hs: number, whh: number, pw: number, work: number, lens: number, modBias: number,
  ): void;
  rnnBackwardSeq(
    T: number, B: number, H: number, b0: number, b1: number, reverse: boolean, seqBlock: number, needH0: boolean, act: number,
    hs: number, g: number, dz: number, dh: number, whh: number, pw: number, work: number, lens: number, keep: number,
  ): void;
  colSums(rows: number, n: number, src: number, dst: number): void;
  colSumsRange(rows: number, n: number, ld: number, src: number, dst: number): void;
  softmaxRows(rows: number, n: number, x: number, out: number, log: boolean): void;
  binarySame(op: number, n: number, a: number, b: number, out: number): void;
  affine(n: number, x: number, a: number, b: number, out: number): void;
  sumSquares(n: number, x: number): number;
  lstmStep(B: number, H: number, z: number, cPrev: number, c: number, h: number, tc: number): void;
  crossEntropyForward(N: number, C: number, x: number, targets: number, logp: number, nll: number): void;
  crossEntropyBackward(N: number, C: number, logp: number, targets: number, scale: number, gx: number): void;
  gatherRows(n: number, W: number, table: number, index: number, out: number): void;
  scatterAddRows(n: number, W: number, src: number, index: number, table: number): void;
  binaryStrided(op: number, rank: number, shape: number, sa: number, sb: number, a: number, b: number, out: number, idx: number): void;
  sumToStrided(rank: number, shape: number, so: number, x: number, out: number, idx: number): void;
  permuteStrided(rank: number, outShape: number, st: number, x: number, out: number, idx: number): void;
  unaryMap(op: number, n: number, x: number, out: number): void;
  unaryGrad(op: number, n: number, x: number, y: number, g: number, gx: number): void;
  powConst(n: number, x: number, p: number, out: number): void;
  adamUpdate(
    n: number, p: number, g: number, m: number, v: number, vMax: number,
    sign: number, l2: number, decay: number, decoupled: boolean, beta1: number, omb1: number, beta2: number, omb2: number,
    stepSize: number, bc2Sqrt: number, eps: number,
  ): void;
  sgdUpdate(
    n: number, p: number, g: number, buf: number, lr: number, sign: number, wd: number, mom: number, omd: number,
    nesterov: boolean, first: boolean,
  ): void;
}

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)): validates only where the final
// SIMD proposal is implemented (the same probe as wasm-feature-detect's `simd`).
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

/** Whether this JavaScript engine validates WebAssembly modules that use 128-bit SIMD. */
export function simdSupported(): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

// A function returning f32x4.relaxed_madd of three zero vectors: validates only where relaxed SIMD is on.
const RELAXED_PROBE = ((): Uint8Array<ArrayBuffer> => {
  const zero = [0xfd, 0x0c, ...new Array<number>(16).fill(0)]; // v128.const 0
  const body = [0, ...zero, ...zero, ...zero, 0xfd, 0x85, 0x02, 0x0b];
  return new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, body.length + 2, 1, body.length, ...body]);
})();

/**
 * Whether relaxed SIMD (fused multiply-add) is usable: UNFOLD_RELAXED_SIMD=0 says no; engines that ship
 * it validate the probe; Node 20's V8 has it behind --experimental-wasm-relaxed-simd, which is turned
 * on here (a flag of the wasm validator only) when the probe fails, then probed again.
 */
export function relaxedSimdSupported(): boolean {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown } }).process;
  const v = proc?.env?.UNFOLD_RELAXED_SIMD ?? '';
  if (v !== '' && v !== '0' && v !== '1') throw new Error(`UNFOLD_RELAXED_SIMD: expected '0' or '1', got '${v}'`);
  if (v === '0') return false;
  try {
    if (WebAssembly.validate(RELAXED_PROBE)) return true;
    const v8 = proc?.getBuiltinModule?.('node:v8') as { setFlagsFromString?(flags: string): void } | undefined;
    if (typeof v8?.setFlagsFromString !== 'function') return false;
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
    return WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

/** Which build of the module runs: 'relaxed' (fused multiply-add in the gemm kernels) or 'plain'. */
export type WasmVariant = 'plain' | 'relaxed';

let instance: WasmExports | null | undefined; // undefined: not tried yet; null: unavailable
const compiled = new Map<WasmVariant, WebAssembly.Module>(); // each build's compiled module, for worker threads
let threads: number | null = null;              // threads the kernels may use (null: not decided yet)
let pool: WorkerPool | null | undefined;        // undefined: not made yet
let variant: WasmVariant = 'plain';
const variants = new Map<WasmVariant, WasmExports>(); // instances made so far, by build
let memory: WebAssembly.Memory | null = null;   // the one linear memory every build's instance imports
let theHeap: WasmHeap | null = null;

/**
 * Whether linear memory is a SharedArrayBuffer that worker threads can compute on: in Node.js
 * always, in a browser only when the page is cross-origin isolated.
 */
export function sharedMemorySupported(): boolean {
  if (typeof SharedArrayBuffer !== 'function') return false;
  const g = globalThis as { crossOriginIsolated?: boolean };
  return g.crossOriginIsolated !== false;
}

// The memory all instances share: shared where threads can use it. The module is compiled for a
// shared memory; for an unshared one its import is patched (moduleBytes), which is valid because
// the kernels use no atomic instructions.
function theMemory(): WebAssembly.Memory {
  if (memory === null) {
    const shared = sharedMemorySupported();
    memory = new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES, shared } as WebAssembly.MemoryDescriptor);
  }
  return memory;
}

function isShared(m: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer === 'function' && m.buffer instanceof SharedArrayBuffer;
}

/** The heap every wasm storage and kernel lives in (null where the module is unavailable). */
export function wasmHeap(): WasmHeap | null {
  return wasmModule() === null ? null : theHeap;
}

function moduleBytes(v: WasmVariant): Uint8Array<ArrayBuffer> {
  const bin = atob(v === 'relaxed' ? sgemmRelaxedWasmBase64 : sgemmWasmBase64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  if (!isShared(theMemory())) unshareMemoryImport(bytes);
  return bytes;
}

// Reads an unsigned LEB128 at bytes[at]; returns [value, next position].
function leb(bytes: Uint8Array, at: number): [number, number] {
  let v = 0, shift = 0, b: number;
  do { b = bytes[at++]; v += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
  return [v, at];
}

// Turns the module's shared memory import into an unshared one, in place: the limits flag of the
// import (0x03: shared, with a maximum) becomes 0x01 (with a maximum). Same length, so nothing moves.
function unshareMemoryImport(bytes: Uint8Array): void {
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at];
    const [size, body] = leb(bytes, at + 1);
    if (id === 2) {
      let [count, p] = leb(bytes, body);
      for (; count > 0; count--) {
        let len: number;
        [len, p] = leb(bytes, p); p += len; // module name
        [len, p] = leb(bytes, p); p += len; // field name
        const kind = bytes[p++];
        if (kind === 2) { if (bytes[p] === 0x03) bytes[p] = 0x01; return; }
        if (kind === 0) [, p] = leb(bytes, p);            // function: type index
        else if (kind === 1) { p++; const f = bytes[p++]; [, p] = leb(bytes, p); if (f & 1) [, p] = leb(bytes, p); } // table
        else if (kind === 3) p += 2;                       // global: type, mutability
      }
      return;
    }
    at = body + size;
  }
}

function adopt(e: WasmExports, v: WasmVariant): WasmExports {
  variants.set(v, e);
  theHeap ??= new WasmHeap(theMemory(), e.heapBase());
  instance = e;
  if (v !== variant) closePool(); // the workers run the build that was current when they started
  variant = v;
  return e;
}

function instantiate(m: WebAssembly.Module, v: WasmVariant): WasmExports {
  compiled.set(v, m);
  return new WebAssembly.Instance(m, { env: { memory: theMemory() } }).exports as unknown as WasmExports;
}

// UNFOLD_THREADS, else the cores this process may use.
function defaultThreads(): number {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown } }).process;
  const v = proc?.env?.UNFOLD_THREADS ?? '';
  if (v !== '') {
    const n = Number(v);
    if (!(Number.isInteger(n) && n >= 1)) throw new Error(`UNFOLD_THREADS: expected a positive integer, got '${v}'`);
    return n;
  }
  const os = proc?.getBuiltinModule?.('node:os') as { availableParallelism?(): number } | undefined;
  if (typeof os?.availableParallelism === 'function') return os.availableParallelism();
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return Math.max(1, nav?.hardwareConcurrency ?? 1);
}

/** How many threads the wasm kernels may use (1 where memory cannot be shared). */
export function threadCount(): number {
  threads ??= defaultThreads();
  return sharedMemorySupported() ? threads : 1;
}

/**
 * Sets how many threads the wasm kernels use, this one included (1: none besides it). Results do not
 * depend on it beyond float32 rounding (bitwise for the products and time loops).
 */
export function setThreads(n: number): void {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`setThreads: expected a positive integer, got ${n}`);
  threads = n;
  // Started workers are kept for a later increase; more than were started needs a new pool.
  if (pool && n > pool.capacity) closePool();
  else if (pool) pool.size = n;
}

function closePool(): void {
  if (pool) pool.close();
  pool = undefined;
}

/** The worker pool the kernels split their work over, or null with one thread. */
export function wasmPool(): WorkerPool | null {
  if (threadCount() < 2) return null;
  if (pool !== undefined) return pool;
  const e = wasmModule();
  const m = compiled.get(variant);
  pool = e === null || m === undefined ? null : WorkerPool.create(threadCount(), m, theMemory(), e as unknown as Record<string, unknown>);
  return pool;
}

// The build to load first: relaxed where it validates (see relaxedSimdSupported).
function preferred(): WasmVariant {
  return relaxedSimdSupported() ? 'relaxed' : 'plain';
}

/**
 * The module, or null where SIMD or instantiation is unavailable (then callers use the reference).
 * Compiles synchronously on first use: fine in Node and in workers; a browser's main thread may
 * refuse synchronous compiles of modules over 4 KiB, where `await initWasm()` loads it instead.
 */
export function wasmModule(): WasmExports | null {
  if (instance !== undefined) return instance;
  instance = null;
  if (!simdSupported()) return null;
  for (const v of preferred() === 'relaxed' ? ['relaxed', 'plain'] as const : ['plain'] as const) {
    try {
      return adopt(instantiate(new WebAssembly.Module(moduleBytes(v)), v), v);
    } catch {
      // e.g. a content security policy without 'wasm-unsafe-eval', or the 4 KiB rule
    }
  }
  return null;
}

/**
 * The module and heap for a kernel whose operands are these storages (null: an absent operand), or
 * null when one is not float32 or the module is unavailable: the caller then takes the reference path.
 */
export function wasmFor(...xs: (Storage | null)[]): [WasmExports, WasmHeap] | null {
  for (const x of xs) if (x !== null && x.dtype !== 'float32') return null;
  const e = wasmModule();
  return e === null ? null : [e, wasmHeap()!];
}

/** The build of the module in use (meaningful once wasmModule() is non-null). */
export function wasmVariant(): WasmVariant { return variant; }

/**
 * Switches every wasm kernel to the given build of the module (for A/B measurements and tests that
 * check both builds); false where that build cannot load. Both builds compute on the same linear
 * memory, so storages and blocks stay where they are.
 */
export function selectWasmVariant(v: WasmVariant): boolean {
  if (wasmModule() === null) return false;
  if (v === variant) return true;
  const have = variants.get(v);
  if (have) { adopt(have, v); return true; }
  if (v === 'relaxed' && !relaxedSimdSupported()) return false;
  try {
    adopt(instantiate(new WebAssembly.Module(moduleBytes(v)), v), v);
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads the module with an asynchronous compile (allowed at any size on a browser's main thread)
 * and starts the worker threads where memory can be shared, waiting until they are up (a browser
 * starts a worker only while the page's thread is free, so a synchronous loop right after could
 * not hand them work); resolves whether the module is available. Install the wasm backend
 * afterwards (setBackend(wasmBackend)) where it was not available when the library loaded.
 */
export async function initWasm(): Promise<boolean> {
  let ok = wasmModule() !== null;
  if (!ok && simdSupported()) {
    for (const v of preferred() === 'relaxed' ? ['relaxed', 'plain'] as const : ['plain'] as const) {
      try {
        adopt(instantiate(await WebAssembly.compile(moduleBytes(v)), v), v);
        ok = true;
        break;
      } catch {
        // try the next build
      }
    }
  }
  if (ok) await wasmPool()?.whenReady();
  return ok;
}

export { align64 };
