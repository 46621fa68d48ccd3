// The WebGPU suite (./webgpu_suite.ts, the same one Chromium runs) in Node, through the optional
// `webgpu` package (Dawn): on a GPU where the system's Vulkan has one, else on Chromium's SwiftShader
// (../../../src/backend/webgpu/node_gpu.ts). Every kernel case matches the reference to float32
// tolerance, training matches wasm, and GPU memory comes back on collection
// (./webgpu_suite_checks.ts). Skipped, saying why, where the package or an adapter is missing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { initWebGPU, webgpuAdapter, webgpuUnavailable } from '../../../src/backend/webgpu/init.js';
import { runWebGPUSuite } from './webgpu_suite.js';
import { checkWebGPUReport } from './webgpu_suite_checks.js';

test('the WebGPU suite passes on the webgpu backend in Node (the `webgpu` package)', { timeout: 120_000 }, async (t) => {
  if (!(await initWebGPU())) { t.skip(`no WebGPU in this Node: ${webgpuUnavailable}`); return; }
  // The memory check collects garbage as the page does with --expose-gc.
  setFlagsFromString('--expose-gc');
  (globalThis as { gc?: () => void }).gc ??= runInNewContext('gc') as () => void;
  const r = await runWebGPUSuite();
  assert.equal(r.adapter, webgpuAdapter);
  t.diagnostic(`adapter: ${webgpuAdapter}; ms: ${JSON.stringify(r.ms)}`);
  checkWebGPUReport(r, []);
});
