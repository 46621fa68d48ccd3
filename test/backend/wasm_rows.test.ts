// The wasm row kernels against the reference: softmax and log-softmax of each row (wasm backend's
// softmaxRows) on awkward widths (1, 3, 5, 65) and rows with large spreads (where exp underflows)
// and large magnitudes, within float32 tolerance; float64 goes to the reference bit for bit.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../core/helpers.js';
import { softmaxRows } from '../../src/backend/wasm/rows.js';
import { softmaxRows as softmaxRowsRef } from '../../src/backend/ref/reduce.js';
import { Rng } from '../../src/tensor/random.js';

test('wasm softmaxRows equals the reference on awkward widths and spreads', () => {
  const rng = new Rng(4);
  for (const n of [1, 3, 4, 5, 65]) for (const rows of [1, 7]) for (const scale of [1, 30, 1000]) {
    const x = Float32Array.from({ length: rows * n }, () => scale * rng.uniform(-1, 1) + 50);
    for (const log of [false, true]) {
      const a = new Float32Array(rows * n), b = new Float32Array(rows * n);
      softmaxRows(x, rows, n, a, log);
      softmaxRowsRef(x, rows, n, b, log);
      assertClose(a, b, log ? 1e-5 * Math.max(1, scale / 30) : 1e-6, 1e-5, `n=${n} rows=${rows} scale=${scale} log=${log}`);
    }
  }
});

test('wasm log-softmax keeps float32 precision at large logits (1000, 999)', () => {
  const out = new Float32Array(2);
  softmaxRows(Float32Array.from([1000, 999]), 1, 2, out, true);
  assertClose(out, [-Math.log1p(Math.exp(-1)), -1 - Math.log1p(Math.exp(-1))], 1e-6, 0);
});

test('wasm softmaxRows on float64 is the reference exactly', () => {
  const x = Float64Array.from([0.1, -3, 2.5, 7, 1e-3, -0.2]);
  const a = new Float64Array(6), b = new Float64Array(6);
  softmaxRows(x, 2, 3, a, true);
  softmaxRowsRef(x, 2, 3, b, true);
  assert.deepEqual(a, b);
});
