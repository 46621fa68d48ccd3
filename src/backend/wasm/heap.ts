// The WebAssembly heap as a device: an allocator over the module's linear memory, and the moves
// of Storage values in and out of it (see ../storage.ts for why memory is managed this way).
//
// Allocation: blocks are 64-byte aligned (a cache line, and every SIMD load aligned). Freed blocks
// wait in lists by exact size, because a training loop asks for the same sizes every step; a new
// size is cut from the top of the used region; when that would pass the end of memory, the smallest
// free block that fits is split, or else free neighbours are merged and the first that fits is
// split, and only then does memory grow.
// Only the main thread allocates; worker threads compute on addresses they are handed.
//
// Generations: every block a Storage gets starts young. At a safe point (../storage.ts) past the
// young budget, each young block is either promoted (it was made at least two collections ago and
// used since the last one: parameters, optimizer state, pooled workspaces) or moved out (values
// copied to the Storage's host array, block freed). Promoted blocks are freed when their Storage is
// garbage collected (FinalizationRegistry). Memory therefore stays bounded in a synchronous loop
// that never yields to the event loop, where finalizers would never run.

import type { FloatArray } from '../dtype.js';
import { registerDevice, Storage, type Device } from '../storage.js';

const PAGE = 65536;
/** Linear memory is addressed with 32 bits; engines stop at 4 GiB (65536 pages). */
export const MAX_PAGES = 65536;
const ALIGN = 64;

