// Softmax cross-entropy kernels: the reference against values worked by hand (log-probabilities,
// per-row loss, gradient rows, dropped rows), the wasm kernels against the reference on awkward sizes
// (N, C in 1, 3, 5, 17, 65) within float32 tolerance, and the autograd op giving the same loss and
// gradient on the wasm and reference backends for every reduction, with row weights and ignored rows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../core/helpers.js';
import { crossEntropyBackward, crossEntropyForward } from '../../src/backend/wasm/cross_entropy.js';
import * as ref from '../../src/backend/ref/cross_entropy.js';
import { refBackend, setBackend, wasmBackend } from '../../src/backend/backend.js';
import { wasmModule } from '../../src/backend/wasm/module.js';
import { onEveryBuild } from './builds.js';
import { softmaxCrossEntropy, type Reduction } from '../../src/autograd/ops/cross_entropy.js';
import { tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';

test('reference forward and backward equal the formulas worked by hand', () => {
  // row 0 [0, ln 2, ln 3]: p = [1/6, 2/6, 3/6], target 2; row 1 dropped (−1); row 2 [ln 4, 0]… C = 3
  const x = Float64Array.from([0, Math.log(2), Math.log(3), 5, 6, 7, Math.log(4), 0, 0]);
  const t = Int32Array.from([2, -1, 0]);
  const logp = new Float64Array(9), nll = new Float64Array(3);
  ref.crossEntropyForward(x, 3, 3, t, logp, nll);
  assertClose(logp.subarray(0, 3), [1 / 6, 2 / 6, 3 / 6].map(Math.log), 1e-15);
  assertClose(nll, [Math.log(2), 0, -Math.log(4 / 6)], 1e-15);
  const gx = new Float64Array(9).fill(7);
  ref.crossEntropyBackward(logp, 3, 3, t, Float64Array.from([2, 5, -0.5]), gx);
  // (p − onehot)·scale; the dropped row is zeroed whatever was in gx
  assertClose(gx, [2 / 6, 4 / 6, 6 / 6 - 2, 0, 0, 0, -0.5 * (4 / 6 - 1), -0.5 / 6, -0.5 / 6], 1e-15);
});

test('wasm cross-entropy forward and backward equal the reference on awkward sizes (both builds)', { skip: wasmModule() === null }, () => onEveryBuild((build) => {
  const rng = new Rng(11);
  for (const N of [1, 3, 17, 129]) for (const C of [1, 3, 5, 17, 65]) {
    const x = Float32Array.from({ length: N * C }, () => rng.uniform(-6, 6));
    const t = Int32Array.from({ length: N }, (_, i) => (i % 4 === 3 ? -1 : rng.int(C)));
    const scale = Float64Array.from({ length: N }, () => rng.uniform(-2, 2));
    const what = `${build}: N=${N} C=${C}`;
    const [lw, nw, lr, nr] = [new Float32Array(N * C), new Float32Array(N), new Float32Array(N * C), new Float32Array(N)];
    crossEntropyForward(x, N, C, t, lw, nw, 0);
    ref.crossEntropyForward(x, N, C, t, lr, nr);
    assertClose(lw, lr, 2e-6, 2e-6, `logp ${what}`);
    assertClose(nw, nr, 2e-6, 2e-6, `nll ${what}`);
    const gw = new Float32Array(N * C).fill(3), gr = new Float32Array(N * C);
    crossEntropyBackward(lr, N, C, t, scale, gw, 0);
    ref.crossEntropyBackward(lr, N, C, t, scale, gr);
    assertClose(gw, gr, 1e-6, 1e-5, `gx ${what}`);
  }
}));

test('wasm cross-entropy on float64 is the reference exactly', () => {
  const x = Float64Array.from([0.1, -3, 2.5, 7, 1e-3, -0.2]), t = Int32Array.from([1, 2]);
  const [a, b, na, nb] = [new Float64Array(6), new Float64Array(6), new Float64Array(2), new Float64Array(2)];
  crossEntropyForward(x, 2, 3, t, a, na, 0);
  ref.crossEntropyForward(x, 2, 3, t, b, nb);
  assert.deepEqual([a, na], [b, nb]);
  const ga = new Float64Array(6), gb = new Float64Array(6), s = Float64Array.from([0.5, -1]);
  crossEntropyBackward(a, 2, 3, t, s, ga, 0);
  ref.crossEntropyBackward(a, 2, 3, t, s, gb);
  assert.deepEqual(ga, gb);
});

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
    return [Float32Array.from(loss.data), Float32Array.from(logits.grad!.data)];
  };
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
    setBackend(wasmBackend);
  }
});

test('softmaxCrossEntropy still names a bad target and a bad shape', () => {
  const z = tensor([[0, 1, 2], [3, 4, 5]], undefined, { dtype: 'float32' });
  assert.throws(() => softmaxCrossEntropy(z, Int32Array.from([0, 3]), null, 'mean'), /expected targets in \[0, 3\), got 3 at row 1/);
  assert.throws(() => softmaxCrossEntropy(z, Int32Array.from([0]), null, 'mean'), /expected 2 targets for logits \[2, 3\], got 1/);
  assert.throws(() => softmaxCrossEntropy(z, Int32Array.from([0, -1]), Float64Array.from([1, 1]), 'mean'), /got -1 at row 1/);
});
