// The WebAssembly SIMD gemm against a float64 triple loop written out here, and against the reference
// gemm on the same inputs: all four transpose cases, overwrite and accumulate, operands and result at
// non-zero offsets inside larger buffers, sizes that miss the 4×8 micro-tile (0, 1, odd, primes), that
// span several 256-deep K blocks and 128-row M blocks, and the shapes of LSTM training.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gemm as gemmWasm, wasmGemmAvailable, simdSupported } from '../../src/backend/wasm/gemm.js';
import { gemm as gemmRef } from '../../src/backend/ref/gemm.js';
import { sgemmWasmBase64 } from '../../src/backend/wasm/kernels_plain_wasm.js';
import { initWasm } from '../../src/backend/wasm/module.js';

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

type Gemm = typeof gemmWasm;

// Runs one product in place and checks the window against the triple loop, everything else untouched.
function check(
  impl: Gemm, tA: boolean, tB: boolean, M: number, N: number, K: number, acc: boolean,
  offs: readonly [number, number, number], seed: number,
): void {
  const [aOff, bOff, cOff] = offs;
  const A = rand(aOff + M * K + 5, seed), B = rand(bOff + K * N + 3, seed + 1), C = rand(cOff + M * N + 7, seed + 2);
  const A0 = A.slice(), B0 = B.slice(), C0 = C.slice();
  const { exact, scale } = naive(tA, tB, M, N, K, A, aOff, B, bOff, C, cOff, acc);
  impl(tA, tB, M, N, K, A, aOff, B, bOff, C, cOff, acc);
  const what = `${M}x${N}x${K} tA=${tA} tB=${tB} acc=${acc} offs=${offs.join(',')}`;
  assert.deepEqual(A, A0, `${what}: A was modified`);
  assert.deepEqual(B, B0, `${what}: B was modified`);
  // float32 relative tolerance 1e-6 per unit of depth, against the absolute-value sum: about 16 times
  // the worst-case bound (K + 1)·2⁻²⁴ of any summation order.
  const rel = 1e-6 * (K + 2);
  for (let q = 0; q < C.length; q++) {
    const r = q - cOff;
    if (r < 0 || r >= M * N) {
      if (!Object.is(C[q], C0[q])) assert.fail(`${what}: C[${q}] outside the result window changed`);
      continue;
    }
    const err = Math.abs(C[q] - exact[r]);
    if (!(err <= rel * scale[r] + 1e-30)) {
      assert.fail(`${what}: C[${r}] = ${C[q]}, expected ${exact[r]} (error ${err}, tolerance ${rel * scale[r]})`);
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
);

test('WebAssembly SIMD is available in this Node, so the wasm path is what gets tested', () => {
  assert.equal(simdSupported(), true);
  assert.equal(wasmGemmAvailable(), true);
});

test('the embedded module stays small (under 32 KiB), and initWasm() loads it asynchronously', async () => {
  // Over 4 KiB a browser's main thread may refuse a synchronous compile; initWasm() is the way there.
  const bytes = atob(sgemmWasmBase64).length;
  assert.ok(bytes <= 32768, `the wasm module is ${bytes} bytes`);
  assert.equal(await initWasm(), true);
});

for (const tA of [false, true]) {
  for (const tB of [false, true]) {
    test(`wasm gemm transA=${tA} transB=${tB} matches a float64 triple loop`, () => {
      let seed = 11;
      for (const [M, N, K] of shapes) {
        for (const acc of [false, true]) {
          for (const offs of [[0, 0, 0], [3, 5, 2]] as const) check(gemmWasm, tA, tB, M, N, K, acc, offs, seed += 3);
        }
      }
    });
  }
}

test('wasm gemm on LSTM training shapes matches the triple loop and the reference gemm', () => {
  const cases: [boolean, boolean, number, number, number, boolean][] = [
    [false, true, 32, 1024, 256, true],   // recurrent step h·W_hhᵀ
    [false, true, 2048, 1024, 64, true],  // input projection x·W_ihᵀ
    [true, false, 1024, 256, 32, true],   // weight gradient gᵀ·x
    [false, false, 32, 256, 1024, false], // input gradient g·W
  ];
  let seed = 5;
  for (const [tA, tB, M, N, K, acc] of cases) {
    check(gemmWasm, tA, tB, M, N, K, acc, [1, 2, 3], seed += 3);
    const A = rand(M * K, seed), B = rand(K * N, seed + 1), C = rand(M * N, seed + 2), D = C.slice();
    gemmWasm(tA, tB, M, N, K, A, 0, B, 0, C, 0, acc);
    gemmRef(tA, tB, M, N, K, A, 0, B, 0, D, 0, acc);
    let worst = 0;
    for (let q = 0; q < C.length; q++) worst = Math.max(worst, Math.abs(C[q] - D[q]) / (1 + Math.abs(D[q])));
    assert.ok(worst < 1e-5 * Math.sqrt(K), `${M}x${N}x${K}: wasm and reference differ by ${worst}`);
  }
});

test('wasm gemm with K = 0 writes zeros, or leaves C alone when accumulating', () => {
  const C = new Float32Array([5, 6, 7, 8, 9]);
  gemmWasm(false, false, 2, 2, 0, new Float32Array(0), 0, new Float32Array(0), 0, C, 1, false);
  assert.deepEqual(Array.from(C), [5, 0, 0, 0, 0]);
  const D = new Float32Array([5, 6, 7, 8, 9]);
  gemmWasm(true, true, 2, 2, 0, new Float32Array(0), 0, new Float32Array(0), 0, D, 1, true);
  assert.deepEqual(Array.from(D), [5, 6, 7, 8, 9]);
});

test('wasm gemm reuses grown memory: a large product, then small ones, then large again', () => {
  let seed = 101;
  for (const [M, N, K] of [[300, 200, 260], [3, 5, 7], [1, 1, 1], [64, 65, 127], [301, 201, 261]] as const) {
    check(gemmWasm, false, true, M, N, K, true, [2, 1, 4], seed += 3);
  }
});

test('float64 and mixed operands go to the reference gemm unchanged (bit for bit)', () => {
  const M = 7, N = 9, K = 13;
  const A = Float64Array.from(rand(M * K, 1)), B = Float64Array.from(rand(K * N, 2));
  const C1 = Float64Array.from(rand(M * N, 3)), C2 = C1.slice();
  gemmWasm(false, true, M, N, K, A, 0, B, 0, C1, 0, true);
  gemmRef(false, true, M, N, K, A, 0, B, 0, C2, 0, true);
  assert.deepEqual(C1, C2);
  const A32 = rand(M * K, 4), D1 = new Float64Array(M * N), D2 = new Float64Array(M * N);
  gemmWasm(true, false, M, N, K, A32, 0, B, 0, D1, 0, false);
  gemmRef(true, false, M, N, K, A32, 0, B, 0, D2, 0, false);
  assert.deepEqual(D1, D2);
});
