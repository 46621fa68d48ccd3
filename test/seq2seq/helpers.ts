// Shared pieces of the seq2seq tests: seeded float64 tensors and a closeness assertion.

import assert from 'node:assert/strict';
import { Tensor, tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';

/** A float64 tensor with entries U(−1, 1) from a seeded generator. */
export function rand64(shape: number[], seed: number, requiresGrad = true): Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, d) => a * d, 1);
  return tensor(Array.from({ length: n }, () => rng.uniform(-1, 1)), shape, { dtype: 'float64', requiresGrad });
}

/** |a − e| ≤ atol element-wise, naming the worst entry. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, what = ''): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= atol)) assert.fail(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`);
  }
}
