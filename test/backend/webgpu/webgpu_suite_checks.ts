// What the WebGPU suite's report (./webgpu_suite.ts) must show, wherever it ran (Chromium or Node):
// every kernel case matches the reference, the synchronous-read rule holds, training matches wasm
// reading back only its losses, GPU buffers come back once their tensors are garbage, and the
// buffer pool gives a burst's buffers back once they go unused.

import assert from 'node:assert/strict';
import type { WebGPUReport } from './webgpu_suite.js';

/** Asserts on a report whose adapter was found; `errors` are errors the environment logged meanwhile. */
export function checkWebGPUReport(r: WebGPUReport, errors: readonly string[]): void {
  assert.deepEqual(r.failures, [], 'every case matches the reference');
  assert.ok(r.cases > 80, `cases run: ${r.cases}`);
  assert.deepEqual(r.deviceErrors, [], 'no validation errors');
  assert.match(r.syncReadError, /live in GPU memory \(webgpu backend\).*expected `await tensor\.read\(\)`/);
  assert.deepEqual(r.afterAwait, [2, 4, 6]);
  assert.equal(r.sumSquares, 56);
  assert.deepEqual(errors, []);
  // max keeps its positions on the device (maxAxisTo / maxAxisBackward): values and gradient as on wasm.
  if ('error' in r.max) assert.fail(`max on webgpu failed: ${r.max.error}`);
  assert.deepEqual(r.max.webgpu, r.max.wasm);
  if ('error' in r.train) assert.fail(`training on webgpu failed: ${r.train.error}`);
  const { webgpu, wasm, downloadedBytes } = r.train;
  assert.ok(webgpu[4] < webgpu[0], `the loss goes down on webgpu: ${webgpu.join(', ')}`);
  webgpu.forEach((l, i) => assert.ok(Math.abs(l - wasm[i]) <= 1e-4 * Math.abs(wasm[i]), `step ${i}: webgpu ${l}, wasm ${wasm[i]}`));
  // Five steps read back five losses (4 bytes each) and nothing else: no per-op round trips.
  assert.equal(downloadedBytes, 20);
  // No dispose() anywhere: once the tensors are garbage, a collection gives their GPU buffers back.
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
  // The pool shrinks after a burst: 4 × 4 MiB freed to it, then small work past the idle limit.
  if ('error' in r.pool) assert.fail(`the pool check failed: ${r.pool.error}`);
  const p = r.pool;
  assert.deepEqual(p.sums, [1 << 20, 1 << 20, 1 << 20, 1 << 20], 'the burst was computed');
  assert.equal(p.last, p.rounds, 'the small work ran');
  assert.ok(p.afterBurst >= p.burstBytes, `idle bytes after the burst: ${p.afterBurst}, expected at least ${p.burstBytes}`);
  assert.ok(p.trimmed >= p.burstBytes, `bytes trimmed: ${p.trimmed}, expected at least ${p.burstBytes}`);
  // Not one of the burst's four 4 MiB buffers is still idle (what is idle now is the small work's own
  // buffers, freed as the collector happens to run: a few hundred KiB, not a fixed amount).
  assert.ok(p.afterWork < p.burstBytes / 4, `idle bytes: ${p.afterBurst} after the burst, ${p.afterWork} after ${p.rounds} small submissions`);
}
