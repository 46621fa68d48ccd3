// A tensor's memory: `length` elements of one dtype, owned by the backends rather than by the Tensor.
// The values can have two homes at once: a JS typed array (the host copy, what the reference
// backend computes on and what `tensor.data` returns) and a block of a device's memory (the
// WebAssembly heap now, GPU buffers later). Each copy is either current or stale, and a copy is
// brought up to date only when someone asks for it there, so a chain of wasm kernels never touches
// JS memory, and reading values into JS is one explicit copy.
//
// Why this shape (the choice the engine rests on): kernels want their operands in their own memory
// (a wasm kernel can only address its linear memory; a GPU kernel its buffers), JavaScript can only
// reclaim JS objects, and nothing in the language tells a running synchronous loop that an object
// died: FinalizationRegistry callbacks wait for the event loop, and WeakRefs keep their targets
// alive until the current job ends. So device memory cannot be tied to the garbage collector alone
// without leaking in a plain `for` loop of training steps. Instead a device keeps its recent blocks
// in a young generation with a byte budget; at a safe point past the budget, young blocks are moved
// out (values copied to the host copy, device block freed), and JS's own collector then reclaims
// whatever of them was garbage. Blocks that stay in use across collections (parameters, optimizer
// state, pooled workspaces) are promoted and freed only when their Storage is collected. Users never
// call dispose(); the price is one copy of each short-lived tensor that is still young at a
// collection. The library keeps that price down where it knows a buffer's life: workspaces are
// pooled (and so promoted), a fused op's outputs that only the layer sees are reused after backward
// (packedBuffer in src/autograd/recurrent/packed_output.ts), and a gradient nobody outside read is
// reused by the next backward (Tensor.spareGrad). (The options weighed: reference counting needs dispose() or tidy(), which is what
// TensorFlow.js users trip over; per-step arenas released by backward would free tensors a user
// still holds; a FinalizationRegistry alone never runs inside a synchronous loop.)

import { allocate, type DType, type FloatArray } from './dtype.js';
import { chargeAllocation } from './allocation_budget.js';

/** Memory a backend computes in (the wasm heap; later a GPU). It moves values in and out of Storages. */
export interface Device {
  readonly name: string;
  /** Copies s's current device values into `host` (s.length elements). */
  download(s: Storage, host: FloatArray): void;
  /** Frees s's device block (its values must be current elsewhere, or no longer wanted). */
  release(s: Storage): void;
  /** Called at safe points (no kernel running, no device address held): may move young blocks out. */
  collect(): void;
  /**
   * Copies s's current device values into `host`, asynchronously: for a device that cannot read back
   * synchronously (WebGPU, whose download throws), what Storage.readAsync uses.
   */
  downloadAsync?(s: Storage, host: FloatArray): Promise<void>;
}

const devices: Device[] = [];

/** Registers a device so that safePoint() reaches it. */
export function registerDevice(d: Device): void {
  if (!devices.includes(d)) devices.push(d);
}

/**
 * A point where no kernel is running and no device address is held outside a Storage: devices may
 * move young blocks out here. The tensor layer calls it whenever it makes a tensor (the backend
 * never makes tensors, so no kernel can be in flight).
 */
export function safePoint(): void {
  for (let i = 0; i < devices.length; i++) devices[i].collect();
}

let scratchScope = 0;   // the scope new storages are made in (0: none)
let scopes = 0;

/**
 * Opens a scratch scope (the backward engine opens one per pass): storages made while it is open
 * carry its number, so the engine can tell the gradient temporaries it may drop from anything made
 * before. Returns the scope's number; closeScratch(n) closes it.
 */
export function openScratch(): number {
  scratchScope = ++scopes;
  return scratchScope;
}

/** Closes scratch scope n (opened by openScratch). */
export function closeScratch(n: number): void {
  if (scratchScope === n) scratchScope = 0;
}

/**
 * The values of one tensor (or several: reshape shares them), in host memory, device memory or
 * both. A new Storage holds zeros and owns no memory until a copy is asked for.
 */
export class Storage {
  readonly dtype: DType;
  readonly length: number;
  /** @internal The host copy (null until first needed). */
  host: FloatArray | null;
  /** @internal Whether the host copy is an array the caller handed over (Storage.wrap), kept as the tensor's own. */
  adopted: boolean;
  /** @internal Whether `host` holds the current values. */
  hostValid: boolean;
  /** @internal The device holding a block for these values, if any. */
  device: Device | null = null;
  /** @internal The block's address on `device` (wasm: byte address in linear memory). */
  ptr = 0;
  /** @internal Whether the device block holds the current values. */
  devValid = false;
  /** @internal Device bookkeeping: the device's collection count when it first held these values (-1: never), and at their last use. */
  born = -1;
  used = 0;
  /** @internal Whether the device promoted the block out of its young generation. */
  old = false;
  /** @internal The scratch scope this storage was made in (0: none, or it escaped the scope). */
  scratch = scratchScope;
  /** Counts the writes handed out (host or device): equal counts mean unchanged values. */
  version = 0;
  /**
   * @internal For a view (Storage.view): the storage whose elements [offset, offset + length) these
   * are. A view owns nothing: every copy, its state and its version live in the base.
   */
  readonly base: Storage | null = null;
  readonly offset: number = 0;

