// The browser side of the WebGPU suite (bundled by esbuild and loaded by ./webgpu_browser.test.ts into
// headless Chromium): opens a device, runs the kernel-case table (../kernel_cases.ts) over the
// webgpu backend against the reference, checks the synchronous-read rule, and leaves its report in
// `window.unfoldWebGPU` for the test to collect.

import { initWebGPU, webgpuUnavailable } from '../../../src/backend/webgpu/init.js';
import { sumSquaresTo, webgpuBackend } from '../../../src/backend/webgpu/webgpu_backend.js';
import { webgpuDevice } from '../../../src/backend/webgpu/encode.js';
import { Storage } from '../../../src/backend/storage.js';
import { kernelCases, runKernelCases } from '../kernel_cases.js';

export interface BrowserReport {
  adapter: string | null;
  cases: number;
  failures: string[];
  /** What a synchronous read of GPU-only values threw. */
  syncReadError: string;
  /** Values read after `await readAsync()`, synchronously. */
  afterAwait: number[];
  sumSquares: number;
  deviceErrors: string[];
  submissions: number;
}

async function main(): Promise<BrowserReport> {
  if (!(await initWebGPU())) return { adapter: null, cases: 0, failures: [webgpuUnavailable], syncReadError: '', afterAwait: [], sumSquares: 0, deviceErrors: [], submissions: 0 };
  const cases = kernelCases();
  const failures = await runKernelCases(webgpuBackend, cases);
  const x = new Storage('float32', 3);
  x.overwrite().set([1, 2, 3]);
  webgpuBackend.affineScalar(x, 2, 0, x);
  let syncReadError = '';
  try { x.read(); } catch (e) { syncReadError = (e as Error).message; }
  await x.readAsync();
  const afterAwait = Array.from(x.read());
  const ss = new Storage('float32', 1);
  sumSquaresTo(x, ss, 0);
  const dev = webgpuDevice()!;
  return { adapter: 'ok', cases: cases.length, failures, syncReadError, afterAwait, sumSquares: (await ss.readAsync())[0], deviceErrors: dev.errors, submissions: dev.submissions };
}

const w = globalThis as unknown as { unfoldWebGPU?: BrowserReport | { error: string } };
main().then((r) => { w.unfoldWebGPU = r; }, (e: Error) => { w.unfoldWebGPU = { error: String(e.stack ?? e) }; });
