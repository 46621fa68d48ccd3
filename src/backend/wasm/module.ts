// The one instance of the unfold WebAssembly module (sgemm, the fused-op kernels, and the loss,
// embedding and optimizer kernels, compiled from ./assembly by scripts/build-wasm.mjs) and its linear memory, shared by every wasm kernel wrapper.
// Callers lay their operands out from heapStart() on each call (a bump allocator, `Scratch`),
// run a kernel on byte addresses, and copy results back: nothing outlives one call, so growing the
// memory (which detaches old views) never leaves a stale pointer behind.

import { sgemmWasmBase64 } from './kernels_plain_wasm.js';
import { sgemmRelaxedWasmBase64 } from './kernels_relaxed_wasm.js';

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
  lstmForwardSeq(
    T: number, B: number, H: number, reverse: boolean, prevBlock: number, seqBlock: number,
    z: number, hs: number, c: number, tc: number, whh: number, pw: number, work: number, lens: number,
  ): void;
  lstmBackwardSeq(
    T: number, B: number, H: number, reverse: boolean, prevBlock: number, seqBlock: number, needH0: boolean,
    z: number, hs: number, c: number, tc: number, g: number, dz: number, dh: number, dc: number, whh: number, pw: number, work: number,
    lens: number, keep: number,
  ): void;
  gruForwardSeq(
    T: number, B: number, H: number, reverse: boolean, prevBlock: number, seqBlock: number,
    zx: number, hn: number, hs: number, gh: number, bhh: number, whh: number, pw: number, work: number, lens: number,
  ): void;
  gruBackwardSeq(
    T: number, B: number, H: number, reverse: boolean, prevBlock: number, seqBlock: number, needH0: boolean,
    zx: number, hn: number, hs: number, g: number, dgx: number, dgh: number, dh: number, whh: number, pw: number, work: number,
    lens: number, keep: number,
  ): void;
  rnnForwardSeq(
    T: number, B: number, H: number, reverse: boolean, prevBlock: number, seqBlock: number, relu: boolean,
    hs: number, whh: number, pw: number, work: number, lens: number,
  ): void;
  rnnBackwardSeq(
    T: number, B: number, H: number, reverse: boolean, seqBlock: number, needH0: boolean, relu: boolean,
    hs: number, g: number, dz: number, dh: number, whh: number, pw: number, work: number, lens: number, keep: number,
  ): void;
  colSums(rows: number, n: number, src: number, dst: number): void;
  softmaxRows(rows: number, n: number, x: number, out: number, log: boolean): void;
  binarySame(op: number, n: number, a: number, b: number, out: number): void;
  affine(n: number, x: number, a: number, b: number, out: number): void;
  sumSquares(n: number, x: number): number;
  lstmStep(B: number, H: number, z: number, cPrev: number, c: number, h: number, tc: number): void;
  crossEntropyForward(N: number, C: number, x: number, targets: number, logp: number, nll: number): void;
  crossEntropyBackward(N: number, C: number, logp: number, targets: number, scale: number, gx: number): void;
  gatherRows(n: number, W: number, table: number, index: number, out: number): void;
  scatterAddRows(n: number, W: number, src: number, index: number, table: number): void;
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

// Linear memory is addressed with 32 bits; V8 and SpiderMonkey stop at 4 GiB (65536 pages).
const MAX_BYTES = 65536 * 65536;
const PAGE = 65536;

let instance: WasmExports | null | undefined; // undefined: not tried yet; null: unavailable
let variant: WasmVariant = 'plain';
const variants = new Map<WasmVariant, WasmExports>(); // instances made so far, by build
let heap = new Float32Array(0);                 // view of the memory, renewed when it grows
let base = 0;                                   // first byte free for per-call operands (past every block)
let residentOwner = 0;                          // token of the current resident block's owner

// Blocks of an instance's memory that outlive one call (the resident block; activations a fused op
// keeps from its forward for its backward), sorted by address from `first`, the first byte past the
// compiler's static data. Per-call scratch (Scratch) starts past the last block.
interface Layout { first: number; blocks: { at: number; end: number }[]; resident: number }
const layouts = new Map<WasmExports, Layout>();

function layoutOf(e: WasmExports): Layout {
  let l = layouts.get(e);
  if (l === undefined) {
    const first = align64(e.heapBase());
    l = { first, blocks: [], resident: 0 };
    layouts.set(e, l);
  }
  return l;
}

// base follows the last block of every instance made so far: a caller may hold on to an instance
// that is no longer the current one (a sampler made before a switch of build), and its per-call
// scratch must clear that instance's blocks too.
function rebase(): void {
  base = 0;
  for (const l of layouts.values()) base = Math.max(base, l.blocks.length > 0 ? align64(l.blocks[l.blocks.length - 1].end) : l.first);
}

/**
 * Keeps `bytes` of e's linear memory for the caller across calls, until freeBlock: per-call scratch
 * never overlaps it. First fit among the gaps left by freed blocks, else past the last one.
 * Returns the byte address, or 0 when memory cannot grow. Memory growth detaches old views of
 * the heap (take heapF32() afresh), but block addresses stay valid.
 */
export function allocBlock(e: WasmExports, bytes: number): number {
  const l = layoutOf(e);
  const size = align64(Math.max(bytes, 1));
  let prev = l.first, i = 0;
  for (; i < l.blocks.length; i++) {
    if (l.blocks[i].at - prev >= size) break;
    prev = align64(l.blocks[i].end);
  }
  if (i === l.blocks.length && !reserve(e, prev + size)) return 0;
  l.blocks.splice(i, 0, { at: prev, end: prev + size });
  rebase();
  return prev;
}

