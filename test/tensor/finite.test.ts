// Finding the first NaN or infinity: every kind of non-finite value, at the first and last position,
// the multi-index of a 3-D tensor worked out by hand, and float32 arrays (where 1e39 is already Inf).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeNonFinite, findNonFinite, firstNonFiniteIndex } from '../../src/tensor/finite.js';
import { tensor } from '../../src/tensor/tensor.js';

test('firstNonFiniteIndex finds NaN, +Inf and -Inf anywhere and returns -1 when all are finite', () => {
  assert.equal(firstNonFiniteIndex([1, 2, 3, -1e308]), -1);
  assert.equal(firstNonFiniteIndex([]), -1);
  for (const bad of [NaN, Infinity, -Infinity]) {
    assert.equal(firstNonFiniteIndex([bad, 1, 2]), 0);
    assert.equal(firstNonFiniteIndex([0, 1, bad]), 2);
    assert.equal(firstNonFiniteIndex([0, bad, 1, bad]), 1);
  }
  // 1e39 does not fit in float32: it is stored as Infinity.
  assert.equal(firstNonFiniteIndex(new Float32Array([0, 1e39])), 1);
  // Two finite values whose sum overflows are still finite each.
  assert.equal(firstNonFiniteIndex(new Float32Array([3e38, 3e38, 3e38])), -1);
});

test('findNonFinite names the tensor and the position: flat index 17 of shape [2, 3, 4] is [1, 1, 1]', () => {
  const ok = tensor(new Float32Array(6).fill(1), [2, 3]);
  const values = new Float32Array(24);
  values[17] = NaN;
  values[20] = Infinity;
  const bad = tensor(values, [2, 3, 4]);
  assert.equal(findNonFinite({ a: ok }), null);
  const f = findNonFinite({ a: ok, b: bad });
  assert.ok(f);
  assert.equal(f.name, 'b');
  assert.equal(f.index, 17);
  assert.deepEqual(f.position, [1, 1, 1]);
  assert.ok(Number.isNaN(f.value));
  assert.equal(describeNonFinite(f), 'tensor b holds NaN at [1, 1, 1] (flat index 17)');
});