  /** A storage of `length` zeros; or, given `host`, one that adopts that array (no copy). */
  constructor(dtype: DType, length: number, host: FloatArray | null = null) {
    // Counted when made, not when a copy is first allocated, so an open budget refuses it up front.
    chargeAllocation(length * (dtype === 'float64' ? 8 : 4), 1);
    this.dtype = dtype;
    this.length = length;
    if (host !== null && host.length !== length) throw new Error(`expected a host array of ${length} elements, got ${host.length}`);
    this.host = host;
    this.hostValid = host !== null;
    this.adopted = host !== null;
  }

  /** Adopts a typed array as the host copy of a new storage (its dtype follows the array). */
  static wrap(values: FloatArray): Storage {
    return new Storage(values instanceof Float64Array ? 'float64' : 'float32', values.length, values);
  }

  /**
   * Elements [offset, offset + length) of `base` as a storage of their own, without a copy: reads
   * and writes through either are seen by the other. (A fused op's outputs are views of the one
   * buffer its kernel fills.)
   */
  static view(base: Storage, offset: number, length: number): Storage {
    if (!(offset >= 0 && length >= 0 && offset + length <= base.length)) {
      throw new Error(`expected a window inside ${base.length} elements, got [${offset}, ${offset + length})`);
    }
    const root = base.base ?? base;
    const v = new Storage(base.dtype, length);
    (v as { base: Storage | null }).base = root;
    (v as { offset: number }).offset = offset + base.offset;
    return v;
  }

  /** The storage holding the values (this one, or a view's base) and where these start in it. */
  get root(): Storage { return this.base ?? this; }

  /** Whether the values are zeros that no copy holds yet. */
  get pristine(): boolean { return this.base ? this.base.pristine : !this.hostValid && !this.devValid; }

  /**
   * The host copy, brought up to date (copied from the device when the device's is newer). For
   * reading: writes into it may be lost the next time a device writes these values.
   */
  read(): FloatArray {
    if (this.base) return this.base.read().subarray(this.offset, this.offset + this.length);
    if (this.hostValid) return this.host!;
    const h = (this.host ??= allocate(this.dtype, this.length));
    if (this.devValid) this.device!.download(this, h);
    else h.fill(0); // pristine: zeros (a host array that went stale holds old values)
    this.hostValid = true;
    return h;
  }

  /**
   * The host copy brought up to date, waiting for the device where it reads back asynchronously
   * (WebGPU); afterwards read() works without waiting until a kernel writes the values again.
   */
  async readAsync(): Promise<FloatArray> {
    if (this.base) return (await this.base.readAsync()).subarray(this.offset, this.offset + this.length);
    for (;;) {
      const d = this.device;
      if (this.hostValid || !this.devValid || d === null || d.downloadAsync === undefined) return this.read();
      const v = this.version, h = (this.host ??= allocate(this.dtype, this.length));
      await d.downloadAsync(this, h);
      // Written meanwhile (then the device's copy is newer: go again), or made current some other way.
      if (this.version === v && this.devValid && !this.hostValid) { this.hostValid = true; return h; }
    }
  }

  /** The host copy, up to date, for reading and writing: the device copy becomes stale. */
  write(): FloatArray {
    if (this.base) return this.base.write().subarray(this.offset, this.offset + this.length);
    const h = this.read();
    this.devValid = false;
    this.version++;
    return h;
  }

  /** The host copy for a caller that overwrites every element: nothing is copied in, the device copy becomes stale. */
  overwrite(): FloatArray {
    if (this.base) return this.write(); // the rest of the base keeps its values
    const h = (this.host ??= allocate(this.dtype, this.length));
    this.hostValid = true;
    this.devValid = false;
    this.version++;
    return h;
  }

  /**
   * Forgets the values: frees the device block and the host copy, without copying anything. For
   * temporaries nobody will read again (the engine's gradient sums once consumed); the storage
   * reads as zeros afterwards.
   */
  drop(): void {
    if (this.base) return; // a view's values belong to its base
    if (this.device !== null) this.device.release(this);
    this.host = null;
    this.hostValid = false;
    this.devValid = false;
  }

  /** Frees the device block after making the host copy current (the values stay readable). */
  evict(): void {
    if (this.base) { this.base.evict(); return; }
    if (this.device === null) return;
    this.read();
    this.device.release(this);
  }
}
