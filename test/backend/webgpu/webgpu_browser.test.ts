// The WebGPU backend in headless Chromium, on its software adapter (SwiftShader): the kernel-case
// table (../kernel_cases.ts) runs over the webgpu backend against the reference, to float32
// tolerance; a synchronous read of values only the GPU holds throws the documented error, and the
// awaited read brings them back; five Adam steps of an LSTM train to wasm's losses reading back
// nothing but the five losses; and `fit` trains a character model there (clipping on the device,
// evaluations on the host from the GPU's weights) to wasm's losses; GPU buffers come back when their
// tensors are garbage collected. The page is ./browser_suite.ts bundled by esbuild (the project's
// browser bundler), served from a local port (WebGPU needs a secure context: localhost is one).
// Skipped, saying why, where Chromium or its WebGPU adapter is missing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { CHROMIUM, launchChromium, watchedPage } from '../../viz/browser.js';
import { ROOT } from '../../helpers/files.js';
import type { BrowserReport } from './browser_suite.js';

/** The switches that give headless Chromium a WebGPU adapter without a GPU. */
export const WEBGPU_SWITCHES = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--disable-gpu-sandbox'];

/** Serves `js` as a module script of an otherwise empty page; resolves the page's address and a closer. */
export async function servePage(js: string): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    if (req.url === '/suite.js') { res.setHeader('content-type', 'text/javascript'); res.end(js); return; }
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><script type="module" src="/suite.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => server.close() };
}

test('the kernel suite passes on the webgpu backend in headless Chromium (SwiftShader)', { skip: !existsSync(CHROMIUM) && 'needs Chromium at /usr/bin/chromium', timeout: 240_000 }, async (t) => {
  const bundle = await build({ entryPoints: [join(ROOT, 'test/backend/webgpu/browser_suite.ts')], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'warning' });
  const server = await servePage(bundle.outputFiles[0].text);
  const ctx = await launchChromium([...WEBGPU_SWITCHES, '--js-flags=--expose-gc']); // gc(): the memory check
  try {
    const { page, errors } = await watchedPage(ctx);
    await page.goto(server.url);
    await page.waitForFunction(() => (globalThis as { unfoldWebGPU?: unknown }).unfoldWebGPU !== undefined, undefined, { timeout: 200_000 });
    const r = await page.evaluate(() => (globalThis as unknown as { unfoldWebGPU: BrowserReport | { error: string } }).unfoldWebGPU);
    if ('error' in r) assert.fail(`the page failed: ${r.error}`);
    if (r.adapter === null) { t.skip(`Chromium has no WebGPU adapter here: ${r.failures.join('; ')}`); return; }
    assert.deepEqual(r.failures, [], 'every case matches the reference');
    assert.ok(r.cases > 80, `cases run: ${r.cases}`);
    assert.deepEqual(r.deviceErrors, [], 'no validation errors');
    assert.match(r.syncReadError, /live in GPU memory \(webgpu backend\).*expected `await tensor\.read\(\)`/);
    assert.deepEqual(r.afterAwait, [2, 4, 6]);
    assert.equal(r.sumSquares, 56);
    assert.deepEqual(errors, []);
    if ('error' in r.train) assert.fail(`training on webgpu failed: ${r.train.error}`);
    const { webgpu, wasm, downloadedBytes } = r.train;
    assert.ok(webgpu[4] < webgpu[0], `the loss goes down on webgpu: ${webgpu.join(', ')}`);
    webgpu.forEach((l, i) => assert.ok(Math.abs(l - wasm[i]) <= 1e-4 * Math.abs(wasm[i]), `step ${i}: webgpu ${l}, wasm ${wasm[i]}`));
    // Five steps read back five losses (4 bytes each) and nothing else: no per-op round trips.
    assert.equal(downloadedBytes, 20);
    // No dispose() anywhere: once the page's tensors are garbage, a collection gives their GPU buffers back.
    const { steps15, afterGc } = r.liveBytes;
    assert.ok(steps15 > 0 && afterGc < steps15 / 10, `bytes held in GPU buffers: ${steps15} after 15 more steps, ${afterGc} after a collection`);
    // fit with clipping (on the device) and evaluations (on the host, from the GPU's weights).
    if ('error' in r.fit) assert.fail(`fit on webgpu failed: ${r.fit.error}`);
    const f = r.fit;
    assert.equal(f.webgpu.losses.length, 6);
    assert.equal(f.webgpu.val.length, 2);
    f.webgpu.losses.forEach((l, i) => assert.ok(Math.abs(l - f.wasm.losses[i]) <= 1e-4 * f.wasm.losses[i], `fit step ${i}: webgpu ${l}, wasm ${f.wasm.losses[i]}`));
    f.webgpu.val.forEach((l, i) => assert.ok(Math.abs(l - f.wasm.val[i]) <= 1e-4 * f.wasm.val[i], `evaluation ${i}: webgpu ${l}, wasm ${f.wasm.val[i]}`));
    assert.ok(f.webgpu.val[1] < f.webgpu.val[0], `validation loss goes down: ${f.webgpu.val.join(', ')}`);
  } finally {
    await ctx.close();
    server.close();
  }
});
