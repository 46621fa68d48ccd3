// gemm on every backend against a float64 triple loop written out here: all four transpose cases,
// overwrite and accumulate, operands and result at offsets inside larger storages (nothing outside
// the result window may change), sizes that miss the 6×8 and 4×8 micro-tiles (0, 1, odd, primes), that span
// several 512-deep K blocks and 128-row M blocks, and the shapes of LSTM training; operands whose
// values live only in the backend's memory; and float64 on the reference, bit for bit.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gemm as gemmRef } from '../../src/backend/ref/gemm.js';
import { sgemmWasmBase64 } from '../../src/backend/wasm/kernels_plain_wasm.js';
import { initWasm, simdSupported, wasmModule } from '../../src/backend/wasm/module.js';
import type { Backend } from '../../src/backend/backend.js';
import { onEveryBackend, resident, st, vals } from './suite.js';

function rand(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 31 - 1;
  }
  return a;
}

// exact[i,j] = (acc ? C[i,j] : 0) + Σ_k op(A)[i,k] op(B)[k,j] in float64, and scale[i,j] the same sum
// of absolute values, which bounds the rounding error of any float32 summation order.
function naive(
  tA: boolean, tB: boolean, M: number, N: number, K: number,
  A: Float32Array, aOff: number, B: Float32Array, bOff: number, C: Float32Array, cOff: number, acc: boolean,
): { exact: Float64Array; scale: Float64Array } {
  const exact = new Float64Array(M * N), scale = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const c0 = acc ? C[cOff + i * N + j] : 0;
      let s = c0, t = Math.abs(c0);
      for (let k = 0; k < K; k++) {
        const p = (tA ? A[aOff + k * M + i] : A[aOff + i * K + k]) * (tB ? B[bOff + j * K + k] : B[bOff + k * N + j]);
        s += p;
        t += Math.abs(p);
      }
      exact[i * N + j] = s;
      scale[i * N + j] = t;
    }
  }
  return { exact, scale };
}

// Runs one product and checks the window against the triple loop, everything else untouched. With
// `onDevice`, the operands' values start in the backend's memory only.
function check(
  be: Backend, name: string, tA: boolean, tB: boolean, M: number, N: number, K: number, acc: boolean,
  offs: readonly [number, number, number], seed: number, onDevice = false,
): void {
  const [aOff, bOff, cOff] = offs;
  const A = rand(aOff + M * K + 5, seed), B = rand(bOff + K * N + 3, seed + 1), C = rand(cOff + M * N + 7, seed + 2);
  const { exact, scale } = naive(tA, tB, M, N, K, A, aOff, B, bOff, C, cOff, acc);
  const sA = st(A), sB = st(B), sC = st(C);
  if (onDevice) { resident(sA, be); resident(sB, be); resident(sC, be); }
  be.gemm(tA, tB, M, N, K, sA, aOff, sB, bOff, sC, cOff, acc);
  const what = `${name} ${M}x${N}x${K} tA=${tA} tB=${tB} acc=${acc} offs=${offs.join(',')}`;
  assert.deepEqual(vals(sA), A, `${what}: A was modified`);
  assert.deepEqual(vals(sB), B, `${what}: B was modified`);
  const got = vals(sC);
  // float32 relative tolerance 1e-6 per unit of depth, against the absolute-value sum: about 16 times
  // the worst-case bound (K + 1)·2⁻²⁴ of any summation order.
  const rel = 1e-6 * (K + 2);
  for (let q = 0; q < got.length; q++) {
    const r = q - cOff;
    if (r < 0 || r >= M * N) {
      if (!Object.is(got[q], C[q])) assert.fail(`${what}: C[${q}] outside the result window changed`);
      continue;
    }
    const err = Math.abs(got[q] - exact[r]);
    if (!(err <= rel * scale[r] + 1e-30)) {
      assert.fail(`${what}: C[${r}] = ${got[q]}, expected ${exact[r]} (error ${err}, tolerance ${rel * scale[r]})`);
    }
  }
}

const awkward = [0, 1, 2, 3, 5, 7, 13, 17, 31, 33, 64, 65, 127];
const shapes: [number, number, number][] = [];
for (const s of awkward) shapes.push([s, s, s]);
// Each awkward size in each position against others, without the full 13³ cube.
for (let i = 0; i < awkward.length; i++) {
  shapes.push([awkward[i], awkward[(i + 4) % awkward.length], awkward[(i + 9) % awkward.length]]);
  shapes.push([awkward[(i + 7) % awkward.length], awkward[i], awkward[(i + 2) % awkward.length]]);
}
shapes.push(
  [1, 1024, 256], [33, 65, 7], [4, 8, 1], [8, 16, 4], [3, 1, 9], [1, 9, 3],
  [257, 9, 300], [130, 33, 513], [5, 70, 256], [129, 17, 257], // several M (128) and K (512) blocks
  [66, 21, 1030], [257, 9, 301], [12, 40, 515], // depth blocks whose length is no multiple of the packing's line groups (2 and 4)
  // Row counts that cut a block into each mix of 6- and 4-row panels (6+4, 4+4, 4+3 padded, 6+3, 6+6+4, …),
  // over two depth blocks, the second of which adds into C.
  ...[4, 6, 8, 9, 10, 11, 14, 16, 20, 32, 131, 134].map((M, i): [number, number, number] => [M, 9 + 8 * (i % 3), 515]),
);

