// A WebGPU device as the engine's Device (../storage.ts): Storages get GPU buffers from a pool,
// values go up on first use and come back only through an asynchronous read, and each backend call
// becomes one command submission (its uploads, parameter block and dispatches).
//
// Reading back: WebGPU maps buffers for reading only asynchronously (mapAsync), so the synchronous
// Device.download cannot be served; it throws an error naming the asynchronous read to use
// (`await tensor.read()`, Storage.readAsync). downloadAsync is that read.
//
// Memory: the wasm heap's young generation works by copying young blocks to the host at safe points,
// which needs a synchronous read. Here blocks are instead freed (back to the pool) when their
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
import { bindShader, WG } from './shader.js';

// GPUBufferUsage / GPUMapMode flags (the globals are absent in Node without a binding).
const MAP_READ = 0x1, COPY_SRC = 0x4, COPY_DST = 0x8, STORAGE = 0x80;

/** How a kernel uses an operand: reads it, reads and writes it, or writes every element it covers without reading. */
export type Access = 'read' | 'write' | 'overwrite';

/**
 * One operand of a dispatch: its name in the kernel body, its storage, how the kernel uses it, and
 * optionally an element offset into the storage (a time step's block) that `$name[0]` then starts at.
 */
export type Operand = readonly [name: string, storage: Storage, access: Access, offset?: number];

// The byte size of the pooled buffer that holds `bytes`: powers of two up to 1 MiB, then whole MiB.
function sizeClass(bytes: number): number {
  const b = Math.max(256, bytes);
  if (b <= 1 << 20) return 2 ** Math.ceil(Math.log2(b));
  return Math.ceil(b / (1 << 20)) * (1 << 20);
}

/** An error for a synchronous read of values that only the GPU holds. */
export function gpuOnlyError(what: string): Error {
  return new Error(`${what}: the values live in GPU memory (webgpu backend), and WebGPU reads back only asynchronously;`
    + ' expected `await tensor.read()` (or `await storage.readAsync()`) before reading them synchronously');
}

interface Pending {
  readonly pipeline: GPUComputePipeline;
  readonly buffers: GPUBuffer[];
  readonly meta: Uint32Array;
  readonly groups: readonly [number, number, number];
}

type Copy = readonly [src: GPUBuffer, srcByte: number, dst: GPUBuffer, dstByte: number, bytes: number];
type Step = { readonly pass: Pending[] } | { readonly copy: Copy };

/** One backend call being built: its dispatches go into one command encoder, submitted by submit(). */
export class Call {
  private readonly steps: Step[] = [];
  private readonly clears: [GPUBuffer, number][] = [];
  private readonly temps: GPUBuffer[] = [];

  constructor(private readonly dev: GpuDevice) {}

  /** Zeros `bytes` of `buf` before this call's dispatches run. */
  clear(buf: GPUBuffer, bytes: number): void { this.clears.push([buf, bytes]); }

  /**
   * A dispatch of kernel `key` (source `body`, see ./shader.ts) over `operands` with u32 parameters
   * `params`, on a grid of `groups` workgroups. Inputs must come before outputs in `operands`.
   */
  dispatch(key: string, body: string | (() => string), operands: readonly Operand[], params: ArrayLike<number>, groups: readonly [number, number?, number?]): void {
    const bufs: GPUBuffer[] = [];
    const binding: number[] = [];
    const meta = new Uint32Array(operands.length + params.length);
    const inputs = new Set<Storage>();
    operands.forEach(([, s, access, offset], j) => {
      // An output that is also an input (or a view into a larger buffer) keeps the values it is not given.
      const a = access === 'overwrite' && (inputs.has(s.root) || s.base !== null || offset !== undefined) ? 'write' : access;
      const buf = this.buffer(s, a);
      if (a === 'read') inputs.add(s.root);
      let k = bufs.indexOf(buf);
      if (k < 0) { bufs.push(buf); k = bufs.length - 1; }
      binding.push(k + 1);
      meta[j] = s.offset + (offset ?? 0);
    });
    meta.set(params, operands.length);
    const names = operands.map((o) => o[0]);
    const pipeline = this.dev.pipeline(`${key}|${binding.join(',')}`, () => bindShader(typeof body === 'string' ? body : body(), names, binding));
    const last = this.steps[this.steps.length - 1];
    const d: Pending = { pipeline, buffers: bufs, meta, groups: [groups[0], groups[1] ?? 1, groups[2] ?? 1] };
    if (last !== undefined && 'pass' in last) last.pass.push(d);
    else this.steps.push({ pass: [d] });
  }

