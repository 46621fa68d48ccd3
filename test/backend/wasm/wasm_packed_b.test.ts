// packB + sgemmPackedB (a B operand packed once and reused, as the fused recurrent loops do with
// W_hh) against the reference gemm on the same operands: all four transpose cases, awkward sizes
// (1, odd, prime, M below the 4-row micro-tile), depths over one packed block (K > 256), with and
// without accumulation.

import { test } from 'node:test';
import { assertClose } from '../../helpers/tensors.js';
import { Scratch, get, put } from '../../../src/backend/wasm/call_scratch.js';
import { wasmModule } from '../../../src/backend/wasm/module.js';
import { gemm as gemmRef } from '../../../src/backend/ref/gemm.js';
import { Rng } from '../../../src/tensor/random.js';

test('sgemmPackedB equals the reference gemm for every transpose case and awkward sizes', () => {
  const e = wasmModule();
  if (e === null) throw new Error('expected the wasm module to be available in this Node');
  const rng = new Rng(8);
  const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
  for (const [M, N, K] of [[1, 1, 1], [3, 17, 5], [4, 8, 8], [7, 13, 300], [32, 37, 257], [5, 9, 513]]) {
    for (const tA of [false, true]) for (const tB of [false, true]) for (const acc of [false, true]) {
      const A = rand(M * K), B = rand(K * N), C0 = rand(M * N);
      const want = Float32Array.from(C0);
      gemmRef(tA, tB, M, N, K, A, 0, B, 0, want, 0, acc);
      const s = new Scratch();
      const aP = s.take(M * K), bP = s.take(K * N), cP = s.take(M * N);
      const pb = s.takeBytes(e.packedBBytes(N, K)), work = s.takeBytes(e.workspaceBytes(M, N, K));
      if (!s.commit(e)) throw new Error('memory');
      put(A, aP); put(B, bP); put(C0, cP);
      e.packB(tB, N, K, bP, pb);
      e.sgemmPackedB(tA, M, N, K, aP, pb, cP, acc, work);
      const got = new Float32Array(M * N);
      get(cP, M * N, got);
      assertClose(got, want, 1e-5 * Math.sqrt(K), 1e-4, `M=${M} N=${N} K=${K} tA=${tA} tB=${tB} acc=${acc}`);
    }
  }
});
