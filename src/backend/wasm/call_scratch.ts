// Per-call operand layout and the one resident block, over the heap of ./module.ts: what the
// two-thread sampler (src/train/split_sampler) computes with, in a worker's own module instance and
// memory, with no Storage. Scratch lays a call's operands out past the heap's top (nothing may be
// allocated from the heap between taking and using them); put / get copy between JS arrays and the
// heap; the resident block keeps a sampler's weights across calls.

import { align64, type WasmHeap } from './heap.js';
import { wasmHeap, type WasmExports } from './module.js';

let residentOwner = 0; // token of the current resident block's owner
let resident = 0;      // address of the resident block (0: none)

function heapOf(_e: WasmExports): WasmHeap {
  return wasmHeap()!; // every instance computes in the one memory
}


/** Keeps `bytes` of memory for the caller across calls, until freeBlock; 0 when memory cannot grow. */
export function allocBlock(e: WasmExports, bytes: number): number {
  try { return heapOf(e).alloc(bytes); } catch { return 0; }
}

/** Gives back a block from allocBlock (unknown addresses are ignored). */
export function freeBlock(e: WasmExports, at: number): void {
  heapOf(e).free(at);
}

/** Bytes of memory held in blocks now (for tests and diagnostics). */
export function blockBytes(e: WasmExports): number {
  return heapOf(e).liveBytes();
}

/** First byte per-call operands may use. */
export function heapStart(): number { const h = wasmHeap(); return h === null ? 0 : align64(h.end()); }

/** Grows linear memory to at least `bytes` (never shrinks); false when it cannot. */
export function reserve(e: WasmExports, bytes: number): boolean {
  try { heapOf(e).ensureCapacity(bytes); return true; } catch { return false; }
}

/** The float32 view of linear memory (valid until the next growth). */
export function heapF32(): Float32Array { return wasmHeap()!.f32(); }

/**
 * Claims the resident block: `bytes` that per-call scratch never touches, for data that should stay
 * in linear memory across calls (a sampler's weights). There is one resident block: a new claim
 * takes it from the previous owner, whose token stops being current (see residentCurrent).
 * Returns [byte address, token], or null when memory cannot grow.
 */
export function claimResident(e: WasmExports, bytes: number): [number, number] | null {
  if (resident !== 0) freeBlock(e, resident);
  residentOwner++;
  resident = allocBlock(e, bytes);
  return resident === 0 ? null : [resident, residentOwner];
}

/** Whether `token` still owns the resident block. */
export function residentCurrent(token: number): boolean { return token === residentOwner; }

/**
 * A bump allocator over the memory past the heap's top for one kernel call: take() hands out
 * 64-byte aligned byte addresses; commit() grows the memory to cover them (call it before touching any).
 */
export class Scratch {
  end = heapStart();
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
  heapF32().set(off === 0 && n === src.length ? src : src.subarray(off, off + n), at >> 2);
}

/** Copies an Int32Array into the heap at byte address `at`. */
export function putI32(src: Int32Array, at: number): void {
  wasmHeap()!.i32().set(src, at >> 2);
}

/** Copies n floats from the heap at byte address `at` into dst from dstOff. */
export function get(at: number, n: number, dst: Float32Array, dstOff = 0): void {
  const h = heapF32();
  dst.set(h.subarray(at >> 2, (at >> 2) + n), dstOff);
}
