// Scheduled-sampling probabilities against values worked out by hand from the definitions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { teacherForcingProbability as p } from '../../../src/nn/seq/scheduled_sampling.js';

test('linear schedule: 1 − 0.01·i, floored at min', () => {
  assert.equal(p({ kind: 'linear', slope: 0.01 }, 0), 1);
  assert.ok(Math.abs(p({ kind: 'linear', slope: 0.01 }, 30) - 0.7) < 1e-12);
  assert.equal(p({ kind: 'linear', slope: 0.01, min: 0.25 }, 500), 0.25);
});

test('exponential schedule: 0.9^i', () => {
  assert.ok(Math.abs(p({ kind: 'exponential', k: 0.9 }, 2) - 0.81) < 1e-12);
  assert.equal(p({ kind: 'exponential', k: 0.5, min: 0.1 }, 10), 0.1);
});

test('inverse sigmoid: k / (k + e^(i/k)); k = 10 at i = 0 gives 10/11, i = 10·ln 10 gives 1/2', () => {
  assert.ok(Math.abs(p({ kind: 'inverse-sigmoid', k: 10 }, 0) - 10 / 11) < 1e-12);
  assert.ok(Math.abs(p({ kind: 'inverse-sigmoid', k: 10 }, 23) - 10 / (10 + Math.exp(2.3))) < 1e-12);
  assert.equal(p({ kind: 'inverse-sigmoid', k: 10 }, 1e6), 0);
});

test('bad schedules name what was expected', () => {
  assert.throws(() => p({ kind: 'exponential', k: 1.5 }, 0), /expected an exponential k in \(0, 1\), got 1.5/);
  assert.throws(() => p({ kind: 'constant', value: Number.NaN }, 0), /expected value in \[0, 1\], got NaN/);
  assert.throws(() => p({ kind: 'linear', slope: 0.1 }, -1), /expected a training step >= 0, got -1/);
});
