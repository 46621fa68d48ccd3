// Starting the WebGPU backend: find an adapter (the browser's navigator.gpu, or in Node the `webgpu`
// package, Dawn's binding, when it is installed: ./node_gpu.ts), open a device, and hand it to the
// backend. Where there is no adapter the answer is false and nothing changes, so callers fall back to wasm.

import { GpuDevice } from './gpu_device.js';
import { setWebGPUDevice, webgpuDevice } from './encode.js';
import { nodeGpu } from './node_gpu.js';

/** Options of initWebGPU. */
export interface InitWebGPUOptions {
  /** The GPU entry point to use (default: navigator.gpu, or in Node the `webgpu` package's). */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
}

/** Why the last initWebGPU found no device ('' after a success). */
export let webgpuUnavailable = '';

/** The adapter the device runs on, as `vendor architecture` with ", a software adapter" for CPU ones ('' before a success). */
export let webgpuAdapter = '';

const isNode = (): boolean => typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

// The adapter of the given entry point, navigator.gpu's, or in Node the `webgpu` package's; or why there is none.
async function findAdapter(options: InitWebGPUOptions): Promise<GPUAdapter | string> {
  const request = options.powerPreference ? { powerPreference: options.powerPreference } : undefined;
  const gpu = options.gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (gpu === undefined) {
    if (!isNode()) return 'this environment has no WebGPU (no navigator.gpu)';
    const found = await nodeGpu(request);
    return 'reason' in found ? found.reason : found.adapter;
  }
  return (await gpu.requestAdapter(request)) ?? 'navigator.gpu.requestAdapter() found no adapter';
}

function describeAdapter(a: GPUAdapter): string {
  const info = a.info as GPUAdapterInfo | undefined; // absent in older browsers
  const name = [info?.vendor, info?.architecture].filter((s) => s !== undefined && s !== '').join(' ') || 'an unnamed adapter';
  return info?.isFallbackAdapter ? `${name}, a software adapter` : name;
}

/**
 * Opens a WebGPU device for the webgpu backend; resolves true when there is one (then
 * `setBackend(webgpuBackend)` runs tensor operations on it), false when this environment has no
 * WebGPU adapter (`webgpuUnavailable` says why). Calling it again keeps the open device.
 */
export async function initWebGPU(options: InitWebGPUOptions = {}): Promise<boolean> {
  if (webgpuDevice() !== null) return true;
  const adapter = await findAdapter(options);
  if (typeof adapter === 'string') { webgpuUnavailable = adapter; return false; }
  const need = (name: keyof GPUSupportedLimits): number => adapter.limits[name] as number;
  // Large models want the adapter's largest buffers, not the default 128 MiB bindings.
  const device = await adapter.requestDevice({
    requiredLimits: { maxStorageBufferBindingSize: need('maxStorageBufferBindingSize'), maxBufferSize: need('maxBufferSize') },
  });
  setWebGPUDevice(new GpuDevice(device));
  webgpuUnavailable = '';
  webgpuAdapter = describeAdapter(adapter);
  return true;
}
