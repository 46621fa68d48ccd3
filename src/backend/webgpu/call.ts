// One backend call on the WebGPU device: its dispatches (kernel, operands, parameter block, grid),
// buffer copies and zero-fills, encoded into one command encoder and submitted once. The parameter
// blocks of all its dispatches travel in one buffer, uploaded once; each operand is bound once per
// distinct GPU buffer (see ./shader.ts for why and how).

import type { Storage } from '../storage.js';
import type { GpuDevice } from './gpu_device.js';
import { bindShader, WG } from './shader.js';

// GPUBufferUsage flags (the globals are absent in Node without a binding).
const COPY_SRC = 0x4, COPY_DST = 0x8, STORAGE = 0x80;

/** How a kernel uses an operand: reads it, reads and writes it, or writes every element it covers without reading. */
export type Access = 'read' | 'write' | 'overwrite';

/**
 * One operand of a dispatch: its name in the kernel body, its storage, how the kernel uses it, and
 * optionally an element offset into the storage (a time step's block) that `$name[0]` then starts at.
 */
export type Operand = readonly [name: string, storage: Storage, access: Access, offset?: number];

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
    const metaBuf = total > 0 ? this.dev.metaBuffer(total) : null;
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
    for (const t of this.temps) t.destroy();
    this.dev.submitted();
  }
}

/** Workgroups for n threads of a 1-D kernel, as a 2-D grid within the per-axis limit. */
export function grid(n: number): [number, number] {
  const groups = Math.max(1, Math.ceil(n / WG));
  if (groups <= 65535) return [groups, 1];
  const x = 32768;
  return [x, Math.ceil(groups / x)];
}

