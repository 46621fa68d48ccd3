// Benchmarks gemm on the shapes of character-level LSTM training, reference TypeScript vs WebAssembly
// SIMD, in one run (so both see the same machine load). GFLOP/s counts 2·M·N·K per call; operands
// live where each backend computes (the wasm heap for wasm), as they do between tensor operations.
// Run after building: `node scripts/bench-gemm.mjs`
// (optionally a time budget per measurement in ms, default 400). The wasm columns are the two builds of
// the module: plain SIMD (multiply, then add) and relaxed SIMD (fused multiply-add), measured alternately.

import { refBackend, wasmBackend } from '../dist/src/backend/backend.js';
import { Storage } from '../dist/src/backend/storage.js';
import { selectWasmVariant, wasmModule } from '../dist/src/backend/wasm/module.js';

const gemmRef = (...args) => refBackend.gemm(...args);
const gemmWasm = (...args) => wasmBackend.gemm(...args);
const wasmGemmAvailable = () => wasmModule() !== null;

const budgetMs = Number(process.argv[2] ?? 400);

// [label, transA, transB, M, N, K, accumulate]
const shapes = [
  ['recurrent step  h·W_hhᵀ', false, true, 32, 1024, 256, true],
  ['recurrent step  h·W (NN)', false, false, 32, 1024, 256, false],
  ['input proj      x·W_ihᵀ', false, true, 2048, 1024, 64, true],
  ['input proj      x·W (NN)', false, false, 2048, 1024, 64, false],
  ['weight grad     gᵀ·x (TN)', true, false, 1024, 256, 32, true],
  ['weight grad     gᵀ·x all steps', true, false, 1024, 256, 2048, true],
  ['input grad      g·W (NN)', false, false, 32, 256, 1024, false],
  ['sampling        h·W_hhᵀ M=1', false, true, 1, 1024, 256, false],
];

function rand(n, seed) {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; a[i] = s / 2 ** 31 - 1; }
  return a;
}

function measure(fn, tA, tB, M, N, K, acc) {
  const A = Storage.wrap(rand(M * K, 1)), B = Storage.wrap(rand(K * N, 2)), C = Storage.wrap(rand(M * N, 3));
  const call = () => fn(tA, tB, M, N, K, A, 0, B, 0, C, 0, acc);
  // Warm up (lets V8 tier the wasm and the JS up to optimized code), then time whole batches.
  let t0 = performance.now();
  while (performance.now() - t0 < budgetMs / 4) call();
  let calls = 0, best = Infinity;
  t0 = performance.now();
  while (performance.now() - t0 < budgetMs) {
    const s = performance.now();
    call();
    best = Math.min(best, performance.now() - s);
    calls++;
  }
  const mean = (performance.now() - t0) / calls;
  const flop = 2 * M * N * K;
  return { mean: flop / mean / 1e6, best: flop / best / 1e6 };
}

if (!wasmGemmAvailable()) console.log('note: WebAssembly SIMD unavailable here; the wasm column falls back to ref');
console.log(`gemm GFLOP/s (mean over ${budgetMs} ms, best single call in parentheses)`);
const relaxed = selectWasmVariant('relaxed');
if (!relaxed) console.log('note: relaxed SIMD unavailable here; the fma column repeats the plain build');
console.log('shape                            tA tB     M     N     K   ref            wasm           wasm fma       fma/plain');
for (const [label, tA, tB, M, N, K, acc] of shapes) {
  const r = measure(gemmRef, tA, tB, M, N, K, acc);
  // plain, fma, fma, plain: both builds see the same spread of machine load
  const pair = () => {
    selectWasmVariant('plain'); const p = measure(gemmWasm, tA, tB, M, N, K, acc);
    selectWasmVariant(relaxed ? 'relaxed' : 'plain'); const q = measure(gemmWasm, tA, tB, M, N, K, acc);
    return [p, q];
  };
  const [p1, q1] = pair(), [p2, q2] = pair();
  const best = (x, y) => ({ mean: Math.max(x.mean, y.mean), best: Math.max(x.best, y.best) });
  const w = best(p1, p2), q = best(q1, q2);
  const f = (x) => `${x.mean.toFixed(2).padStart(6)} (${x.best.toFixed(2).padStart(5)})`;
  console.log(
    `${label.padEnd(32)} ${tA ? 'T' : 'N'}  ${tB ? 'T' : 'N'} ${String(M).padStart(5)} ${String(N).padStart(5)} ${String(K).padStart(5)}` +
    `   ${f(r)}  ${f(w)}  ${f(q)}  ${(q.best / w.best).toFixed(2).padStart(5)}x`,
  );
}
