// sequenceMask, the one lengths-to-mask helper: every layout its callers use, written out by hand for
// lengths [3, 1, 2] over T = 3 steps, and the errors naming what was expected.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkLengths, sequenceMask } from '../../src/tensor/sequence_mask.js';

const lengths = [3, 1, 2], T = 3;

test('sequenceMask: time-major [T, B] and batch-first [B, T], 1 on real steps', () => {
  const tm = sequenceMask(lengths, T);
  assert.deepEqual([...tm.shape], [3, 3]);
  assert.equal(tm.dtype, 'float32');
  assert.deepEqual(Array.from(tm.data), [1, 1, 1, /* t=1 */ 1, 0, 1, /* t=2 */ 1, 0, 0]);
  const bf = sequenceMask(Int32Array.from(lengths), T, { batchFirst: true, dtype: 'float64' });
  assert.deepEqual([...bf.shape], [3, 3]);
  assert.equal(bf.dtype, 'float64');
  assert.deepEqual(Array.from(bf.data), [1, 1, 1, /* b=1 */ 1, 0, 0, /* b=2 */ 1, 1, 0]);
});

test('sequenceMask: padding marks the steps past each length; trailing unit axes broadcast', () => {
  const pad = sequenceMask(lengths, T, { batchFirst: true, padding: true });
  assert.deepEqual(Array.from(pad.data), [0, 0, 0, 0, 1, 1, 0, 0, 1]);
  const wide = sequenceMask(lengths, T, { trailingAxes: 2 });
  assert.deepEqual([...wide.shape], [3, 3, 1, 1]);
  assert.deepEqual(Array.from(wide.data), Array.from(sequenceMask(lengths, T).data));
});

test('sequenceMask: empty rows only with minLength 0; errors name what was expected', () => {
  assert.deepEqual(Array.from(sequenceMask([0, 2], 2, { minLength: 0 }).data), [0, 1, 0, 1]);
  assert.throws(() => sequenceMask([0, 2], 2), /expected lengths to be integers in \[1, 2\], got 0 for batch row 0/);
  assert.throws(() => sequenceMask([1.5], 2, { who: 'myLoss' }), /^Error: myLoss: expected lengths to be integers in \[1, 2\], got 1.5 for batch row 0/);
  assert.throws(() => sequenceMask([3], 2), /got 3 for batch row 0/);
  assert.throws(() => sequenceMask([1], 2, { trailingAxes: -1 }), /expected trailingAxes to be an integer >= 0, got -1/);
  assert.throws(() => checkLengths([1, 1], 2, 3), /expected 3 lengths \(one per batch row\), got 2/);
  assert.doesNotThrow(() => checkLengths([2, 1, 2], 2, 3));
});
