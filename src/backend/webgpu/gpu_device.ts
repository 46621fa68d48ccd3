// A WebGPU device as the engine's Device (../storage.ts): Storages get GPU buffers from a pool,
// values go up on first use and come back only through an asynchronous read, and each backend call
// becomes one command submission (its uploads, parameter block and dispatches).
//
// Reading back: WebGPU maps buffers for reading only asynchronously (mapAsync), so the synchronous
// Device.download cannot be served; it throws an error naming the asynchronous read to use
// (`await tensor.read()`, Storage.readAsync). downloadAsync is that read.
//
// Memory: the wasm heap's young generation works by copying young blocks to the host at safe points,
// which needs a synchronous read. Here blocks are instead freed (back to the pool, ./buffer_pool.ts,
// which destroys what is not reused: it shrinks after a burst) when their
// Storage is garbage collected (FinalizationRegistry) or dropped by the backward engine. Finalizers
// run only when the event loop turns, so a loop that trains on the GPU must await now and then;
// that is no extra cost here, because reading any value back (the loss) awaits anyway, and the
// training loop awaits its loss once per step (see webgpu_backend.ts).
//
// Ordering: everything goes through the one queue in program order. Uploads (writeBuffer) made
// while a call is built land before that call's submission and after every earlier one, so a
// pooled buffer reused by a later call is never written before earlier work that read it.

import type { FloatArray } from '../dtype.js';
import { registerDevice, type Device, type Storage } from '../storage.js';
import { Call } from './call.js';
import { BufferPool } from './buffer_pool.js';

// GPUBufferUsage / GPUMapMode flags (the globals are absent in Node without a binding).
const MAP_READ = 0x1, COPY_SRC = 0x4, COPY_DST = 0x8, STORAGE = 0x80;

// The byte size of the pooled buffer that holds `bytes`: powers of two up to 1 MiB, then whole MiB.
function sizeClass(bytes: number): number {
  const b = Math.max(256, bytes);
  if (b <= 1 << 20) return 2 ** Math.ceil(Math.log2(b));
  return Math.ceil(b / (1 << 20)) * (1 << 20);
}

/** Parameter-block buffers used in turn by successive calls (see GpuDevice.metaBuffer). */
const META_RING = 16;

/** An error for a synchronous read of values that only the GPU holds. */
export function gpuOnlyError(what: string): Error {
  return new Error(`${what}: the values live in GPU memory (webgpu backend), and WebGPU reads back only asynchronously;`
    + ' expected `await tensor.read()` (or `await storage.readAsync()`) before reading them synchronously');
}

/** A GPUDevice as the engine's Device: pooled buffers for Storages, pipelines made once, asynchronous reads. */
export class GpuDevice implements Device {
  readonly name = 'webgpu';
  /** Byte alignment of a storage-buffer binding's offset (the parameter blocks of one call share a buffer). */
  readonly metaAlign: number;
  private readonly buffers = new Map<number, GPUBuffer>(); // storage ptr (an id here) → its buffer
  private nextId = 1;
  /** The idle buffers kept for reuse (and trimmed: see ./buffer_pool.ts). */
  readonly pool = new BufferPool<GPUBuffer>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly finalizer = new FinalizationRegistry<number>((id) => this.freeId(id));
  /** Bytes moved each way and command submissions so far (diagnostics: a chain of kernels uploads nothing). */
  readonly traffic = { uploaded: 0, downloaded: 0 };
  private submitCount = 0;
  /** Validation and out-of-memory errors the device reported (WebGPU reports them asynchronously). */
  readonly errors: string[] = [];

  constructor(readonly gpu: GPUDevice) {
    this.metaAlign = Math.max(256, gpu.limits.minStorageBufferOffsetAlignment);
    gpu.onuncapturederror = (e: GPUUncapturedErrorEvent) => { this.errors.push(e.error.message); };
    registerDevice(this);
  }

  /** The compute pipeline for a kernel variant, made once. */
  pipeline(key: string, source: () => string): GPUComputePipeline {
    let p = this.pipelines.get(key);
    if (p === undefined) {
      const module = this.gpu.createShaderModule({ code: source() });
      p = this.gpu.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.pipelines.set(key, p);
    }
    return p;
  }

  private readonly metas: (GPUBuffer | null)[] = new Array<GPUBuffer | null>(META_RING).fill(null);
  private metaAt = 0;

