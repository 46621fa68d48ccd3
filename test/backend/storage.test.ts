// Storage and the wasm heap: values move between the host copy and linear memory only when asked
// (and then exactly), writes through either side are seen by the other, the allocator reuses and
// merges freed blocks, and a collection at a safe point moves young blocks out (their values kept
// on the host) while promoting blocks in steady use; tensors made in a long synchronous loop keep
// linear memory bounded without any dispose().

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Storage } from '../../src/backend/storage.js';
import { wasmHeap, wasmModule } from '../../src/backend/wasm/module.js';
import { getBackend, setBackend, wasmBackend } from '../../src/backend/backend.js';
import { Tensor, randn } from '../../src/tensor/tensor.js';
import '../../src/autograd/methods.js';

const noWasm = wasmModule() === null;

test('a new storage holds zeros and owns no memory until a copy is asked for', () => {
  const s = new Storage('float32', 5);
  assert.equal(s.host, null);
  assert.equal(s.pristine, true);
  assert.deepEqual([...s.read()], [0, 0, 0, 0, 0]);
  assert.equal(s.pristine, false);
});

test('wrap adopts the array: no copy, dtype from the array', () => {
  const a = Float64Array.from([1, 2]);
  const s = Storage.wrap(a);
  assert.equal(s.dtype, 'float64');
  assert.equal(s.read(), a);
  assert.throws(() => new Storage('float32', 3, new Float32Array(2)), /expected a host array of 3 elements, got 2/);
});

test('values move between host and linear memory on demand, in both directions', { skip: noWasm }, () => {
  const h = wasmHeap()!;
  const s = Storage.wrap(Float32Array.from([1, 2, 3, 4]));
  const p = h.readPtr(s);
  assert.deepEqual([...h.f32().subarray(p >> 2, (p >> 2) + 4)], [1, 2, 3, 4], 'uploaded');
  assert.equal(s.hostValid && s.devValid, true);
  h.f32()[(h.writePtr(s) >> 2) + 1] = 20; // a kernel's write
  assert.equal(s.hostValid, false);
  assert.deepEqual([...s.read()], [1, 20, 3, 4], 'downloaded into the host copy');
  s.write()[3] = 40; // a write through the host copy makes the device copy stale
  assert.equal(s.devValid, false);
  assert.equal(h.f32()[(h.readPtr(s) >> 2) + 3], 40, 'uploaded again before the next kernel');
  const z = new Storage('float32', 3);
  const zp = h.readPtr(z);
  assert.deepEqual([...h.f32().subarray(zp >> 2, (zp >> 2) + 3)], [0, 0, 0], 'a pristine storage reads as zeros on the device');
  s.evict();
  assert.equal(s.device, null);
  assert.deepEqual([...s.read()], [1, 20, 3, 40], 'eviction keeps the values');
});

test('the allocator reuses freed blocks of a size and merges neighbours for a larger one', { skip: noWasm }, () => {
  const h = wasmHeap()!;
  // Unusual sizes, so that all four come from the top, side by side.
  const size = 777 * 64;
  const a = h.alloc(size), b = h.alloc(size), c = h.alloc(size), keep = h.alloc(13 * 64);
  assert.equal(a % 64, 0);
  assert.deepEqual([b - a, c - b, keep - c], [size, size, size], 'cut side by side from the top');
  h.free(b);
  assert.equal(h.alloc(size), b, 'same size: the freed block');
  h.free(a); h.free(b); h.free(c);
  // Fill memory to its end so that a large request must look among the free blocks first.
  const filler = h.alloc(Math.max(64, h.capacity() - h.end() - 64));
  const big = h.alloc(3 * size - 100);
  assert.equal(big, a, 'three merged neighbours serve a request for about three blocks');
  h.free(big); h.free(filler); h.free(keep);
});

