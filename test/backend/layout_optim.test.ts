// Row gather / scatter-add and the optimizer updates on every backend. Gather and scatter-add equal
// the reference's loops bit for bit (repeated indices accumulate in order), with an index outside
// the table left to the reference; Adam/AdamW and SGD equal the reference loops bit for bit on
// float32 over several steps (amsgrad, both kinds of weight decay, maximize, momentum with
// dampening, nesterov, NaN/∞ gradients), the reference against a second Adam step worked by hand,
// and the optimizers follow the same trajectory whichever backend runs them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as layout from '../../src/backend/ref/layout.js';
import * as ref from '../../src/backend/ref/optim.js';
import type { AdamStep, SgdStep } from '../../src/backend/ref/optim.js';
import { Adam, AdamW, SGD } from '../../src/optim/index.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import { dst, onEveryBackend, st, vals } from './suite.js';

test('reference gather and scatter-add on a case worked by hand', () => {
  const table = Float64Array.from([1, 2, 10, 20, 100, 200]); // [3, 2]
  const out = new Float64Array(8);
  layout.gatherRows(table, 2, Int32Array.from([2, 0, 2, 1]), out);
  assert.deepEqual(Array.from(out), [100, 200, 1, 2, 100, 200, 10, 20]);
  const t = Float64Array.from([1, 1, 1, 1, 1, 1]);
  layout.scatterAddRows(Float64Array.from([1, 2, 3, 4, 5, 6]), 2, Int32Array.from([2, 0, 2]), t);
  assert.deepEqual(Array.from(t), [4, 5, 1, 1, 7, 9]);
});

test('reference copy of row blocks on cases worked by hand (short rows by the loop, long rows by views)', () => {
  const src = Float64Array.from({ length: 12 }, (_, i) => i); // [3, 4]
  const cols = new Float64Array(6);
  layout.copyRows(src, 1, 4, cols, 0, 2, 3, 2); // columns 1..2 of each row
  assert.deepEqual(Array.from(cols), [1, 2, 5, 6, 9, 10]);
  const wide = new Float64Array(12).fill(-1);
  layout.copyRows(Float64Array.from([7, 8, 9, 10]), 0, 2, wide, 2, 6, 2, 2); // [2, 2] into columns 2..3 of a [2, 6]
  assert.deepEqual(Array.from(wide), [-1, -1, 7, 8, -1, -1, -1, -1, 9, 10, -1, -1]);
  const long = Float64Array.from({ length: 200 }, (_, i) => i), out = new Float64Array(80);
  layout.copyRows(long, 10, 100, out, 0, 40, 2, 40); // rows of 40 (the view path)
  assert.deepEqual(Array.from(out), [...Array.from({ length: 40 }, (_, i) => 10 + i), ...Array.from({ length: 40 }, (_, i) => 110 + i)]);
});

test('gather and scatter-add equal the reference bit for bit on every backend', () => onEveryBackend((be, name) => {
  const rng = new Rng(3);
  for (const W of [1, 3, 5, 17, 64]) for (const V of [1, 5, 65]) for (const n of [1, 3, 17, 2048]) {
    const table = Float32Array.from({ length: V * W }, () => rng.uniform(-1, 1));
    const idx = Int32Array.from({ length: n }, () => rng.int(V)); // repeats whenever n > V
    const src = Float32Array.from({ length: n * W }, () => rng.uniform(-1, 1));
    const out = st(new Float32Array(n * W)), want = new Float32Array(n * W);
    be.gatherRows(dst(table, be), W, idx, out);
    layout.gatherRows(table, W, idx, want);
    assert.deepEqual(vals(out), want, `${name}: gather W=${W} V=${V} n=${n}`);
    const ta = dst(table, be), tb = Float32Array.from(table);
    be.scatterAddRows(st(src), W, idx, ta);
    layout.scatterAddRows(src, W, idx, tb);
    assert.deepEqual(vals(ta), tb, `${name}: scatter-add W=${W} V=${V} n=${n}`);
  }
}));

