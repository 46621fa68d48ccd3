// The browser side of the WebGPU suite (bundled by esbuild and loaded by ./webgpu_browser.test.ts into
// headless Chromium): runs ./webgpu_suite.ts and leaves its report in `window.unfoldWebGPU` for the
// test to collect.

import { runWebGPUSuite, type WebGPUReport } from './webgpu_suite.js';

const w = globalThis as unknown as { unfoldWebGPU?: WebGPUReport | { error: string } };
runWebGPUSuite().then((r) => { w.unfoldWebGPU = r; }, (e: Error) => { w.unfoldWebGPU = { error: String(e.stack ?? e) }; });
