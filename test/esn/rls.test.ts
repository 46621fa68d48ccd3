// Recursive least squares: on a stationary problem it converges to the ridge solution (exactly
// the ridge solution with λ = δ when it does not forget), and with forgetting it tracks a change.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { RLS, RidgeAccumulator } from '../../src/esn/index.js';

test('RLS converges to the ridge solution on a stationary problem', () => {
  const F = 6, L = 2, T = 400, rng = new Rng(4);
  const Wtrue = Array.from({ length: L * F }, () => rng.uniform(-1, 1));
  const delta = 1e-3;
  const rls = new RLS(F, L, { delta });
  const ridge = new RidgeAccumulator(F, L);
  const z = new Float64Array(F), y = new Float64Array(L);
  const errors: number[] = [];
  for (let t = 0; t < T; t++) {
    z[0] = 1;
    for (let j = 1; j < F; j++) z[j] = rng.uniform(-1, 1);
    for (let l = 0; l < L; l++) {
      let s = 0.05 * rng.normal();
      for (let j = 0; j < F; j++) s += Wtrue[l * F + j] * z[j];
      y[l] = s;
    }
    const prior = rls.update(z, y);
    errors.push(Math.abs(prior[0] - y[0]));
    ridge.add(z, y);
  }
  // Same objective: Σ ‖y − W z‖² + δ ‖W‖² (the bias penalised too).
  const W = ridge.solve(delta);
  for (let i = 0; i < L * F; i++) assert.ok(Math.abs(rls.W[i] - W[i]) < 1e-7, `weight ${i}: RLS ${rls.W[i]}, ridge ${W[i]}`);
  // And both are near the generating weights; the a-priori error falls to the noise level.
  for (let i = 0; i < L * F; i++) assert.ok(Math.abs(W[i] - Wtrue[i]) < 0.03);
  const late = errors.slice(-100).reduce((a, b) => a + b, 0) / 100;
  assert.ok(late < 0.06, `late a-priori error ${late}`);
});

test('with a forgetting factor RLS follows a change of the target', () => {
  const rls = new RLS(2, 1, { delta: 1e-2, forgetting: 0.95 });
  const rng = new Rng(1);
  for (let t = 0; t < 600; t++) {
    const x = rng.uniform(-1, 1);
    const target = t < 300 ? 2 * x + 1 : -x + 0.5;
    rls.update([1, x], [target]);
  }
  assert.ok(Math.abs(rls.W[0] - 0.5) < 1e-6 && Math.abs(rls.W[1] + 1) < 1e-6, `W = ${Array.from(rls.W)}`);
  assert.throws(() => new RLS(2, 1, { forgetting: 1.2 }), /expected a forgetting factor in \(0, 1\], got 1.2/);
  assert.throws(() => new RLS(2, 1, { delta: 0 }), /expected an RLS delta > 0, got 0/);
});
