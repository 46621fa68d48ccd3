// The echo state network end to end on small problems: it learns a sine one step ahead, then
// continues it on its own; the two ridge solvers agree; online RLS fitting works; teacher forcing
// with output feedback learns to generate; wrong shapes and order of calls get clear errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESN, emptyInputs, nrmse, nmse, sliceSeries, timeSeries } from '../../src/esn/index.js';
import { Tensor } from '../../src/tensor/tensor.js';

const sine = (n: number, period = 25, phase = 0): Float64Array => Float64Array.from({ length: n }, (_, t) => Math.sin((2 * Math.PI * t) / period + phase));

test('a small ESN learns a sine one step ahead, then continues it free-running', () => {
  const s = sine(401);
  const net = new ESN({ units: 40, inputSize: 1, outputSize: 1, spectralRadius: 0.9, leakRate: 0.5, ridge: 1e-8, seed: 1 });
  const fit = net.fit(timeSeries(s.subarray(0, 300)), timeSeries(s.subarray(1, 301)), { washout: 50 });
  assert.equal(fit.steps, 250);
  assert.ok(fit.nrmse < 1e-3, `in-sample NRMSE ${fit.nrmse}`);
  // Driven by the true series from where training ended.
  const pred = net.predict(timeSeries(s.subarray(300, 400)));
  const e = nrmse(s.subarray(301, 401), pred.data);
  assert.ok(e < 1e-3, `test NRMSE ${e}`);
  // Free-running continuation from the end of the data.
  const net2 = new ESN({ units: 40, inputSize: 1, outputSize: 1, spectralRadius: 0.9, leakRate: 0.5, ridge: 1e-8, seed: 1 });
  net2.fit(timeSeries(s.subarray(0, 300)), timeSeries(s.subarray(1, 301)), { washout: 50 });
  const gen = net2.generate(50);
  const eg = nrmse(sine(351).subarray(301, 351), gen.data);
  assert.ok(eg < 0.05, `free-running NRMSE over 50 steps ${eg}`);
});

test('the QR and Cholesky solvers give the same readout; RLS comes close', () => {
  const s = sine(301, 17);
  const u = timeSeries(s.subarray(0, 300)), y = timeSeries(s.subarray(1, 301));
  const make = (): ESN => new ESN({ units: 30, inputSize: 1, outputSize: 1, ridge: 1e-4, seed: 2, biasScaling: 0.3 });
  const a = make(), b = make(), c = make();
  a.fit(u, y, { washout: 20 });
  b.fit(u, y, { washout: 20, solver: 'qr' });
  for (let i = 0; i < a.wOut!.length; i++) assert.ok(Math.abs(a.wOut![i] - b.wOut![i]) < 1e-8 * (1 + Math.abs(a.wOut![i])), `weight ${i}`);
  const online = c.fit(u, y, { washout: 20, readout: 'rls', rls: { delta: 1e-4 } });
  assert.ok(online.nrmse < 0.01, `RLS in-sample NRMSE ${online.nrmse}`);
});

test('with output feedback and teacher forcing, an input-free ESN learns to generate a sine', () => {
  const s = sine(700, 20).map((v) => 0.5 * v);
  const net = new ESN({ units: 60, inputSize: 0, outputSize: 1, feedback: true, spectralRadius: 0.8, biasScaling: 0.2, ridge: 1e-9, seed: 4 });
  const fit = net.fit(emptyInputs(500), timeSeries(s.subarray(0, 500)), { washout: 100 });
  assert.ok(fit.nrmse < 1e-3, `teacher-forced NRMSE ${fit.nrmse}`);
  // Re-synchronise on true values, then run free.
  net.resetState();
  net.run(emptyInputs(100), { teacher: timeSeries(s.subarray(500, 600)) });
  const gen = net.generate(100);
  const e = nrmse(s.subarray(600, 700), gen.data);
  assert.ok(e < 0.02, `free-running NRMSE ${e}`);
});

test('multiple sequences are fitted together, each from the zero state', () => {
  const seqs = [0, 1, 2].map((k) => sine(120, 30, k));
  const net = new ESN({ units: 30, inputSize: 1, outputSize: 1, leakRate: 0.5, ridge: 1e-8, seed: 5 });
  const fit = net.fit(seqs.map((q) => timeSeries(q.subarray(0, 119))), seqs.map((q) => timeSeries(q.subarray(1))), { washout: 20 });
  assert.equal(fit.steps, 3 * 99);
  assert.ok(fit.nrmse < 1e-2, `NRMSE ${fit.nrmse}`);
  assert.ok(nmse([1, 2, 3], [1, 2, 3]) === 0);
});

test('wrong shapes and calls out of order get errors naming what was expected', () => {
  const net = new ESN({ units: 10, inputSize: 2, outputSize: 1 });
  const u = timeSeries([[1, 2], [3, 4], [5, 6]]), y = timeSeries([1, 2, 3]);
  assert.throws(() => net.predict(u), /no readout yet: call fit\(\)/);
  assert.throws(() => net.fit(timeSeries([1, 2, 3]), y), /expected inputs with 2 values per step, got 1/);
  assert.throws(() => net.fit(u, timeSeries([1, 2])), /expected inputs and targets of the same length, got 3 and 2/);
  assert.throws(() => net.fit(u, y, { washout: 3 }), /expected sequences longer than the washout \(3 steps\)/);
  net.fit(u, y, { ridge: 1e-3 });
  assert.throws(() => net.generate(3), /needs inputSize = outputSize \(got 2 and 1\); pass inputs instead/);
  assert.equal(net.generate(2, { inputs: sliceSeries(u, 0, 2) }).length, 2);
  assert.throws(() => new ESN({ units: 10, inputSize: 1, outputSize: 0 }), /expected outputSize to be an integer >= 1, got 0/);
});

test('the state dict holds the readout and the running state; a bad readout leaves an unfitted network unfitted', () => {
  const s = sine(120);
  const net = new ESN({ units: 12, inputSize: 1, outputSize: 1, seed: 3 });
  assert.deepEqual(Object.keys(net.stateDict()), ['state', 'last_output']);
  net.fit(timeSeries(s.subarray(0, 100)), timeSeries(s.subarray(1, 101)), { washout: 10 });
  const dict = net.stateDict();
  assert.deepEqual(Object.keys(dict), ['state', 'last_output', 'weight_out']);
  assert.deepEqual([...dict.weight_out.shape], [1, 1 + 1 + 12]);
  assert.deepEqual(Array.from(dict.state.data), Array.from(net.state));
  const other = new ESN({ units: 12, inputSize: 1, outputSize: 1, seed: 3 });
  const bad = { ...dict, weight_out: new Tensor(new Float64Array(13), [1, 13]) };
  assert.throws(() => other.loadStateDict(bad), /expected weight_out of shape \[1, 14\], got \[1, 13\]/);
  assert.equal(other.wOut, null);
  assert.throws(() => other.predict(timeSeries([0.1])), /call fit\(\) before/);
  other.loadStateDict(dict);
  assert.deepEqual(Array.from(other.predict(timeSeries(s.subarray(101, 110))).data), Array.from(net.predict(timeSeries(s.subarray(101, 110))).data));
});
