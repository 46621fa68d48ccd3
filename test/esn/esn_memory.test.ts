// The ESN's memory estimate, by hand: 100 units at density 0.1 hold 10 weights per row (a float64
// and an int32 each) plus the input, feedback and bias vectors and state; the ridge readout's normal
// equations over F = 1 + 1 + 100 features are held three times densely in float64.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { esnMemory } from '../../src/esn/esn_memory.js';

test('esnMemory: the sparse reservoir plus three F × F float64 matrices', () => {
  const e = esnMemory({ units: 100, inputSize: 1, outputSize: 1, density: 0.1 });
  const reservoir = 100 * 10 * 12 + 100 * (1 + 1 + 4) * 8, readout = 3 * 102 * 102 * 8 + 102 * 8;
  assert.equal(e.bytes, reservoir + readout);
  assert.deepEqual(e.parts, ['reservoir 16.4 KiB', "readout's normal equations 245 KiB (3 × 102² float64)"]);
  // The units² term dominates: 10^9 units would need about 2.4e19 bytes for the readout alone.
  assert.ok(esnMemory({ units: 1e9, inputSize: 1, outputSize: 1 }).bytes > 2.4e19);
});
