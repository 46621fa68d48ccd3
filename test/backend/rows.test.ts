// Row kernels on every backend: softmax / log-softmax of rows, column sums, and softmax
// cross-entropy forward and backward, against the reference's array kernels (float32 tolerance) and
// values worked by hand; float64 runs the reference exactly.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../helpers/tensors.js';
import * as ce from '../../src/backend/ref/cross_entropy.js';
import { softmaxRows as softmaxRowsRef } from '../../src/backend/ref/reduce.js';
import { refBackend, setBackend, wasmBackend, getBackend } from '../../src/backend/backend.js';
import { wasmModule } from '../../src/backend/wasm/module.js';
import { softmaxCrossEntropy, type Reduction } from '../../src/autograd/ops/cross_entropy.js';
import { tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import { dst, onEveryBackend, st, vals } from './suite.js';

test('softmaxRows equals the reference on awkward widths and spreads on every backend', () => onEveryBackend((be, name) => {
  const rng = new Rng(4);
  for (const n of [1, 3, 4, 5, 65]) for (const rows of [1, 7]) for (const scale of [1, 30, 1000]) {
    const x = Float32Array.from({ length: rows * n }, () => scale * rng.uniform(-1, 1) + 50);
    for (const log of [false, true]) {
      const out = st(new Float32Array(rows * n)), want = new Float32Array(rows * n);
      be.softmaxRows(dst(x, be), rows, n, out, log);
      softmaxRowsRef(x, rows, n, want, log);
      assertClose(vals(out), want, log ? 1e-5 * Math.max(1, scale / 30) : 1e-6, 1e-5, `${name} n=${n} rows=${rows} scale=${scale} log=${log}`);
    }
  }
}));

test('log-softmax keeps float32 precision at large logits (1000, 999) on every backend', () => onEveryBackend((be, name) => {
  const out = st(new Float32Array(2));
  be.softmaxRows(st([1000, 999]), 1, 2, out, true);
  assertClose(vals(out), [-Math.log1p(Math.exp(-1)), -1 - Math.log1p(Math.exp(-1))], 1e-6, 0, name);
}));

test('column sums overwrite or accumulate on every backend', () => onEveryBackend((be, name) => {
  const rng = new Rng(5);
  for (const [rows, n] of [[1, 1], [3, 5], [64, 129]]) {
    const x = Float32Array.from({ length: rows * n }, () => rng.uniform(-1, 1));
    const want = new Float64Array(n);
    for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) want[j] += x[r * n + j];
    const out = dst(new Float32Array(n).fill(9), be);
    be.colSums(dst(x, be), rows, n, out, false);
    assertClose(vals(out), want, 1e-6 * rows, 1e-6, `${name} ${rows}x${n}`);
    be.colSums(st(x), rows, n, out, true);
    assertClose(vals(out), want.map((v) => 2 * v), 2e-6 * rows, 1e-6, `${name} ${rows}x${n} accumulated`);
  }
}));

test('reference cross-entropy forward and backward equal the formulas worked by hand', () => {
  // row 0 [0, ln 2, ln 3]: p = [1/6, 2/6, 3/6], target 2; row 1 dropped (−1); row 2 [ln 4, 0, 0], target 0
  const x = Float64Array.from([0, Math.log(2), Math.log(3), 5, 6, 7, Math.log(4), 0, 0]);
  const t = Int32Array.from([2, -1, 0]);
  const logp = new Float64Array(9), nll = new Float64Array(3);
  ce.crossEntropyForward(x, 3, 3, t, logp, nll);
  assertClose(logp.subarray(0, 3), [1 / 6, 2 / 6, 3 / 6].map(Math.log), 1e-15);
  assertClose(nll, [Math.log(2), 0, -Math.log(4 / 6)], 1e-15);
  const gx = new Float64Array(9).fill(7);
  ce.crossEntropyBackward(logp, 3, 3, t, Float64Array.from([2, 5, -0.5]), gx);
  // (p − onehot)·scale; the dropped row is zeroed whatever was in gx
  assertClose(gx, [2 / 6, 4 / 6, 6 / 6 - 2, 0, 0, 0, -0.5 * (4 / 6 - 1), -0.5 / 6, -0.5 / 6], 1e-15);
});

