// Starting the WebGPU backend: find an adapter (the browser's navigator.gpu, or in Node the `webgpu`
// package, Dawn's binding, when it is installed), open a device, and hand it to the backend. Where
// there is no adapter the answer is false and nothing changes, so callers fall back to wasm.

import { GpuDevice } from './gpu_device.js';
import { setWebGPUDevice, webgpuDevice } from './encode.js';

/** Options of initWebGPU. */
export interface InitWebGPUOptions {
  /** The GPU entry point to use (default: navigator.gpu, or in Node the `webgpu` package's). */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
}

/** Why the last initWebGPU found no device ('' after a success). */
export let webgpuUnavailable = '';

// navigator.gpu where there is one; in Node, Dawn through the optional `webgpu` package.
async function findGpu(): Promise<GPU | null> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  const isNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
  if (!isNode) return null;
  const name = 'webgpu'; // a variable, so that bundlers leave this optional Node-only import alone
  try {
    const m = (await import(name)) as { create(flags: string[]): GPU; globals: Record<string, unknown> };
    Object.assign(globalThis, m.globals); // GPUBufferUsage and the other constants the binding's objects expect
    return m.create([]);
  } catch (e) {
    webgpuUnavailable = `the optional 'webgpu' package did not load (${(e as Error).message.split('\n')[0]})`;
    return null;
  }
}

/**
 * Opens a WebGPU device for the webgpu backend; resolves true when there is one (then
 * `setBackend(webgpuBackend)` runs tensor operations on it), false when this environment has no
 * WebGPU adapter (`webgpuUnavailable` says why). Calling it again keeps the open device.
 */
export async function initWebGPU(options: InitWebGPUOptions = {}): Promise<boolean> {
  if (webgpuDevice() !== null) return true;
  const gpu = options.gpu ?? (await findGpu());
  if (gpu === null) {
    webgpuUnavailable ||= 'this environment has no WebGPU (no navigator.gpu)';
    return false;
  }
  const adapter = await gpu.requestAdapter(options.powerPreference ? { powerPreference: options.powerPreference } : undefined);
  if (adapter === null) { webgpuUnavailable = 'navigator.gpu.requestAdapter() found no adapter'; return false; }
  const need = (name: keyof GPUSupportedLimits): number => adapter.limits[name] as number;
  // Large models want the adapter's largest buffers, not the default 128 MiB bindings.
  const device = await adapter.requestDevice({
    requiredLimits: { maxStorageBufferBindingSize: need('maxStorageBufferBindingSize'), maxBufferSize: need('maxBufferSize') },
  });
  setWebGPUDevice(new GpuDevice(device));
  webgpuUnavailable = '';
  return true;
}