test('with memory full, a new size takes the smallest free block that fits and leaves its rest free; memory does not grow', { skip: noWasm }, () => {
  const h = wasmHeap()!;
  const small = h.alloc(4093 * 64), sep1 = h.alloc(64), large = h.alloc(4099 * 64), sep2 = h.alloc(64);
  const filler = h.alloc(Math.max(64, h.capacity() - h.end() - 64));
  h.free(small); h.free(large);
  const capacity = h.capacity();
  const got = h.alloc(4091 * 64);
  assert.equal(got, small, 'the 4093-line block, not the 4099-line one');
  assert.equal(h.alloc(2 * 64), small + 4091 * 64, 'its 2-line rest serves the next request of that size');
  assert.equal(h.alloc(4099 * 64), large, 'the exact size is still there');
  assert.equal(h.capacity(), capacity);
  for (const p of [got, small + 4091 * 64, large, sep1, sep2, filler]) h.free(p);
});

test('a collection moves young blocks out and promotes those in steady use', { skip: noWasm }, () => {
  const h = wasmHeap()!;
  const steady = Storage.wrap(Float32Array.from([7, 8, 9]));
  const once = Storage.wrap(Float32Array.from([1, 2, 3]));
  h.writePtr(once); // device-only values now
  h.readPtr(steady);
  h.collectNow();
  assert.equal(once.device, null, 'moved out');
  assert.deepEqual([...once.read()], [1, 2, 3], 'with its values');
  assert.equal(steady.device, null, 'made in this epoch: moved out too');
  for (let k = 0; k < 3; k++) { h.readPtr(steady); h.collectNow(); }
  assert.equal(steady.old, true, 'used across collections: promoted');
  assert.notEqual(steady.device, null);
  steady.evict();
});

test('a long synchronous loop of forward calls keeps linear memory bounded without dispose()', { skip: noWasm }, () => {
  const before = getBackend();
  setBackend(wasmBackend);
  const h = wasmHeap()!;
  const budget = h.youngBudget;
  h.youngBudget = 4 << 20; // 4 MiB, so that this loop collects many times
  try {
    const w = randn([256, 256]);
    let x = randn([64, 256]);
    for (let i = 0; i < 50; i++) x = x.matmul(w).tanh(); // warm up: promotion of w settles
    const capacity = h.capacity();
    for (let i = 0; i < 2000; i++) x = x.matmul(w).tanh(); // 2000 × 2 × 64 KiB = 256 MiB made in all
    assert.ok(h.capacity() <= capacity + (8 << 20), `linear memory grew from ${capacity} to ${h.capacity()} bytes`);
    assert.ok(x instanceof Tensor && Number.isFinite(x.dataSync()[0]));
  } finally {
    h.youngBudget = budget;
    setBackend(before);
  }
});

test('a view shares its base\'s values on both sides, and its writes count in the base\'s version', { skip: noWasm }, () => {
  const h = wasmHeap()!;
  const base = Storage.wrap(Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]));
  const v = Storage.view(base, 2, 4);
  const w = Storage.view(v, 1, 2); // a view of a view points into the same base
  assert.equal(w.root, base);
  assert.deepEqual([...v.read()], [2, 3, 4, 5]);
  assert.deepEqual([...w.read()], [3, 4]);
  const before = base.version;
  h.f32()[h.writePtr(w) >> 2] = 30; // a kernel writing through the inner view
  assert.ok(base.version > before, 'the base records the write');
  assert.deepEqual([...base.read()], [0, 1, 2, 30, 4, 5, 6, 7]);
  v.write()[3] = 50; // a host write through the outer view reaches the device before the next kernel
  assert.equal(h.f32()[(h.readPtr(base) >> 2) + 5], 50);
  v.drop();
  assert.deepEqual([...base.read()], [0, 1, 2, 30, 4, 50, 6, 7], 'dropping a view keeps the base');
  assert.throws(() => Storage.view(base, 6, 4), /expected a window inside 8 elements, got \[6, 10\)/);
});
