// The seeded generator: same seed → same stream, different seeds differ, the state round-trips
// (including the cached second normal of Box–Muller), and the distributions have the right range
// and moments.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, defaultRng, manualSeed } from '../../src/tensor/random.js';
import { randn } from '../../src/tensor/tensor.js';

test('same seed gives the same stream; different seeds differ', () => {
  const a = new Rng(42), b = new Rng(42), c = new Rng(43);
  const sa = Array.from({ length: 20 }, () => a.nextUint32());
  assert.deepEqual(Array.from({ length: 20 }, () => b.nextUint32()), sa);
  assert.notDeepEqual(Array.from({ length: 20 }, () => c.nextUint32()), sa);
  for (const v of sa) assert.ok(Number.isInteger(v) && v >= 0 && v < 2 ** 32);
});

test('getState / setState resumes the exact stream, including a pending normal', () => {
  const r = new Rng(7);
  r.normal(); // leaves the second Box–Muller value cached
  const state = r.getState();
  const next = [r.normal(), r.random(), r.normal(), r.normal(), r.nextUint32()];
  const s = new Rng(0);
  s.setState(state);
  assert.deepEqual([s.normal(), s.random(), s.normal(), s.normal(), s.nextUint32()], next);
  assert.throws(() => s.setState([1, 2, 3]), /expected an RNG state of 5 numbers, got 3/);
});

test('uniform, int and normal have the right range and moments', () => {
  const r = new Rng(3), n = 50000;
  let su = 0, sn = 0, sn2 = 0;
  const counts = new Array(5).fill(0);
  for (let i = 0; i < n; i++) {
    const u = r.uniform(-2, 6);
    assert.ok(u >= -2 && u < 6);
    su += u;
    const k = r.int(5);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 5);
    counts[k]++;
    const z = r.normal();
    sn += z; sn2 += z * z;
  }
  assert.ok(Math.abs(su / n - 2) < 0.05, `uniform mean ${su / n}`);
  for (const c of counts) assert.ok(Math.abs(c / n - 0.2) < 0.01, `int counts ${counts}`);
  assert.ok(Math.abs(sn / n) < 0.02, `normal mean ${sn / n}`);
  assert.ok(Math.abs(sn2 / n - 1) < 0.03, `normal variance ${sn2 / n}`);
});

test('manualSeed makes the default generator reproducible', () => {
  manualSeed(11);
  const a = randn([5]).toArray();
  manualSeed(11);
  assert.deepEqual(randn([5]).toArray(), a);
  assert.equal(typeof defaultRng().random(), 'number');
});

test('distinct draws k different integers from [0, n), ascending, each equally often, and leaves its scratch zeroed', () => {
  const rng = new Rng(17), n = 10, k = 3, out = new Int32Array(k), mark = new Uint8Array(n);
  const counts = new Array(n).fill(0);
  const draws = 20_000;
  for (let d = 0; d < draws; d++) {
    rng.distinct(n, k, out, mark);
    for (let i = 0; i < k; i++) {
      assert.ok(out[i] >= 0 && out[i] < n, `in range: ${out[i]}`);
      if (i > 0) assert.ok(out[i] > out[i - 1], `ascending and distinct: ${Array.from(out)}`);
      counts[out[i]]++;
    }
    assert.ok(mark.every((m) => m === 0), 'scratch left zeroed');
  }
  // each integer is in a draw with probability k/n = 0.3: 6,000 expected, binomial sd ≈ 65
  for (const c of counts) assert.ok(Math.abs(c - (draws * k) / n) < 400, `count ${c}`);
  const all = new Int32Array(4);
  rng.distinct(4, 4, all);
  assert.deepEqual(Array.from(all), [0, 1, 2, 3]);
  assert.throws(() => rng.distinct(3, 4, new Int32Array(4)), /distinct: expected 0 <= k <= n, got k = 4, n = 3/);
});