  /** The buffer holding s's root storage, brought in for `access` (see Access). */
  buffer(s: Storage, access: Access): GPUBuffer {
    const root = s.root;
    return access === 'read' ? this.dev.readBuffer(root, this) : access === 'write' ? this.dev.writeBuffer(root, this) : this.dev.overwriteBuffer(root);
  }

  /** Copies `bytes` from one buffer to another (distinct buffers), in order with the dispatches. */
  copyBuffer(src: GPUBuffer, srcByte: number, dst: GPUBuffer, dstByte: number, bytes: number): void {
    this.steps.push({ copy: [src, srcByte, dst, dstByte, bytes] });
  }

  /** A buffer for this call only (destroyed once the call's work is done). */
  temp(bytes: number): GPUBuffer {
    const b = this.dev.gpu.createBuffer({ size: Math.max(16, Math.ceil(bytes / 4) * 4), usage: STORAGE | COPY_SRC | COPY_DST });
    this.temps.push(b);
    return b;
  }

  /** Encodes the call: parameter blocks in one upload, then clears, dispatches and copies in order; one submission. */
  submit(): void {
    const gpu = this.dev.gpu;
    const align = this.dev.metaAlign;
    const blockBytes = (d: Pending): number => Math.max(d.meta.byteLength, 4);
    let total = 0;
    for (const step of this.steps) if ('pass' in step) for (const d of step.pass) total += Math.ceil(blockBytes(d) / align) * align;
    const metaBuf = total > 0 ? gpu.createBuffer({ size: total, usage: STORAGE | COPY_DST }) : null;
    if (metaBuf !== null) {
      const all = new Uint32Array(total / 4);
      let at = 0;
      for (const step of this.steps) if ('pass' in step) for (const d of step.pass) { all.set(d.meta, at / 4); at += Math.ceil(blockBytes(d) / align) * align; }
      gpu.queue.writeBuffer(metaBuf, 0, all);
    }
    const enc = gpu.createCommandEncoder();
    for (const [buf, bytes] of this.clears) enc.clearBuffer(buf, 0, Math.ceil(bytes / 4) * 4);
    let at = 0;
    for (const step of this.steps) {
      if ('copy' in step) { enc.copyBufferToBuffer(...step.copy); continue; }
      const pass = enc.beginComputePass();
      for (const d of step.pass) {
        const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: metaBuf!, offset: at, size: blockBytes(d) } }];
        at += Math.ceil(blockBytes(d) / align) * align;
        d.buffers.forEach((b, k) => entries.push({ binding: k + 1, resource: { buffer: b } }));
        pass.setPipeline(d.pipeline);
        pass.setBindGroup(0, gpu.createBindGroup({ layout: d.pipeline.getBindGroupLayout(0), entries }));
        pass.dispatchWorkgroups(d.groups[0], d.groups[1], d.groups[2]);
      }
      pass.end();
    }
    gpu.queue.submit([enc.finish()]);
    metaBuf?.destroy(); // freed once the submitted work is done
    for (const t of this.temps) t.destroy();
    this.dev.submissions++;
  }
}

/** Workgroups for n threads of a 1-D kernel, as a 2-D grid within the per-axis limit. */
export function grid(n: number): [number, number] {
  const groups = Math.max(1, Math.ceil(n / WG));
  if (groups <= 65535) return [groups, 1];
  const x = 32768;
  return [x, Math.ceil(groups / x)];
}

export class GpuDevice implements Device {
  readonly name = 'webgpu';
  /** Byte alignment of a storage-buffer binding's offset (the parameter blocks of one call share a buffer). */
  readonly metaAlign: number;
  private readonly buffers = new Map<number, GPUBuffer>(); // storage ptr (an id here) → its buffer
  private nextId = 1;
  private readonly pool = new Map<number, GPUBuffer[]>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly finalizer = new FinalizationRegistry<number>((id) => this.freeId(id));
  /** Bytes moved each way and command submissions so far (diagnostics: a chain of kernels uploads nothing). */
  readonly traffic = { uploaded: 0, downloaded: 0 };
  submissions = 0;
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

  /** A new call to build dispatches into. */
  call(): Call { return new Call(this); }

  // ---- buffers ----

  private take(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const list = this.pool.get(size);
    if (list !== undefined && list.length > 0) return list.pop()!;
    return this.gpu.createBuffer({ size, usage: STORAGE | COPY_SRC | COPY_DST });
  }

  private freeId(id: number): void {
    const b = this.buffers.get(id);
    if (b === undefined) return;
    this.buffers.delete(id);
    let list = this.pool.get(b.size);
    if (list === undefined) this.pool.set(b.size, (list = []));
    list.push(b);
  }

  /** Destroys the pooled buffers no storage holds (tests and diagnostics). */
  trim(): void {
    for (const list of this.pool.values()) for (const b of list) b.destroy();
    this.pool.clear();
  }

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