  /**
   * The buffer a call's parameter blocks go into, at least `bytes` long, taken in turn from a ring of
   * META_RING buffers and written with queue.writeBuffer, which the queue orders after the work
   * already submitted, so a call never overwrites parameters an earlier call still reads. A ring
   * rather than a buffer made per call (a creation and a destruction each time) or one buffer for
   * every call (each call's upload then waits for the previous call's reads). A buffer grows by
   * doubling; the old one is destroyed, which WebGPU defers until the work that uses it is done.
   * On SwiftShader, alternated runs of the char-model step measured the same as per-call buffers;
   * what it saves on a GPU is not measured yet.
   */
  metaBuffer(bytes: number): GPUBuffer {
    const k = this.metaAt;
    this.metaAt = (k + 1) % META_RING;
    let b = this.metas[k];
    if (b === null || b.size < bytes) {
      b?.destroy();
      b = this.metas[k] = this.gpu.createBuffer({ size: Math.max(4096, 2 ** Math.ceil(Math.log2(bytes))), usage: STORAGE | COPY_DST });
    }
    return b;
  }

  /** A new call to build dispatches into. */
  call(): Call { return new Call(this); }

  /** Backend calls submitted so far. */
  get submissions(): number { return this.submitCount; }

  /** Counts a call's submission (the pool's clock). */
  submitted(): void {
    this.submitCount++;
    this.pool.submitted();
  }

  // ---- buffers ----

  private take(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    return this.pool.take(size) ?? this.gpu.createBuffer({ size, usage: STORAGE | COPY_SRC | COPY_DST });
  }

  private freeId(id: number): void {
    const b = this.buffers.get(id);
    if (b === undefined) return;
    this.buffers.delete(id);
    this.pool.give(b);
  }

  /** Destroys the pooled buffers no storage holds (tests and diagnostics). */
  trim(): void { this.pool.clear(); }

  /** Bytes in buffers that storages hold now. */
  liveBytes(): number {
    let n = 0;
    for (const b of this.buffers.values()) n += b.size;
    return n;
  }

  // A buffer for root storage s, without its values.
  private attach(s: Storage): GPUBuffer {
    if (s.device !== null && s.device !== this) s.evict();
    if (s.device === this) return this.buffers.get(s.ptr)!;
    const buf = this.take(4 * s.length);
    const id = this.nextId++;
    this.buffers.set(id, buf);
    s.device = this;
    s.ptr = id;
    s.devValid = false;
    this.finalizer.register(s, id, s);
    return buf;
  }

  /** s's buffer holding its current values (uploaded, or zeroed by `call`, when the GPU's copy is not current). */
  readBuffer(s: Storage, call: Call): GPUBuffer {
    if (s.dtype !== 'float32') throw new Error(`webgpu: expected a float32 storage, got ${s.dtype}`);
    const buf = this.attach(s);
    if (!s.devValid) {
      if (s.hostValid) {
        const h = s.host!;
        this.gpu.queue.writeBuffer(buf, 0, h.buffer, h.byteOffset, h.byteLength);
        this.traffic.uploaded += h.byteLength;
      } else call.clear(buf, 4 * s.length);
      s.devValid = true;
    }
    return buf;
  }

  /** As readBuffer, for a kernel that also writes: the host copy goes stale. */
  writeBuffer(s: Storage, call: Call): GPUBuffer {
    const buf = this.readBuffer(s, call);
    this.staleHost(s);
    return buf;
  }

  /** The buffer for a kernel that writes every element: nothing is uploaded; the host copy goes stale. */
  overwriteBuffer(s: Storage): GPUBuffer {
    if (s.dtype !== 'float32') throw new Error(`webgpu: expected a float32 storage, got ${s.dtype}`);
    const buf = this.attach(s);
    s.devValid = true;
    this.staleHost(s);
    return buf;
  }

  private staleHost(s: Storage): void {
    s.hostValid = false;
    if (!s.adopted) s.host = null;
    s.version++;
  }

  /** The buffer of a root storage already on this device (for copies between buffers). */
  bufferOf(s: Storage): GPUBuffer { return this.buffers.get(s.ptr)!; }

  // ---- Device ----

  download(_s: Storage, _host: FloatArray): void {
    throw gpuOnlyError('a synchronous read of a tensor');
  }

  async downloadAsync(s: Storage, host: FloatArray): Promise<void> {
    const bytes = 4 * s.length;
    if (bytes === 0) return;
    const staging = this.gpu.createBuffer({ size: bytes, usage: MAP_READ | COPY_DST });
    const enc = this.gpu.createCommandEncoder();
    enc.copyBufferToBuffer(this.bufferOf(s), 0, staging, 0, bytes);
    this.gpu.queue.submit([enc.finish()]);
    await staging.mapAsync(MAP_READ);
    host.set(new Float32Array(staging.getMappedRange(), 0, s.length));
    staging.unmap();
    staging.destroy();
    this.traffic.downloaded += bytes;
  }

  release(s: Storage): void {
    if (s.device !== this) return;
    this.finalizer.unregister(s);
    this.freeId(s.ptr);
    s.device = null;
    s.ptr = 0;
    s.devValid = false;
  }

  collect(): void {
    // Nothing to move at a synchronous safe point: see the header (freed by finalizers and drop()).
  }
}