test('an index past the table gets the reference behaviour, nothing written outside the table', () => onEveryBackend((be, name) => {
  const src = [1, 1, 1, 1, 2, 2, 2, 2], idx = Int32Array.from([1, 5, 0, 1]);
  const got = st(new Float32Array(4)), want = new Float32Array(4);
  be.scatterAddRows(st(src), 2, idx, got);
  layout.scatterAddRows(Float32Array.from(src), 2, idx, want);
  assert.deepEqual(vals(got), want, name);
  const g64 = st(new Float64Array(2), 'float64');
  be.gatherRows(st([1, 2, 3, 4], 'float64'), 2, Int32Array.from([1]), g64);
  assert.deepEqual([...vals(g64)], [3, 4], name);
}));

// Equal entry for entry, any NaN matching any NaN (wasm and V8 may give NaNs different payload bits).
function assertSame(a: ArrayLike<number>[], b: ArrayLike<number>[], what: string): void {
  a.forEach((x, k) => Array.from(x).forEach((v, i) => {
    const w = b[k][i];
    if (!Object.is(v, w) && !(Number.isNaN(v) && Number.isNaN(w))) assert.fail(`${what}: buffer ${k}[${i}] ${v} vs ${w}`);
  }));
}

function arrays(n: number, seed: number, k: number): Float32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: k }, (_, j) => Float32Array.from({ length: n }, () => (j === 0 || j === 1 ? rng.uniform(-2, 2) : rng.uniform(0, 0.1))));
}

const LENGTHS = [1, 3, 5, 17, 256, 8197];

test('reference Adam: two steps worked by hand', () => {
  // one element, float64: θ = 1, g1 = 0.5, g2 = −1, β = (0.9, 0.99), γ = 0.1, ε = 0, L2 λ = 0.1
  const p = Float64Array.from([1]), m = new Float64Array(1), v = new Float64Array(1);
  const h: AdamStep = { lr: 0.1, beta1: 0.9, beta2: 0.99, eps: 0, weightDecay: 0.1, decoupled: false, maximize: false, step: 1 };
  ref.adamUpdate(p, Float64Array.from([0.5]), m, v, null, h);
  // g = 0.6: m̂ = g, v̂ = g² → θ = 1 − 0.1
  assert.ok(Math.abs(p[0] - 0.9) < 1e-15, `${p[0]}`);
  ref.adamUpdate(p, Float64Array.from([-1]), m, v, null, { ...h, step: 2 });
  const g2 = -1 + 0.1 * 0.9;
  const m2 = 0.9 * 0.1 * 0.6 + 0.1 * g2, v2 = 0.99 * 0.01 * 0.36 + 0.01 * g2 * g2;
  const want = 0.9 - 0.1 / (1 - 0.81) * m2 / (Math.sqrt(v2) / Math.sqrt(1 - 0.99 ** 2));
  assert.ok(Math.abs(p[0] - want) < 1e-14, `${p[0]} vs ${want}`);
});

test('Adam/AdamW equals the reference loop bit for bit on every backend', () => onEveryBackend((be, name) => {
  let seed = 1;
  for (const n of LENGTHS) for (const amsgrad of [false, true]) for (const decoupled of [false, true])
    for (const maximize of [false, true]) for (const weightDecay of [0, 0.05]) {
      const [p, g, m, v, x] = arrays(n, seed++, 5);
      if (n >= 5) { g[1] = NaN; g[3] = Infinity; }
      const [pr, mr, vr, xr] = [p, m, v, x].map((a) => Float32Array.from(a));
      const [ps, ms, vs, xs] = [p, m, v, x].map((a) => dst(a, be));
      for (let step = 1; step <= 3; step++) {
        const h: AdamStep = { lr: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay, decoupled, maximize, step };
        be.adamUpdate(ps, st(g), ms, vs, amsgrad ? xs : null, h);
        ref.adamUpdate(pr, g, mr, vr, amsgrad ? xr : null, h);
        g.reverse(); // a different gradient next step
      }
      const what = `${name}: n=${n} amsgrad=${amsgrad} decoupled=${decoupled} maximize=${maximize} wd=${weightDecay}`;
      assertSame([vals(ps), vals(ms), vals(vs), vals(xs)], [pr, mr, vr, xr], what);
    }
}));

