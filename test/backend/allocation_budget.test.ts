// The allocation budget: inside withAllocationBudget every new Storage counts its bytes and itself,
// and the request that would pass the limit throws before any memory is taken; budgets nest; outside
// one nothing is counted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Storage } from '../../src/backend/storage.js';
import { AllocationBudgetError, chargeAllocation, formatBytes, withAllocationBudget } from '../../src/backend/allocation_budget.js';

test('storages count their bytes and themselves, and the one past the limit is refused before it exists', () => {
  const made: Storage[] = [];
  assert.throws(() => withAllocationBudget({ bytes: 100, storages: 10 }, 'a test', () => {
    made.push(new Storage('float32', 10)); // 40 bytes
    made.push(new Storage('float64', 5)); // 40 bytes
    made.push(new Storage('float32', 6)); // 24 more: 104 > 100
  }), (e: unknown) => e instanceof AllocationBudgetError && e.message === 'expected at most 100 bytes of tensor memory (a test), got a request for 24 bytes after 80 bytes');
  assert.equal(made.length, 2);
  assert.throws(() => withAllocationBudget({ bytes: 1e9, storages: 3 }, 'three', () => {
    for (let i = 0; i < 4; i++) new Storage('float32', 1);
  }), /^AllocationBudgetError: expected at most 3 tensors \(three\), got a request for more$/);
  // A request whose size is not a number is refused too.
  assert.throws(() => withAllocationBudget({ bytes: 100, storages: 10 }, 'nan', () => chargeAllocation(NaN)), /got a request for NaN bytes/);
});

test('budgets nest (the innermost counts), end with their scope, and nothing is counted outside one', () => {
  const outer = withAllocationBudget({ bytes: 64, storages: 100 }, 'outer', () => {
    new Storage('float32', 8); // 32 of the outer 64
    withAllocationBudget({ bytes: 1e6, storages: 100 }, 'inner', () => new Storage('float32', 1000));
    assert.throws(() => new Storage('float32', 9), /\(outer\), got a request for 36 bytes after 32 bytes/);
    return 'done';
  });
  assert.equal(outer, 'done');
  assert.equal(new Storage('float32', 1e6).length, 1e6); // no budget: no limit
  assert.throws(() => withAllocationBudget({ bytes: 0, storages: 0 }, 'x', () => { throw new Error('inside'); }), /^Error: inside$/);
  assert.equal(new Storage('float32', 1e6).length, 1e6);
});

test('formatBytes', () => {
  assert.deepEqual([0, 1023, 1024, 1536, 10 * 2 ** 20, 6.4e9, 2 ** 70].map(formatBytes), ['0 bytes', '1023 bytes', '1.0 KB', '1.5 KB', '10 MB', '6.0 GB', '1024 EB']);
});
