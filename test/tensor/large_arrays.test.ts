// maxOf, minOf and appendAll agree with Math.max, Math.min and push on small arrays (the truth), and
// keep working on arrays long enough that spreading them into arguments overflows V8's stack.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendAll, maxOf, minOf } from '../../src/tensor/large_arrays.js';

test('maxOf and minOf equal Math.max and Math.min, NaN and empty arrays included', () => {
  for (const xs of [[3, -1, 7.5, 2], [-Infinity, -5], [4], [], [1, NaN, 3]]) {
    assert.equal(maxOf(xs), Math.max(...xs), `max of ${xs.join(', ')}`);
    assert.equal(minOf(xs), Math.min(...xs), `min of ${xs.join(', ')}`);
  }
  assert.equal(maxOf(Float32Array.of(1.5, 9, -2)), 9);
});

test('maxOf, minOf and appendAll over 500,000 elements, where spread arguments overflow the stack', () => {
  const n = 500_000;
  const xs = Array.from({ length: n }, (_, i) => (i * 7919) % n);
  assert.throws(() => Math.max(...xs), RangeError, 'the spread this replaces overflows the stack');
  assert.equal(maxOf(xs), n - 1);
  assert.equal(minOf(xs), 0);
  const out = appendAll([-1], xs);
  assert.equal(out.length, n + 1);
  assert.equal(out[0], -1);
  assert.equal(out[n], xs[n - 1]);
});
