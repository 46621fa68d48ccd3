// The WebGPU buffer pool's trimming (src/backend/webgpu/buffer_pool.ts) on stand-in buffers, counted
// by hand: reuse takes the newest buffer of a size; a buffer idle for maxIdleSubmissions is destroyed
// at the next sweep and one reused in time is not; past the byte cap the oldest idle ones go first.
// (The pool on a real device, after a burst of large tensors: ./webgpu_suite.ts.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferPool, DEFAULT_POOL_LIMITS } from '../../../src/backend/webgpu/buffer_pool.js';

class FakeBuffer {
  destroyed = false;
  constructor(readonly size: number, readonly name: string) {}
  destroy(): void { assert.ok(!this.destroyed, `${this.name} destroyed twice`); this.destroyed = true; }
}

const submit = (p: BufferPool<FakeBuffer>, n: number): void => { for (let i = 0; i < n; i++) p.submitted(); };

test('reuse takes the newest idle buffer of the size; nothing else matches', () => {
  const p = new BufferPool<FakeBuffer>();
  const a = new FakeBuffer(1024, 'a'), b = new FakeBuffer(1024, 'b');
  p.give(a); p.give(b);
  assert.equal(p.idleBytes(), 2048);
  assert.equal(p.take(2048), null);
  assert.equal(p.take(1024), b);
  assert.equal(p.take(1024), a);
  assert.equal(p.take(1024), null);
  assert.equal(p.idleBytes(), 0);
});

test('buffers idle for maxIdleSubmissions go at the next sweep; reused ones stay', () => {
  const p = new BufferPool<FakeBuffer>({ maxIdleSubmissions: 10, maxIdleBytes: 1 << 30, sweepEvery: 4 });
  const big = new FakeBuffer(1 << 20, 'big'), small = new FakeBuffer(256, 'small');
  p.give(big); p.give(small); // both idle since submission 0
  submit(p, 8); // sweeps at 4 and 8: idle 8 < 10
  assert.equal(p.idleBytes(), (1 << 20) + 256);
  assert.equal(p.take(256), small); // reused at 8, given back at 8
  p.give(small);
  submit(p, 4); // sweep at 12: big idle 12 ≥ 10 goes; small idle 4 stays
  assert.ok(big.destroyed);
  assert.ok(!small.destroyed);
  assert.equal(p.idleBytes(), 256);
  assert.equal(p.trimmedBytes, 1 << 20);
  submit(p, 8); // sweep at 20: small idle 12 goes
  assert.ok(small.destroyed);
  assert.equal(p.idleBytes(), 0);
});

test('past the byte cap the oldest idle buffers are destroyed first', () => {
  const p = new BufferPool<FakeBuffer>({ maxIdleSubmissions: 1000, maxIdleBytes: 3000, sweepEvery: 64 });
  const a = new FakeBuffer(1024, 'a'), b = new FakeBuffer(2048, 'b'), c = new FakeBuffer(1024, 'c');
  p.give(a);
  submit(p, 1);
  p.give(b); // 3072 > 3000: a, the oldest, goes
  assert.ok(a.destroyed && !b.destroyed);
  assert.equal(p.idleBytes(), 2048);
  p.give(c); // 3072 again: b (older than c) goes
  assert.ok(b.destroyed && !c.destroyed);
  assert.equal(p.idleBytes(), 1024);
  assert.equal(p.take(1024), c);
});

test('the defaults: 512 submissions, 256 MiB, a sweep every 64', () => {
  assert.deepEqual({ ...DEFAULT_POOL_LIMITS }, { maxIdleSubmissions: 512, maxIdleBytes: 256 << 20, sweepEvery: 64 });
  const p = new BufferPool<FakeBuffer>();
  const x = new FakeBuffer(4 << 20, 'x');
  p.give(x);
  submit(p, 512);
  assert.ok(x.destroyed, 'idle for 512 submissions, swept at 512');
  p.clear();
});
