// mcDropoutPredict: with dropout 0 the mean is the deterministic prediction and the interval
// collapses onto it; with dropout the passes differ and the summary equals the mean and quantiles
// computed by hand from the kept samples; every module's own training flag is put back (mixed
// flags included, and after a pass that throws); quantileSorted against numpy's values.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Dropout, LSTM, Linear, Module, mcDropoutPredict, quantileSorted } from '../../src/nn/index.js';
import { Rng } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { inputTBI } from '../helpers/recurrent_layers.js';

class Net extends Module {
  readonly rnn: LSTM; readonly drop: Dropout; readonly head: Linear;
  constructor(p: number) {
    super();
    this.rnn = this.registerModule('rnn', new LSTM({ inputSize: 2, hiddenSize: 4, numLayers: 2, dropout: p }, { dtype: 'float64', rng: new Rng(1) }));
    this.drop = this.registerModule('drop', new Dropout(p, new Rng(5)));
    this.head = this.registerModule('head', new Linear({ inFeatures: 4, outFeatures: 1 }, { dtype: 'float64', rng: new Rng(2) }));
    this.rnn.rng = new Rng(6);
  }
  getConfig() { return {}; }
  forward(x: Tensor): Tensor { return this.head.forward(this.drop.forward(this.rnn.forward(x)[0])); }
}

test('with dropout 0 the MC mean is the deterministic prediction and the interval collapses', () => {
  const net = new Net(0).eval();
  const x = inputTBI(5, 3, 2, false);
  const det = net.forward(x).toArray();
  const r = mcDropoutPredict(net, () => net.forward(x), { passes: 7 });
  for (const t of [r.mean, r.lower, r.upper]) t.toArray().forEach((v, i) => assert.ok(Math.abs(v - det[i]) < 1e-12));
  assert.ok(r.std.toArray().every((v) => v < 1e-12));
  assert.equal(net.training, false);
});

test('with dropout the passes differ and mean, std and quantiles are those of the samples', () => {
  const net = new Net(0.5).eval();
  const x = inputTBI(4, 2, 2, false);
  const r = mcDropoutPredict(net, () => net.forward(x), { passes: 11, interval: [0.1, 0.9], keepSamples: true });
  assert.deepEqual(r.samples!.shape, [11, 4, 2, 1]);
  const n = 8, s = r.samples!.toArray();
  for (let i = 0; i < n; i++) {
    const col = Array.from({ length: 11 }, (_, j) => s[j * n + i]).sort((a, b) => a - b);
    const m = col.reduce((a, b) => a + b, 0) / 11;
    assert.ok(Math.abs(r.mean.data[i] - m) < 1e-12);
    // numpy: position 0.1·10 = 1 and 0.9·10 = 9, exact order statistics
    assert.equal(r.lower.data[i], col[1]);
    assert.equal(r.upper.data[i], col[9]);
    assert.ok(r.std.data[i] > 0, 'the passes differ');
  }
});

test('mcDropoutPredict puts back every module\'s own training flag, also when a pass throws', () => {
  const net = new Net(0.3).eval();
  net.drop.training = true; // mixed on purpose
  const x = inputTBI(3, 2, 2, false);
  mcDropoutPredict(net, () => net.forward(x), { passes: 2 });
  assert.deepEqual(net.namedModules().map(([, m]) => m.training), [false, false, true, false]);
  let k = 0;
  assert.throws(() => mcDropoutPredict(net, () => { if (k++ === 1) throw new Error('boom'); return net.forward(x); }), /boom/);
  assert.deepEqual(net.namedModules().map(([, m]) => m.training), [false, false, true, false]);
  assert.throws(() => mcDropoutPredict(net, () => net.forward(x), { passes: 0 }), /expected passes to be a positive integer, got 0/);
  assert.throws(() => mcDropoutPredict(net, () => net.forward(x), { interval: [0.9, 0.1] }), /expected an interval \[lo, hi\] with 0 <= lo <= hi <= 1, got \[0.9,0.1\]/);
});

test('quantileSorted interpolates as numpy.quantile', () => {
  const v = [1, 2, 4, 8, 16];
  // numpy.quantile([1,2,4,8,16], [0, 0.05, 0.5, 0.95, 1]) = [1, 1.2, 4, 14.4, 16]
  assert.deepEqual([0, 0.05, 0.5, 0.95, 1].map((q) => +quantileSorted(v, q).toFixed(12)), [1, 1.2, 4, 14.4, 16]);
  assert.equal(quantileSorted([3], 0.7), 3);
});
