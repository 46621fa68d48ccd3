// Embedding gather / scatter-add kernels: the reference against a case worked by hand (repeated
// indices accumulate), and the wasm kernels against the reference bit for bit on awkward widths and
// counts with repeated indices (float32 addition rounds the same in both); float64, tables larger
// than the rows moved, and out-of-table indices take the reference.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatherRows, scatterAddRows } from '../../src/backend/wasm/gather.js';
import * as ref from '../../src/backend/ref/layout.js';
import { wasmModule } from '../../src/backend/wasm/module.js';
import { onEveryBuild } from './builds.js';
import { Rng } from '../../src/tensor/random.js';

test('reference gather and scatter-add on a case worked by hand', () => {
  const table = Float64Array.from([1, 2, 10, 20, 100, 200]); // [3, 2]
  const out = new Float64Array(8);
  ref.gatherRows(table, 2, Int32Array.from([2, 0, 2, 1]), out);
  assert.deepEqual(Array.from(out), [100, 200, 1, 2, 100, 200, 10, 20]);
  const t = Float64Array.from([1, 1, 1, 1, 1, 1]);
  ref.scatterAddRows(Float64Array.from([1, 2, 3, 4, 5, 6]), 2, Int32Array.from([2, 0, 2]), t);
  assert.deepEqual(Array.from(t), [4, 5, 1, 1, 7, 9]);
});

test('wasm gather and scatter-add equal the reference bit for bit (both builds)', { skip: wasmModule() === null }, () => onEveryBuild((build) => {
  const rng = new Rng(3);
  for (const W of [1, 3, 5, 17, 64]) for (const V of [1, 5, 65]) for (const n of [1, 3, 17, 2048]) {
    const table = Float32Array.from({ length: V * W }, () => rng.uniform(-1, 1));
    const idx = Int32Array.from({ length: n }, () => rng.int(V)); // repeats whenever n > V
    const src = Float32Array.from({ length: n * W }, () => rng.uniform(-1, 1));
    const a = new Float32Array(n * W), b = new Float32Array(n * W);
    gatherRows(table, W, idx, a, true);
    ref.gatherRows(table, W, idx, b);
    assert.deepEqual(a, b, `${build}: gather W=${W} V=${V} n=${n}`);
    const ta = Float32Array.from(table), tb = Float32Array.from(table);
    scatterAddRows(src, W, idx, ta, true);
    ref.scatterAddRows(src, W, idx, tb);
    assert.deepEqual(ta, tb, `${build}: scatter-add W=${W} V=${V} n=${n}`);
  }
}));

test('wasm gather/scatter-add fall back to the reference where they should', () => {
  // float64
  const t64 = Float64Array.from([1, 2, 3, 4]), o64 = new Float64Array(2);
  gatherRows(t64, 2, Int32Array.from([1]), o64, true);
  assert.deepEqual(Array.from(o64), [3, 4]);
  // a table larger than the rows moved (default routing), and an index past the table: the
  // reference's behaviour, nothing written outside the table
  const table = Float32Array.from({ length: 40 }, (_, i) => i), out = new Float32Array(4);
  gatherRows(table, 4, Int32Array.from([9]), out);
  assert.deepEqual(Array.from(out), [36, 37, 38, 39]);
  const small = new Float32Array(4);
  scatterAddRows(Float32Array.from([1, 1, 1, 1, 2, 2, 2, 2]), 2, Int32Array.from([1, 5, 0, 1]), small, true);
  const want = new Float32Array(4);
  ref.scatterAddRows(Float32Array.from([1, 1, 1, 1, 2, 2, 2, 2]), 2, Int32Array.from([1, 5, 0, 1]), want);
  assert.deepEqual(small, want);
});