export function align64(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

/** Bytes of young blocks that trigger a collection at the next safe point (default 32 MiB). */
export const DEFAULT_YOUNG_BUDGET = 32 * 1024 * 1024;

export class WasmHeap implements Device {
  readonly name = 'wasm';
  private f32view: Float32Array;
  private i32view: Int32Array;
  /** First byte past the module's static data. */
  private readonly first: number;
  /** End of the region blocks have been cut from. */
  private top: number;
  private readonly freeBySize = new Map<number, number[]>();
  private freeBytes = 0;
  private readonly sizes = new Map<number, number>(); // live block → its size in bytes
  private young: Storage[] = [];
  private youngBytes = 0;
  private oldBytes = 0;
  /** Collections so far. */
  epoch = 0;
  /** Bytes of young blocks that make the next safe point collect. */
  youngBudget = DEFAULT_YOUNG_BUDGET;
  /** Bytes copied into and out of linear memory so far (diagnostics: a chain of kernels should add none). */
  readonly traffic = { uploaded: 0, downloaded: 0 };
  private readonly finalizer = new FinalizationRegistry<number>((ptr) => {
    const size = this.sizes.get(ptr);
    if (size !== undefined) this.oldBytes -= size;
    this.free(ptr);
  });

  constructor(readonly memory: WebAssembly.Memory, heapBase: number) {
    this.first = align64(Math.max(heapBase, ALIGN));
    this.top = this.first;
    this.f32view = new Float32Array(memory.buffer);
    this.i32view = new Int32Array(memory.buffer);
    registerDevice(this);
  }

  /** The float32 view of linear memory (renewed after growth; take it afresh after any allocation). */
  f32(): Float32Array {
    if (this.f32view.buffer !== this.memory.buffer) this.renew();
    return this.f32view;
  }

  /** The int32 view of linear memory (as f32()). */
  i32(): Int32Array {
    if (this.i32view.buffer !== this.memory.buffer) this.renew();
    return this.i32view;
  }

  private renew(): void {
    this.f32view = new Float32Array(this.memory.buffer);
    this.i32view = new Int32Array(this.memory.buffer);
  }

  // ---- allocator ----

  /** A block of at least `bytes` (64-byte aligned address); throws when memory cannot grow. */
  alloc(bytes: number): number {
    const size = align64(Math.max(bytes, 1));
    const list = this.freeBySize.get(size);
    if (list !== undefined && list.length > 0) {
      const p = list.pop()!;
      this.freeBytes -= size;
      this.sizes.set(p, size);
      return p;
    }
    if (this.top + size > this.memory.buffer.byteLength && this.freeBytes >= size) {
      // The smallest free block that fits, split; merging neighbours (a sort of every free block)
      // only when none does: when every batch brings new sizes (variable lengths), a merge per
      // new size was a fifth of an NTM training step.
      const p = this.bestFit(size) || this.firstFit(size);
      if (p !== 0) { this.sizes.set(p, size); return p; }
    }
    const p = this.top;
    this.ensureCapacity(p + size);
    this.top = p + size;
    this.sizes.set(p, size);
    return p;
  }

  /** Gives a block back (addresses not handed out by alloc are ignored). */
  free(ptr: number): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) return;
    this.sizes.delete(ptr);
    if (ptr + size === this.top) { this.top = ptr; return; }
    let list = this.freeBySize.get(size);
    if (list === undefined) this.freeBySize.set(size, (list = []));
    list.push(ptr);
    this.freeBytes += size;
  }

  /** Bytes in live blocks (for tests and diagnostics). */
  liveBytes(): number {
    let n = 0;
    for (const s of this.sizes.values()) n += s;
    return n;
  }

  /** Bytes of linear memory now (it never shrinks). */
  capacity(): number { return this.memory.buffer.byteLength; }

  /** The end of the region blocks are cut from: memory past it is free until the next alloc. */
  end(): number { return this.top; }

  // The smallest free block of at least `size` bytes, its rest put back as a free block; 0 when none.
  private bestFit(size: number): number {
    let best = 0;
    for (const [s, list] of this.freeBySize) if (s > size && list.length > 0 && (best === 0 || s < best)) best = s;
    if (best === 0) return 0;
    const p = this.freeBySize.get(best)!.pop()!;
    this.freeBytes -= best;
    this.pushFree(p + size, best - size);
    return p;
  }

  // Merges free neighbours (lowering `top` when the last ones reach it) and takes the first that fits.
  private firstFit(size: number): number {
    const blocks: [number, number][] = [];
    for (const [s, list] of this.freeBySize) for (const p of list) blocks.push([p, s]);
    blocks.sort((a, b) => a[0] - b[0]);
    this.freeBySize.clear();
    this.freeBytes = 0;
    const merged: [number, number][] = [];
    for (const b of blocks) {
      const last = merged[merged.length - 1];
      if (last !== undefined && last[0] + last[1] === b[0]) last[1] += b[1];
      else merged.push([b[0], b[1]]);
    }
    while (merged.length > 0 && merged[merged.length - 1][0] + merged[merged.length - 1][1] === this.top) this.top = merged.pop()![0];
    let got = 0;
    for (const b of merged) {
      if (got === 0 && b[1] >= size) {
        got = b[0];
        if (b[1] > size) this.pushFree(b[0] + size, b[1] - size);
      } else this.pushFree(b[0], b[1]);
    }
    return got;
  }

  private pushFree(p: number, size: number): void {
    let list = this.freeBySize.get(size);
    if (list === undefined) this.freeBySize.set(size, (list = []));
    list.push(p);
    this.freeBytes += size;
  }

  /** Grows memory to at least `bytes` (by a quarter at least, so that growth is rare); throws when it cannot. */
  ensureCapacity(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    const pages = have / PAGE;
    const need = Math.ceil((bytes - have) / PAGE);
    const want = Math.min(Math.max(need, Math.ceil(pages / 4)), MAX_PAGES - pages);
    if (want < need) throw new Error(`out of WebAssembly memory: expected room for ${bytes} bytes, got at most ${MAX_PAGES * PAGE}`);
    try {
      this.memory.grow(want);
    } catch {
      try { this.memory.grow(need); } catch {
        throw new Error(`out of WebAssembly memory: could not grow linear memory from ${have} to ${bytes} bytes`);
      }
    }
    this.renew();
  }

  // ---- storage on the device ----

  // A block for s (which may hold values elsewhere), entered in the young generation.
  private attach(s: Storage): number {
    if (s.device !== null && s.device !== this) s.evict();
    if (s.device === this) return s.ptr;
    const p = this.alloc(4 * s.length);
    s.device = this;
    s.ptr = p;
    s.devValid = false;
    s.old = false;
    if (s.born < 0) s.born = this.epoch;
    this.young.push(s);
    this.youngBytes += this.sizes.get(p)!;
    return p;
  }

  /** The byte address of s's current values in linear memory (copied in when the host's are newer). */
  readPtr(s: Storage): number {
    if (s.base) return this.readPtr(s.base) + 4 * s.offset;
    const p = this.attach(s);
    if (!s.devValid) {
      if (s.hostValid) { this.f32().set(s.host!, p >> 2); this.traffic.uploaded += 4 * s.length; }
      else this.f32().fill(0, p >> 2, (p >> 2) + s.length);
      s.devValid = true;
    }
    s.used = this.epoch;
    return p;
  }

  /** As readPtr, for a kernel that also writes the values: the host copy becomes stale. */
  writePtr(s: Storage): number {
    if (s.base) return this.writePtr(s.base) + 4 * s.offset;
    const p = this.readPtr(s);
    this.staleHost(s);
    s.version++;
    return p;
  }

  // A kernel is about to write s here: its host copy goes stale, and unless it is an array the
  // caller handed over (which stays the tensor's own), it is let go rather than kept out of date.
  private staleHost(s: Storage): void {
    s.hostValid = false;
    if (!s.adopted) s.host = null;
  }

  /** The address for a kernel that overwrites every element: nothing is copied in; the host copy becomes stale. */
  overwritePtr(s: Storage): number {
    if (s.base) return this.writePtr(s.base) + 4 * s.offset; // the rest of the base keeps its values
    const p = this.attach(s);
    s.devValid = true;
    this.staleHost(s);
    s.used = this.epoch;
    s.version++;
    return p;
  }

  download(s: Storage, host: FloatArray): void {
    const at = s.ptr >> 2;
    this.traffic.downloaded += 4 * s.length;
    host.set(this.f32().subarray(at, at + s.length));
  }

  release(s: Storage): void {
    if (s.device !== this) return;
    const size = this.sizes.get(s.ptr) ?? 0;
    if (s.old) { this.finalizer.unregister(s); this.oldBytes -= size; }
    else this.youngBytes -= size;
    this.free(s.ptr);
    s.device = null;
    s.ptr = 0;
    s.devValid = false;
    s.old = false;
  }

  collect(): void {
    if (this.youngBytes > this.youngBudget) this.collectNow();
  }

  /** Ends the current epoch now: promotes or moves out every young block (tests call it directly). */
  collectNow(): void {
    const E = this.epoch;
    const young = this.young;
    this.young = [];
    this.youngBytes = 0;
    for (const s of young) {
      if (s.device !== this || s.old) continue; // released (or promoted through a second entry) meanwhile
      if (E - s.born >= 2 && s.used === E) {
        s.old = true;
        this.oldBytes += this.sizes.get(s.ptr)!;
        this.finalizer.register(s, s.ptr, s);
      } else {
        if (!s.hostValid && s.devValid) s.read();
        this.free(s.ptr);
        s.device = null;
        s.ptr = 0;
        s.devValid = false;
      }
    }
    this.epoch = E + 1;
  }

  /** Bytes of young and of promoted blocks (for tests and diagnostics). */
  generations(): { young: number; old: number } {
    return { young: this.youngBytes, old: this.oldBytes };
  }
}
