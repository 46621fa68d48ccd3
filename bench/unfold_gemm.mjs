#!/usr/bin/env node
// unfold's float32 gemm GFLOP/s at the size the ceiling is measured at (bench/gemm_ceiling.py):
// C = A·B with A, B n×n, through the active backend's gemm (wasm SIMD where available), operands in
// the backend's memory as between tensor operations, on the backend's threads (--threads, default
// all). Best of the repeats after one warm-up, 2·n³ flops per product.
//
//   node bench/unfold_gemm.mjs [--size 2048] [--repeats 3] [--threads N]
//
// Prints one JSON line: {runner, backend, threads, size, gflops, mean_gflops}.

import { parseArgs } from 'node:util';
import { getBackend } from '../dist/src/index.js';
import { Storage } from '../dist/src/backend/storage.js';
import { setThreads, threadCount } from '../dist/src/backend/wasm/module.js';

const { values: a } = parseArgs({
  options: { size: { type: 'string', default: '2048' }, repeats: { type: 'string', default: '3' }, threads: { type: 'string', default: '0' } },
});
const n = Number(a.size), repeats = Number(a.repeats);
if (Number(a.threads) > 0) setThreads(Number(a.threads));
const rand = (len, seed) => {
  const x = new Float32Array(len);
  let s = seed >>> 0;
  for (let i = 0; i < len; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; x[i] = s / 2 ** 31 - 1; }
  return x;
};
const A = Storage.wrap(rand(n * n, 1)), B = Storage.wrap(rand(n * n, 2)), C = new Storage('float32', n * n);
const backend = getBackend();
const mul = () => backend.gemm(false, false, n, n, n, A, 0, B, 0, C, 0, false);
mul(); // warm-up: the module instantiates, memory grows, V8 tiers up
const times = [];
for (let r = 0; r < repeats; r++) {
  const t0 = performance.now();
  mul();
  times.push((performance.now() - t0) / 1000);
}
const flop = 2 * n ** 3;
console.log(JSON.stringify({
  runner: 'unfold', backend: backend.name, threads: threadCount(), size: n,
  gflops: flop / Math.min(...times) / 1e9, mean_gflops: flop / (times.reduce((s, t) => s + t, 0) / times.length) / 1e9,
}));
