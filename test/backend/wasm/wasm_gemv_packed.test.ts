// packRows + gemvPacked (a weight packed once for the batch-1 products of sampling) against the
// reference gemm at M = 1, on every build of the module: ragged sizes (N not a multiple of the
// six-row panel, K not a multiple of four, N or K of 1), with and without accumulation; and bit for
// bit against sgemm at M = 1 over the unpacked weight, whose summation order it keeps (for the rows
// sgemm takes four at a time).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../../helpers/tensors.js';
import { Scratch, get, put } from '../../../src/backend/wasm/call_scratch.js';
import { wasmModule } from '../../../src/backend/wasm/module.js';
import { gemm as gemmRef } from '../../../src/backend/ref/gemm.js';
import { Rng } from '../../../src/tensor/random.js';
import { onEveryBuild } from '../builds.js';

const SIZES = [[1, 1], [1, 7], [5, 3], [6, 4], [7, 9], [13, 64], [65, 512], [96, 130], [1024, 1001]];

test('gemvPacked equals the reference W·x and sgemm at M = 1 bit for bit, every build and ragged size', () => {
  const rng = new Rng(11);
  const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
  onEveryBuild((build) => {
    const e = wasmModule();
    if (e === null) throw new Error('expected the wasm module to be available in this Node');
    for (const [N, K] of SIZES) {
      for (const acc of [false, true]) {
        const W = rand(N * K), x = rand(K), y0 = rand(N);
        const want = Float32Array.from(y0);
        gemmRef(false, true, 1, N, K, x, 0, W, 0, want, 0, acc);
        const s = new Scratch();
        const wP = s.take(N * K), xP = s.take(K), yP = s.take(N), y2P = s.take(N);
        const pw = s.takeBytes(e.packedRowsBytes(N, K)), work = s.takeBytes(e.workspaceBytes(1, N, K));
        if (!s.commit(e)) throw new Error('memory');
        put(W, wP); put(x, xP); put(y0, yP); put(y0, y2P);
        e.packRows(N, K, wP, K, pw);
        e.gemvPacked(N, K, xP, pw, yP, acc);
        e.sgemm(false, true, 1, N, K, xP, wP, y2P, acc, work);
        const got = new Float32Array(N), viaGemm = new Float32Array(N);
        get(yP, N, got); get(y2P, N, viaGemm);
        const what = `${build} N=${N} K=${K} accumulate=${acc}`;
        assertClose(got, want, 1e-5 * Math.sqrt(K), 1e-4, what);
        // sgemm sums rows past its last four-row group one float at a time, in another order
        const grouped = N & ~3;
        assert.deepEqual(got.subarray(0, grouped), viaGemm.subarray(0, grouped), `${what}: expected the bits of sgemm at M = 1`);
      }
    }
  });
});

test('packRows leaves rows past N and k past K zero, so a padded panel adds nothing', () => {
  const e = wasmModule();
  if (e === null) throw new Error('expected the wasm module to be available in this Node');
  const N = 7, K = 5;
  const s = new Scratch();
  const wP = s.take(N * K), pw = s.takeBytes(e.packedRowsBytes(N, K));
  if (!s.commit(e)) throw new Error('memory');
  put(Float32Array.from({ length: N * K }, (_, i) => i + 1), wP);
  const bytes = e.packedRowsBytes(N, K);
  assert.equal(bytes, 12 * 8 * 4, 'expected N rounded up to 12 (two six-row panels) and K to 8');
  const packed = new Float32Array(bytes / 4);
  put(new Float32Array(bytes / 4).fill(NaN), pw);
  e.packRows(N, K, wP, K, pw);
  get(pw, bytes / 4, packed);
  // panel 0 holds rows 0–5; k group 0, row r, lane l = W[r, l]; k group 1 lane 0 = W[r, 4], lanes 1–3 zero
  assert.equal(packed[(0 * 6 + 2) * 4 + 3], 2 * K + 3 + 1);
  assert.equal(packed[(1 * 6 + 2) * 4 + 0], 2 * K + 4 + 1);
  assert.deepEqual([...packed.subarray((1 * 6 + 2) * 4 + 1, (1 * 6 + 2) * 4 + 4)], [0, 0, 0]);
  // panel 1 (rows 6–11) at 6 · 8 floats: row 6 is W's last row, rows 7–11 all zero
  const panel1 = packed.subarray(6 * 8);
  assert.equal(panel1[0], 6 * K + 1);
  for (let r = 1; r < 6; r++) for (const g of [0, 1]) assert.deepEqual([...panel1.subarray((g * 6 + r) * 4, (g * 6 + r + 1) * 4)], [0, 0, 0, 0], `row ${6 + r}`);
  assert.equal(packed.some(Number.isNaN), false);
});
