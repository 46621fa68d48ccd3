// The Mackey–Glass generator against independent checks: the fixed point x* = (β/γ − 1)^(1/n)
// where the delay is short enough for it to be stable; a finely stepped Euler integration of the
// same delay equation, written out here with its own history buffer; and convergence as the
// RK4 step shrinks. And the NARMA10 generator against its recursion.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mackeyGlass, narma } from '../../src/esn/index.js';

test('with a short delay the series settles on the fixed point (β/γ − 1)^(1/n)', () => {
  for (const { beta, gamma, n, tau } of [{ beta: 0.2, gamma: 0.1, n: 10, tau: 2 }, { beta: 0.3, gamma: 0.1, n: 10, tau: 1 }, { beta: 0.5, gamma: 0.2, n: 4, tau: 1.5 }]) {
    const x = mackeyGlass({ length: 1, discard: 1500, beta, gamma, n, tau, x0: 0.6 });
    const xStar = Math.pow(beta / gamma - 1, 1 / n);
    assert.ok(Math.abs(x[0] - xStar) < 1e-9, `β=${beta} γ=${gamma} n=${n} τ=${tau}: x(1500) = ${x[0]}, fixed point ${xStar}`);
  }
});

// Euler with step h = τ/m, so that x(t − τ) is exactly the value m steps back.
function eulerMackeyGlass(samples: number, h: number, tau = 17, x0 = 1.2): Float64Array {
  const m = Math.round(tau / h), perSample = Math.round(1 / h);
  const hist = new Float64Array(m + 1).fill(x0); // ring of the last m + 1 values
  let x = x0, i = 0;
  const out = new Float64Array(samples);
  for (let k = 0; k < samples; k++) {
    out[k] = x;
    for (let s = 0; s < perSample; s++) {
      const xd = hist[(i + 1) % (m + 1)]; // x(t − τ): the oldest entry
      const next = x + h * (0.2 * xd / (1 + Math.pow(xd, 10)) - 0.1 * x);
      i = (i + 1) % (m + 1);
      hist[i] = next;
      x = next;
    }
  }
  return out;
}

test('RK4 with interpolated delay matches a fine Euler integration of τ = 17', () => {
  const T = 150;
  const rk4 = mackeyGlass({ length: T });
  const euler = eulerMackeyGlass(T, 17 / 34000); // h = 0.0005
  let maxDiff = 0;
  for (let k = 0; k < T; k++) maxDiff = Math.max(maxDiff, Math.abs(rk4[k] - euler[k]));
  assert.ok(maxDiff < 2e-3, `max |RK4 − Euler| over ${T} samples: ${maxDiff}`);
  // And the Euler error is first order: halving h roughly halves the gap to RK4.
  const coarse = eulerMackeyGlass(T, 17 / 17000);
  let coarseDiff = 0;
  for (let k = 0; k < T; k++) coarseDiff = Math.max(coarseDiff, Math.abs(rk4[k] - coarse[k]));
  assert.ok(coarseDiff > 1.6 * maxDiff && coarseDiff < 2.4 * maxDiff, `Euler gaps ${coarseDiff} (h=0.001) and ${maxDiff} (h=0.0005)`);
});

test('RK4 converges at fourth order as the step shrinks, delay included', () => {
  const T = 300;
  const a = mackeyGlass({ length: T, substeps: 5 }), b = mackeyGlass({ length: T, substeps: 10 }), c = mackeyGlass({ length: T, substeps: 20 });
  let dab = 0, dbc = 0;
  for (let k = 0; k < T; k++) { dab = Math.max(dab, Math.abs(a[k] - b[k])); dbc = Math.max(dbc, Math.abs(b[k] - c[k])); }
  assert.ok(dbc < 1e-5, `h = 0.1 vs 0.05 differ by ${dbc}`);
  const ratio = dab / dbc;
  assert.ok(ratio > 10 && ratio < 24, `error ratio ${ratio} (16 for fourth order)`);
});

test('the τ = 17 series is chaotic on the familiar attractor, and seeds vary the initial function', () => {
  const x = mackeyGlass({ length: 2000, discard: 500 });
  let lo = Infinity, hi = -Infinity;
  for (const v of x) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  assert.ok(lo > 0.2 && lo < 0.5 && hi > 1.2 && hi < 1.45, `range [${lo}, ${hi}]`);
  const s1 = mackeyGlass({ length: 50, seed: 1 }), s2 = mackeyGlass({ length: 50, seed: 2 });
  assert.equal(s1[0], 1.2);
  assert.notEqual(s1[49], s2[49]);
  assert.deepEqual(mackeyGlass({ length: 50, seed: 1 }), s1);
  assert.throws(() => mackeyGlass({ length: 10, tau: 0.05 }), /expected tau >= the step 0.1/);
});

test('NARMA10 follows its recursion from uniform inputs in [0, 0.5]', () => {
  const { inputs: u, targets } = narma(500, { seed: 3 });
  const y = [0, ...targets];
  for (let t = 0; t < 500; t++) {
    assert.ok(u[t] >= 0 && u[t] < 0.5);
    let sum = 0;
    for (let i = 0; i < 10 && i <= t; i++) sum += y[t - i];
    const want = 0.3 * y[t] + 0.05 * y[t] * sum + 1.5 * (t >= 9 ? u[t - 9] : 0) * u[t] + 0.1;
    assert.ok(Math.abs(y[t + 1] - want) < 1e-15);
  }
});
