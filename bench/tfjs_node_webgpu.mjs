// TensorFlow.js's webgpu backend in Node, for the GPU rows of the benchmark: the backend registers
// itself only where `navigator.gpu` exists when its module loads, and Node has no navigator. So this
// finds an adapter the way unfold does in Node (src/backend/webgpu/node_gpu.ts: the optional `webgpu`
// package, Dawn, over the system's Vulkan or Chromium's SwiftShader), puts that entry point at
// navigator.gpu, then loads the backend. Both libraries then run on the same Dawn and the same adapter.
//
// Imports the built library (dist/): run `npm run build` first.

import { nodeGpu } from '../dist/src/backend/webgpu/node_gpu.js';

/**
 * Makes '@tensorflow/tfjs-backend-webgpu' usable in Node. Returns the adapter's description, or
 * throws with the reason there is none.
 */
export async function tfjsWebGPUInNode() {
  const found = await nodeGpu({ powerPreference: 'high-performance' });
  if (!('gpu' in found)) throw new Error(`no WebGPU adapter for TensorFlow.js in Node: ${found.reason}`);
  Object.defineProperty(globalThis, 'navigator', { value: { ...(globalThis.navigator ?? {}), gpu: found.gpu }, configurable: true, writable: true });
  await import('@tensorflow/tfjs-backend-webgpu');
  const info = found.adapter.info ?? {};
  return `${info.vendor ?? ''} ${info.architecture ?? ''} ${info.device ?? ''} ${info.description ?? ''}`.replace(/\s+/g, ' ').trim();
}