test('cross-entropy forward and backward equal the reference on awkward sizes on every backend', () => onEveryBackend((be, name) => {
  const rng = new Rng(11);
  for (const N of [1, 3, 17, 129]) for (const C of [1, 3, 5, 17, 65]) {
    const x = Float32Array.from({ length: N * C }, () => rng.uniform(-6, 6));
    const t = Int32Array.from({ length: N }, (_, i) => (i % 4 === 3 ? -1 : rng.int(C)));
    const scale = Float64Array.from({ length: N }, () => rng.uniform(-2, 2));
    const what = `${name}: N=${N} C=${C}`;
    const lw = st(new Float32Array(N * C)), nw = st(new Float32Array(N));
    const lr = new Float32Array(N * C), nr = new Float32Array(N);
    be.crossEntropyForward(dst(x, be), N, C, t, lw, nw);
    ce.crossEntropyForward(x, N, C, t, lr, nr);
    assertClose(vals(lw), lr, 2e-6, 2e-6, `logp ${what}`);
    assertClose(vals(nw), nr, 2e-6, 2e-6, `nll ${what}`);
    const gw = dst(new Float32Array(N * C).fill(3), be), gr = new Float32Array(N * C);
    be.crossEntropyBackward(st(lr), N, C, t, scale, gw);
    ce.crossEntropyBackward(lr, N, C, t, scale, gr);
    assertClose(vals(gw), gr, 1e-6, 1e-5, `gx ${what}`);
  }
}));

test('cross-entropy on float64 is the reference exactly on every backend', () => onEveryBackend((be, name) => {
  const x = Float64Array.from([0.1, -3, 2.5, 7, 1e-3, -0.2]), t = Int32Array.from([1, 2]);
  const a = st(new Float64Array(6), 'float64'), na = st(new Float64Array(2), 'float64');
  const b = new Float64Array(6), nb = new Float64Array(2);
  be.crossEntropyForward(st(x, 'float64'), 2, 3, t, a, na);
  ce.crossEntropyForward(x, 2, 3, t, b, nb);
  assert.deepEqual([vals(a), vals(na)], [b, nb], name);
}));

test('softmaxCrossEntropy: the wasm backend gives the reference loss and gradient', { skip: wasmModule() === null }, () => {
  const rng = new Rng(5);
  const N = 37, C = 65;
  const z = Array.from({ length: N * C }, () => rng.uniform(-4, 4));
  // targets of dropped rows are out of range on purpose (ignore_index): they must never be read
  const weight = Float64Array.from({ length: N }, (_, i) => (i % 5 === 0 ? 0 : 0.5 + (i % 3)));
  const targets = Int32Array.from({ length: N }, (_, i) => (weight[i] === 0 ? -100 : rng.int(C)));
  const run = (w: Float64Array | null, red: Reduction): [Float32Array, Float32Array] => {
    const logits = tensor(z, [N, C], { dtype: 'float32', requiresGrad: true });
    const loss = softmaxCrossEntropy(logits, w === null ? targets.map((t) => Math.max(t, 0)) : targets, w, red);
    const out = red === 'none' ? loss.sum() : loss;
    out.backward();
    return [Float32Array.from(loss.dataSync()), Float32Array.from(logits.grad!.dataSync())];
  };
  const before = getBackend();
  try {
    for (const w of [null, weight]) for (const red of ['mean', 'sum', 'none'] as Reduction[]) {
      setBackend(refBackend);
      const [lr, gr] = run(w, red);
      setBackend(wasmBackend);
      const [lw, gw] = run(w, red);
      const what = `${red} ${w === null ? 'unweighted' : 'weighted'}`;
      assertClose(lw, lr, 1e-5, 1e-5, `loss ${what}`);
      assertClose(gw, gr, 1e-7, 1e-5, `grad ${what}`);
      if (w !== null) for (let i = 0; i < N; i += 5) assert.ok(gw.subarray(i * C, (i + 1) * C).every((v) => v === 0), `dropped row ${i}`);
    }
  } finally {
    setBackend(before);
  }
});

test('softmaxCrossEntropy still names a bad target and a bad shape', () => {
  const z = tensor([[0, 1, 2], [3, 4, 5]], undefined, { dtype: 'float32' });
  assert.throws(() => softmaxCrossEntropy(z, Int32Array.from([0, 3]), null, 'mean'), /expected targets in \[0, 3\), got 3 at row 1/);
  assert.throws(() => softmaxCrossEntropy(z, Int32Array.from([0]), null, 'mean'), /expected 2 targets for logits \[2, 3\], got 1/);
  assert.throws(() => softmaxCrossEntropy(z, Int32Array.from([0, -1]), Float64Array.from([1, 1]), 'mean'), /got -1 at row 1/);
});