/** Gives back a block from allocBlock (unknown addresses are ignored). */
export function freeBlock(e: WasmExports, at: number): void {
  const l = layoutOf(e);
  const i = l.blocks.findIndex((b) => b.at === at);
  if (i < 0) return;
  l.blocks.splice(i, 1);
  rebase();
}

/** Bytes of e's memory held in blocks now (for tests and diagnostics). */
export function blockBytes(e: WasmExports): number {
  return layoutOf(e).blocks.reduce((n, b) => n + (b.end - b.at), 0);
}

function moduleBytes(v: WasmVariant): Uint8Array<ArrayBuffer> {
  const bin = atob(v === 'relaxed' ? sgemmRelaxedWasmBase64 : sgemmWasmBase64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

function adopt(e: WasmExports, v: WasmVariant): WasmExports {
  variants.set(v, e);
  heap = new Float32Array(e.memory.buffer);
  // Whoever held the resident block of another instance must upload again.
  residentOwner++;
  instance = e;
  variant = v;
  layoutOf(e);
  rebase();
  return e;
}

function instantiate(m: WebAssembly.Module): WasmExports {
  return new WebAssembly.Instance(m, {}).exports as unknown as WasmExports;
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
      return adopt(instantiate(new WebAssembly.Module(moduleBytes(v))), v);
    } catch {
      // e.g. a content security policy without 'wasm-unsafe-eval', or the 4 KiB rule
    }
  }
  return null;
}

/** The build of the module in use (meaningful once wasmModule() is non-null). */
export function wasmVariant(): WasmVariant { return variant; }

/**
 * Switches every wasm kernel to the given build of the module (for A/B measurements and tests that
 * check both builds); false where that build cannot load. Operands live only for one call and
 * resident blocks are re-uploaded by their owners, so switching between calls is safe.
 */
export function selectWasmVariant(v: WasmVariant): boolean {
  if (wasmModule() === null) return false;
  if (v === variant) return true;
  const have = variants.get(v);
  if (have) { adopt(have, v); return true; }
  if (v === 'relaxed' && !relaxedSimdSupported()) return false;
  try {
    adopt(instantiate(new WebAssembly.Module(moduleBytes(v))), v);
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads the module with an asynchronous compile (allowed at any size on a browser's main thread);
 * resolves whether it is available. Install the wasm backend afterwards (setBackend(wasmBackend))
 * where it was not available when the library loaded.
 */
export async function initWasm(): Promise<boolean> {
  if (wasmModule() !== null) return true;
  if (!simdSupported()) return false;
  for (const v of preferred() === 'relaxed' ? ['relaxed', 'plain'] as const : ['plain'] as const) {
    try {
      adopt(instantiate(await WebAssembly.compile(moduleBytes(v))), v);
      return true;
    } catch {
      // try the next build
    }
  }
  return false;
}

export function align64(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

/** First byte callers may use. */
export function heapStart(): number { return base; }

/** Grows linear memory to at least `bytes` (never shrinks); false when it cannot. */
export function reserve(e: WasmExports, bytes: number): boolean {
  if (bytes > MAX_BYTES) return false;
  const have = e.memory.buffer.byteLength;
  if (bytes > have) {
    try {
      e.memory.grow(Math.ceil((bytes - have) / PAGE));
    } catch {
      return false;
    }
  }
  if (heap.buffer !== e.memory.buffer) heap = new Float32Array(e.memory.buffer);
  return true;
}

/** The float32 view of linear memory (valid until the next reserve()). */
export function heapF32(): Float32Array { return heap; }

/**
 * Claims the resident block: `bytes` of the heap that per-call scratch never touches, for data that
 * should stay in linear memory across calls (a sampler's weights). There is one resident block: a
 * new claim takes it from the previous owner, whose token stops being current (see
 * residentCurrent), so an owner checks its token before each use and uploads again if needed.
 * Returns [byte address, token], or null when memory cannot grow.
 */
export function claimResident(e: WasmExports, bytes: number): [number, number] | null {
  const l = layoutOf(e);
  if (l.resident !== 0) freeBlock(e, l.resident);
  residentOwner++;
  l.resident = allocBlock(e, bytes);
  return l.resident === 0 ? null : [l.resident, residentOwner];
}

/** Whether `token` still owns the resident block. */
export function residentCurrent(token: number): boolean { return token === residentOwner; }

/**
 * A bump allocator over linear memory for one kernel call: take() hands out 64-byte aligned byte
 * addresses; commit() grows the memory to cover them (call it before touching any of them).
 */
export class Scratch {
  end = base;
  take(floats: number): number {
    const p = this.end;
    this.end = align64(p + 4 * floats);
    return p;
  }
  takeBytes(bytes: number): number {
    const p = this.end;
    this.end = align64(p + bytes);
    return p;
  }
  commit(e: WasmExports): boolean { return reserve(e, this.end); }
}

/** Copies src[off, off + n) into the heap at byte address `at`. */
export function put(src: Float32Array, at: number, off = 0, n = src.length - off): void {
  heap.set(off === 0 && n === src.length ? src : src.subarray(off, off + n), at >> 2);
}

/** Copies an Int32Array into the heap at byte address `at`. */
export function putI32(src: Int32Array, at: number): void {
  new Int32Array(heap.buffer, at, src.length).set(src);
}

/** Copies n floats from the heap at byte address `at` into dst from dstOff. */
export function get(at: number, n: number, dst: Float32Array, dstOff = 0): void {
  dst.set(heap.subarray(at >> 2, (at >> 2) + n), dstOff);
}