test('WebAssembly SIMD is available in this Node, so the wasm path is what gets tested', () => {
  assert.equal(simdSupported(), true);
  assert.notEqual(wasmModule(), null);
});

test('the embedded module stays small (under 40 KiB), and initWasm() loads it asynchronously', async () => {
  // Over 4 KiB a browser's main thread may refuse a synchronous compile; initWasm() is the way there.
  const bytes = atob(sgemmWasmBase64).length;
  assert.ok(bytes <= 40960, `the wasm module is ${bytes} bytes`);
  assert.equal(await initWasm(), true);
});

for (const tA of [false, true]) {
  for (const tB of [false, true]) {
    test(`gemm transA=${tA} transB=${tB} matches a float64 triple loop on every backend`, () => onEveryBackend((be, name) => {
      let seed = 11;
      for (const [M, N, K] of shapes) {
        for (const acc of [false, true]) {
          for (const offs of [[0, 0, 0], [3, 5, 2]] as const) check(be, name, tA, tB, M, N, K, acc, offs, seed += 3, (seed & 1) === 0);
        }
      }
    }));
  }
}

test('gemm on LSTM training shapes matches the triple loop and the reference gemm on every backend', () => onEveryBackend((be, name) => {
  const cases: [boolean, boolean, number, number, number, boolean][] = [
    [false, true, 32, 1024, 256, true],   // recurrent step h·W_hhᵀ
    [false, true, 2048, 1024, 64, true],  // input projection x·W_ihᵀ
    [true, false, 1024, 256, 32, true],   // weight gradient gᵀ·x
    [false, false, 32, 256, 1024, false], // input gradient g·W
  ];
  let seed = 5;
  for (const [tA, tB, M, N, K, acc] of cases) {
    check(be, name, tA, tB, M, N, K, acc, [1, 2, 3], seed += 3, true);
    const A = rand(M * K, seed), B = rand(K * N, seed + 1), C = rand(M * N, seed + 2), D = C.slice();
    const sC = st(C);
    be.gemm(tA, tB, M, N, K, st(A), 0, st(B), 0, sC, 0, acc);
    gemmRef(tA, tB, M, N, K, A, 0, B, 0, D, 0, acc);
    const got = vals(sC);
    let worst = 0;
    for (let q = 0; q < got.length; q++) worst = Math.max(worst, Math.abs(got[q] - D[q]) / (1 + Math.abs(D[q])));
    assert.ok(worst < 1e-5 * Math.sqrt(K), `${name} ${M}x${N}x${K}: backend and reference differ by ${worst}`);
  }
}));

test('gemm with K = 0 writes zeros, or leaves C alone when accumulating, on every backend', () => onEveryBackend((be, name) => {
  const C = st([5, 6, 7, 8, 9]);
  be.gemm(false, false, 2, 2, 0, st([]), 0, st([]), 0, C, 1, false);
  assert.deepEqual(Array.from(vals(C)), [5, 0, 0, 0, 0], name);
  const D = st([5, 6, 7, 8, 9]);
  be.gemm(true, true, 2, 2, 0, st([]), 0, st([]), 0, D, 1, true);
  assert.deepEqual(Array.from(vals(D)), [5, 6, 7, 8, 9], name);
}));

test('gemm reuses grown memory: a large product, then small ones, then large again', () => onEveryBackend((be, name) => {
  let seed = 101;
  for (const [M, N, K] of [[300, 200, 260], [3, 5, 7], [1, 1, 1], [64, 65, 127], [301, 201, 261]] as const) {
    check(be, name, false, true, M, N, K, true, [2, 1, 4], seed += 3);
  }
}));

test('float64 and mixed operands run the reference gemm unchanged (bit for bit) on every backend', () => onEveryBackend((be, name) => {
  const M = 7, N = 9, K = 13;
  const A = Float64Array.from(rand(M * K, 1)), B = Float64Array.from(rand(K * N, 2));
  const C1 = st(rand(M * N, 3), 'float64'), C2 = vals(C1) as Float64Array;
  be.gemm(false, true, M, N, K, st(A, 'float64'), 0, st(B, 'float64'), 0, C1, 0, true);
  gemmRef(false, true, M, N, K, A, 0, B, 0, C2, 0, true);
  assert.deepEqual(vals(C1), C2, name);
  const A32 = rand(M * K, 4), D1 = st(new Float64Array(M * N), 'float64'), D2 = new Float64Array(M * N);
  be.gemm(true, false, M, N, K, st(A32), 0, st(B, 'float64'), 0, D1, 0, false);
  gemmRef(true, false, M, N, K, A32, 0, B, 0, D2, 0, false);
  assert.deepEqual(vals(D1), D2, name);
}));

test('a window past the end of a storage keeps the reference behaviour (NaN reads, dropped writes)', () => onEveryBackend((be, name) => {
  const A = st([1, 2, 3]), B = st([1, 1, 1, 1]), C = st([0, 0, 0, 0]);
  be.gemm(false, false, 2, 2, 2, A, 0, B, 0, C, 0, false); // A has 3 of the 4 entries a 2×2 needs
  const want = new Float32Array(4);
  gemmRef(false, false, 2, 2, 2, Float32Array.from([1, 2, 3]), 0, Float32Array.from([1, 1, 1, 1]), 0, want, 0, false);
  assert.deepEqual(vals(C), want, name);
}));