test('SGD equals the reference loop bit for bit on every backend', () => onEveryBackend((be, name) => {
  let seed = 100;
  const cases: Partial<SgdStep>[] = [
    { momentum: 0 }, { momentum: 0, weightDecay: 0.1, maximize: true }, { momentum: 0.9, dampening: 0.3 },
    { momentum: 0.9, nesterov: true }, { momentum: 0.5, nesterov: true, weightDecay: 0.01, maximize: true },
  ];
  for (const n of LENGTHS) for (const c of cases) {
    const [p, g, b] = arrays(n, seed++, 3);
    if (n >= 5) g[2] = NaN;
    const [pr, br] = [p, b].map((a) => Float32Array.from(a));
    const ps = dst(p, be), bs = dst(b, be);
    const buf = c.momentum === 0 ? null : bs, bufR = c.momentum === 0 ? null : br;
    for (let step = 1; step <= 3; step++) {
      const h: SgdStep = { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...c, first: step === 1 };
      be.sgdUpdate(ps, st(g), buf, h);
      ref.sgdUpdate(pr, g, bufR, h);
      g.reverse();
    }
    assertSame([vals(ps), vals(bs)], [pr, br], `${name}: n=${n} ${JSON.stringify(c)}`);
  }
}));

test('optimizer kernels keep float64 on the reference, bit for bit, on every backend', () => onEveryBackend((be, name) => {
  const p = st([1, 2, 3], 'float64'), g = Float64Array.from([0.1, 0.2, 0.3]);
  const pr = Float64Array.from([1, 2, 3]);
  const h: AdamStep = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, maximize: false, step: 1 };
  be.adamUpdate(p, st(g, 'float64'), st(new Float64Array(3), 'float64'), st(new Float64Array(3), 'float64'), null, h);
  ref.adamUpdate(pr, g, new Float64Array(3), new Float64Array(3), null, h);
  assert.deepEqual(vals(p), pr, name);
}));

test('Adam, AdamW and SGD follow the same trajectory on every backend', () => {
  const rng = new Rng(9);
  const init = [Array.from({ length: 300 }, () => rng.uniform(-1, 1)), Array.from({ length: 1031 }, () => rng.uniform(-1, 1))];
  const makers: [string, (ps: Tensor[]) => { step(): unknown }][] = [
    ['Adam amsgrad', (ps) => new Adam(ps, { lr: 0.01, amsgrad: true, weightDecay: 0.01 })],
    ['AdamW maximize', (ps) => new AdamW(ps, { lr: 0.01, maximize: true })],
    ['SGD nesterov', (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 })],
  ];
  const run = (make: (ps: Tensor[]) => { step(): unknown }): number[][] => {
    const ps = init.map((v) => tensor(v, undefined, { dtype: 'float32', requiresGrad: true }));
    const opt = make(ps);
    for (let s = 0; s < 4; s++) {
      // gradient of Σ (θ − 0.3)² · (1 + index mod 3)
      for (const p of ps) p.grad = tensor(Array.from(p.dataSync(), (x, i) => 2 * (x - 0.3) * (1 + (i % 3))), undefined, { dtype: 'float32' });
      opt.step();
    }
    return ps.map((p) => Array.from(p.dataSync()));
  };
  for (const [label, make] of makers) {
    const runs: [string, number[][]][] = [];
    onEveryBackend((_be, name) => { runs.push([name, run(make)]); });
    for (const [name, got] of runs.slice(1)) assert.deepEqual(got, runs[0][1], `${label}: ${name} vs ${runs[0][0]}`);
  }
});
