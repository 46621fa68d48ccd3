// The asynchronous kernel-case table (./kernel_cases.ts), which the WebGPU backend runs in a browser,
// checked here on the wasm backend: the table itself must hold for a backend known to be right, and
// a kernel that goes wrong is caught by it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { refBackend, wasmBackend, type Backend } from '../../src/backend/backend.js';
import { wasmModule } from '../../src/backend/wasm/module.js';
import { kernelCases, mismatch, runKernelCases } from './kernel_cases.js';

test('every kernel case on the wasm backend matches the reference to float32 tolerance', { skip: wasmModule() === null && 'needs WebAssembly SIMD' }, async () => {
  const cases = kernelCases();
  assert.ok(cases.length > 80, `the table covers every kernel: ${cases.length} cases`);
  assert.deepEqual(await runKernelCases(wasmBackend, cases), []);
});

test('the case runner reports a kernel that is off, naming the case and the element', async () => {
  const off: Backend = { ...refBackend, name: 'off', affineScalar: (x, a, b, o) => refBackend.affineScalar(x, a, a === 1 && b === 0 ? 0 : b + 1e-3, o) };
  const failures = await runKernelCases(off, kernelCases().filter((c) => c.name === 'powScalar and affineScalar'));
  assert.equal(failures.length, 1);
  assert.match(failures[0], /^powScalar and affineScalar: output 2 at 0: expected -?[0-9.e-]+, got -?[0-9.e-]+$/);
  assert.equal(mismatch([1, 2.00001, NaN], [1, 2, NaN]), '');
  assert.equal(mismatch([1, 2.1], [1, 2]), 'at 1: expected 2, got 2.1');
});
