// The WebGPU suite (./webgpu_suite.ts) in headless Chromium, on its software adapter (SwiftShader): the kernel-case
// table (../kernel_cases.ts) runs over the webgpu backend against the reference, to float32
// tolerance; a synchronous read of values only the GPU holds throws the documented error, and the
// awaited read brings them back; five Adam steps of an LSTM train to wasm's losses reading back
// nothing but the five losses; `fit` trains a character model there (clipping on the device,
// evaluations on the host from the GPU's weights) to wasm's losses; and GPU buffers come back when
// their tensors are garbage collected (./webgpu_suite_checks.ts). The page is ./browser_suite.ts (see
// ./page.ts for how it is served). Skipped, saying why, where Chromium or its WebGPU adapter is missing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { CHROMIUM } from '../../viz/browser.js';
import { onPage } from './page.js';
import type { WebGPUReport } from './webgpu_suite.js';
import { checkWebGPUReport } from './webgpu_suite_checks.js';

test('the kernel suite passes on the webgpu backend in headless Chromium (SwiftShader)', { skip: !existsSync(CHROMIUM) && 'needs Chromium at /usr/bin/chromium', timeout: 240_000 }, async (t) => {
  // --expose-gc: gc() for the memory check.
  await onPage<WebGPUReport | { error: string }>('browser_suite.ts', 'unfoldWebGPU', ['--js-flags=--expose-gc'], (r, errors) => {
    if ('error' in r) assert.fail(`the page failed: ${r.error}`);
    if (r.adapter === null) { t.skip(`Chromium has no WebGPU adapter here: ${r.failures.join('; ')}`); return; }
    checkWebGPUReport(r, errors);
  });
});
