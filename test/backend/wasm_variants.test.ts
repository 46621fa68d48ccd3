// Both builds of the WebAssembly module (plain SIMD: multiply then add; relaxed SIMD: fused
// multiply-add in the gemm kernels) against a float64 triple loop written out here, on awkward sizes
// (1, odd, primes, a ragged last tile, M below the micro-tile: the vector-matrix path), all four
// transpose cases: each result within a float32 rounding bound of the exact sum. Also that switching
// builds between calls keeps a resident-weight sampler correct (it must upload again).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gemm as gemmWasm } from '../../src/backend/wasm/gemm.js';
import { selectWasmVariant, wasmModule, wasmVariant, type WasmVariant } from '../../src/backend/wasm/module.js';
import { noGrad } from '../../src/autograd/grad_mode.js';
import { Rng } from '../../src/tensor/random.js';
import { CharModel } from '../../src/train/char_model.js';
import { charStepper } from '../../src/train/sample.js';

function rand(n: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: n }, () => rng.random() * 2 - 1);
}

const available = (): WasmVariant[] => (['plain', 'relaxed'] as const).filter((v) => selectWasmVariant(v));

test('every available build of the module computes gemm within float32 rounding of the exact sum', () => {
  if (wasmModule() === null) return; // no SIMD here: the reference path is all there is
  const start = wasmVariant();
  const rng = new Rng(7);
  const sizes = [[1, 1, 1], [3, 13, 7], [5, 17, 29], [4, 8, 256], [37, 23, 300], [2, 1031, 64], [131, 9, 3]];
  try {
    for (const v of available()) {
      assert.ok(selectWasmVariant(v));
      for (const [M, N, K] of sizes) {
        for (const tA of [false, true]) {
          for (const tB of [false, true]) {
            for (const acc of [false, true]) {
              const A = rand(M * K, rng), B = rand(K * N, rng), C = rand(M * N, rng);
              const out = Float32Array.from(C);
              gemmWasm(tA, tB, M, N, K, A, 0, B, 0, out, 0, acc);
              for (let i = 0; i < M; i++) {
                for (let j = 0; j < N; j++) {
                  let s = acc ? C[i * N + j] : 0, t = Math.abs(s);
                  for (let k = 0; k < K; k++) {
                    const p = (tA ? A[k * M + i] : A[i * K + k]) * (tB ? B[j * K + k] : B[k * N + j]);
                    s += p; t += Math.abs(p);
                  }
                  const err = Math.abs(out[i * N + j] - s);
                  assert.ok(err <= (K + 2) * 2 ** -23 * t + 1e-30, `${v} ${M}x${N}x${K} tA=${tA} tB=${tB} acc=${acc} [${i},${j}]: ${out[i * N + j]} vs ${s}`);
                }
              }
            }
          }
        }
      }
    }
  } finally {
    selectWasmVariant(start);
  }
});

test('a sampler keeps working when the module build is switched between its steps', () => {
  if (wasmModule() === null) return;
  const start = wasmVariant();
  const builds = available();
  const m = new CharModel({ vocabSize: 6, cell: 'lstm', hiddenSize: 11, numLayers: 2, embeddingSize: 3, dropout: 0, forgetBias: 1 }, { rng: new Rng(5) });
  m.eval();
  try {
    noGrad(() => {
      const ids = [1, 4, 0, 5, 2, 2, 3];
      selectWasmVariant(builds[0]);
      const a = charStepper(m);
      const want = ids.map((id) => Float32Array.from(a.step(id)));
      const b = charStepper(m);
      ids.forEach((id, t) => {
        selectWasmVariant(builds[t % builds.length]);
        const got = b.step(id);
        for (let j = 0; j < 6; j++) assert.ok(Math.abs(got[j] - want[t][j]) <= 1e-5, `t=${t} j=${j}: ${got[j]} vs ${want[t][j]}`);
      });
    });
  } finally {
    selectWasmVariant(start);
  }
});
