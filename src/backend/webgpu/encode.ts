// The device the WebGPU backend computes on, and the small helpers every kernel call goes through:
// choosing the GPU or the reference for a call, building and submitting one call, and encoding the
// matrix product (which the recurrent kernels encode once per step inside their own call).

import type { Storage } from '../storage.js';
import type { GpuDevice } from './gpu_device.js';
import type { Call } from './call.js';
import { GEMM_TILE, gemmBody, gemmRows } from './kernels/gemm.js';

let device: GpuDevice | null = null;

/** Installs the device the backend computes on (initWebGPU does this). */
export function setWebGPUDevice(d: GpuDevice | null): void { device = d; }

/** The device the backend computes on, or null before initWebGPU. */
export function webgpuDevice(): GpuDevice | null { return device; }

/** The device when every storage is float32 (null storages are absent operands); null sends the call to the reference. */
export function onGpu(...xs: (Storage | null)[]): GpuDevice | null {
  if (device === null) throw new Error('the webgpu backend has no device: expected `await initWebGPU()` before setBackend(webgpuBackend)');
  for (const x of xs) if (x !== null && x.dtype !== 'float32') return null;
  return device;
}

/** One call on `dev`: build(call) encodes its dispatches, then it is submitted. */
export function submit(dev: GpuDevice, build: (c: Call) => void): void {
  const c = dev.call();
  build(c);
  c.submit();
}

/** Encodes C (+)= op(A)·op(B) (see Backend.gemm) into a call, A, B and C at element offsets. */
export function encodeGemm(
  c: Call, tA: boolean, tB: boolean, M: number, N: number, K: number,
  A: Storage, aOff: number, B: Storage, bOff: number, C: Storage, cOff: number, acc: boolean,
): void {
  if (M === 0 || N === 0) return;
  const cover = !acc && cOff === 0 && M * N === C.length;
  const rows = gemmRows(M);
  c.dispatch(`gemm:${rows}`, () => gemmBody(rows), [['a', A, 'read', aOff], ['b', B, 'read', bOff], ['c', C, cover ? 'overwrite' : 'write', cover ? undefined : cOff]],
    [M, N, K, +tA, +tB, +acc], [Math.ceil(N / GEMM_TILE), Math.ceil(M / rows)]);
}
