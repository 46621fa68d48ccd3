// The optimizer update kernels: wasm Adam/AdamW and SGD against the reference loops bit for bit on
// float32 (the kernel widens to double and rounds where the reference stores) on awkward lengths
// (1, 3, 5, 17, and past one streaming chunk), over several steps, with amsgrad on and off, both
// kinds of weight decay, maximize, momentum with dampening, nesterov, and NaN/∞ in the gradient;
// the reference against a second step worked by hand; and the optimizers giving the same trajectory
// on the wasm and reference backends.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adamUpdate, sgdUpdate, CHUNK } from '../../src/backend/wasm/optim.js';
import * as ref from '../../src/backend/ref/optim.js';
import type { AdamStep, SgdStep } from '../../src/backend/ref/optim.js';
import { refBackend, setBackend, wasmBackend } from '../../src/backend/backend.js';
import { wasmModule } from '../../src/backend/wasm/module.js';
import { onEveryBuild } from './builds.js';
import { Adam, AdamW, SGD } from '../../src/optim/index.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';

const LENGTHS = [1, 3, 5, 17, 256, CHUNK + 5];
const noWasm = wasmModule() === null;

// Equal entry for entry, any NaN matching any NaN (wasm and V8 may give NaNs different payload bits).
function assertSame(a: Float32Array[], b: Float32Array[], what: string): void {
  a.forEach((x, k) => x.forEach((v, i) => {
    if (!Object.is(v, b[k][i]) && !(Number.isNaN(v) && Number.isNaN(b[k][i]))) assert.fail(`${what}: buffer ${k}[${i}] ${v} vs ${b[k][i]}`);
  }));
}

function arrays(n: number, seed: number, k: number): Float32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: k }, (_, j) => Float32Array.from({ length: n }, () => (j === 0 || j === 1 ? rng.uniform(-2, 2) : rng.uniform(0, 0.1))));
}

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

test('wasm Adam/AdamW equals the reference bit for bit (both builds)', { skip: noWasm }, () => onEveryBuild((build) => {
  let seed = 1;
  for (const n of LENGTHS) for (const amsgrad of [false, true]) for (const decoupled of [false, true])
    for (const maximize of [false, true]) for (const weightDecay of [0, 0.05]) {
      const [p, g, m, v, x] = arrays(n, seed++, 5);
      if (n >= 5) { g[1] = NaN; g[3] = Infinity; }
      const [pr, mr, vr, xr] = [p, m, v, x].map((a) => Float32Array.from(a));
      for (let step = 1; step <= 3; step++) {
        const h: AdamStep = { lr: 0.01, beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay, decoupled, maximize, step };
        adamUpdate(p, g, m, v, amsgrad ? x : null, h, 0);
        ref.adamUpdate(pr, g, mr, vr, amsgrad ? xr : null, h);
        g.reverse(); // a different gradient next step
      }
      const what = `${build}: n=${n} amsgrad=${amsgrad} decoupled=${decoupled} maximize=${maximize} wd=${weightDecay}`;
      assertSame([p, m, v, x], [pr, mr, vr, xr], what);
    }
}));

test('wasm SGD equals the reference bit for bit (both builds)', { skip: noWasm }, () => onEveryBuild((build) => {
  let seed = 100;
  const cases: Partial<SgdStep>[] = [
    { momentum: 0 }, { momentum: 0, weightDecay: 0.1, maximize: true }, { momentum: 0.9, dampening: 0.3 },
    { momentum: 0.9, nesterov: true }, { momentum: 0.5, nesterov: true, weightDecay: 0.01, maximize: true },
  ];
  for (const n of LENGTHS) for (const c of cases) {
    const [p, g, b] = arrays(n, seed++, 3);
    if (n >= 5) g[2] = NaN;
    const [pr, br] = [p, b].map((a) => Float32Array.from(a));
    const buf = c.momentum === 0 ? null : b, bufR = c.momentum === 0 ? null : br;
    for (let step = 1; step <= 3; step++) {
      const h: SgdStep = { lr: 0.1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...c, first: step === 1 };
      sgdUpdate(p, g, buf, h, 0);
      ref.sgdUpdate(pr, g, bufR, h);
      g.reverse();
    }
    assertSame([p, b], [pr, br], `${build}: n=${n} ${JSON.stringify(c)}`);
  }
}));

test('wasm optimizer kernels leave float64 and mismatched buffers to the reference', () => {
  const p = Float64Array.from([1, 2, 3]), g = Float64Array.from([0.1, 0.2, 0.3]);
  const pr = Float64Array.from(p);
  const h: AdamStep = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: false, maximize: false, step: 1 };
  adamUpdate(p, g, new Float64Array(3), new Float64Array(3), null, h, 0);
  ref.adamUpdate(pr, g, new Float64Array(3), new Float64Array(3), null, h);
  assert.deepEqual(p, pr);
  // g shorter than p: the reference's NaN for the missing entry, not a wasm read past the end
  const q = Float32Array.from([1, 2]);
  sgdUpdate(q, Float32Array.from([1]), null, { lr: 1, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, first: true }, 0);
  assert.deepEqual(Array.from(q), [0, NaN]);
});

test('Adam, AdamW and SGD follow the same trajectory on the wasm and reference backends', { skip: noWasm }, () => {
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
      for (const p of ps) p.grad = tensor(Array.from(p.data, (x, i) => 2 * (x - 0.3) * (1 + (i % 3))), undefined, { dtype: 'float32' });
      opt.step();
    }
    return ps.map((p) => Array.from(p.data));
  };
  try {
    for (const [name, make] of makers) {
      setBackend(refBackend);
      const want = run(make);
      setBackend(wasmBackend);
      assert.deepEqual(run(make), want, name);
    }
  } finally {
    setBackend(wasmBackend);
  }
});
