// Batching: shifted targets against the source text, uniform reproducible random windows, and
// stream batching that covers each position exactly once with contiguous streams.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { Vocab } from '../../src/data/vocab.js';
import { RandomWindowSampler, StreamBatcher, evalChunks } from '../../src/data/batches.js';

const TEXT = 'To be, or not to be, that is the question: 😀 whether \'tis nobler in the mind to suffer\n'.repeat(3);
const vocab = Vocab.fromText(TEXT);
const ids = vocab.encode(TEXT);
const chars = Array.from(TEXT); // code points, aligned with ids

test('random windows: targets are the inputs shifted by one in the source text', () => {
  const B = 4, T = 16;
  const sampler = new RandomWindowSampler(ids, { batchSize: B, seqLen: T, rng: new Rng(7) });
  for (let step = 0; step < 50; step++) {
    const { inputs, targets, starts } = sampler.next();
    assert.equal(inputs.length, B * T);
    for (let b = 0; b < B; b++) {
      const s = starts[b];
      assert.ok(s >= 0 && s + T < ids.length, `start ${s} in range`);
      const row = (a: Int32Array) => vocab.decode(a.subarray(b * T, (b + 1) * T));
      assert.equal(row(inputs), chars.slice(s, s + T).join(''));
      assert.equal(row(targets), chars.slice(s + 1, s + T + 1).join(''));
      for (let t = 0; t + 1 < T; t++) assert.equal(targets[b * T + t], inputs[b * T + t + 1]);
    }
  }
});

test('random windows reuse one batch object and its buffers', () => {
  const sampler = new RandomWindowSampler(ids, { batchSize: 2, seqLen: 8, rng: new Rng(1) });
  const first = sampler.next();
  const { inputs, targets } = first;
  const second = sampler.next();
  assert.equal(second, first);
  assert.equal(second.inputs, inputs);
  assert.equal(second.targets, targets);
});

test('random window starts are uniform over every valid position', () => {
  const small = Int32Array.from({ length: 10 }, (_, i) => i);
  const sampler = new RandomWindowSampler(small, { batchSize: 10, seqLen: 3, rng: new Rng(3) });
  assert.equal(sampler.numStarts, 7); // starts 0..6: the window s..s+3 must fit in 10 tokens
  const counts = new Array<number>(7).fill(0);
  for (let i = 0; i < 1400; i++) for (const s of sampler.next().starts) counts[s]++;
  for (const c of counts) assert.ok(c > 1700 && c < 2300, `count ${c} near 2000`);
});

test('same seed gives the same batches; restoring Rng state resumes the same sequence', () => {
  const take = (s: RandomWindowSampler, k: number) => Array.from({ length: k }, () => Array.from(s.next().inputs));
  const opts = { batchSize: 3, seqLen: 10 };
  const a = new RandomWindowSampler(ids, { ...opts, rng: new Rng(42) });
  const b = new RandomWindowSampler(ids, { ...opts, rng: new Rng(42) });
  assert.deepEqual(take(a, 20), take(b, 20));
  const c = new RandomWindowSampler(ids, { ...opts, rng: new Rng(43) });
  assert.notDeepEqual(take(c, 5), take(new RandomWindowSampler(ids, { ...opts, rng: new Rng(42) }), 5));

  const saved = a.rng.getState();
  const after = take(a, 10);
  const resumedRng = new Rng(0);
  resumedRng.setState(saved);
  const resumed = new RandomWindowSampler(ids, { ...opts, rng: resumedRng });
  assert.deepEqual(take(resumed, 10), after);
});

test('random window sampler validates its inputs', () => {
  assert.throws(() => new RandomWindowSampler(new Int32Array(8), { batchSize: 1, seqLen: 8 }), /expected at least 9 tokens for sequence length 8, got 8/);
  assert.throws(() => new RandomWindowSampler(ids, { batchSize: 0, seqLen: 8 }), /expected batchSize to be a positive integer, got 0/);
  assert.throws(() => new RandomWindowSampler(ids, { batchSize: 2, seqLen: 2.5 }), /expected seqLen to be a positive integer, got 2.5/);
  assert.doesNotThrow(() => new RandomWindowSampler(new Int32Array(9), { batchSize: 1, seqLen: 8 }).next());
});

/** Runs one epoch, recording which target positions each chunk predicts. */
function epochCoverage(n: number, B: number, T: number): { covered: Int32Array; batcher: StreamBatcher } {
  const seq = Int32Array.from({ length: n }, (_, i) => i); // id = position, so values are positions
  const batcher = new StreamBatcher(seq, { batchSize: B, seqLen: T });
  const covered = new Int32Array(n);
  const lastInput = new Int32Array(B).fill(-1);
  let chunks = 0;
  for (const c of batcher.rest()) {
    chunks++;
    assert.equal(c.inputs.length, B * c.length);
    assert.equal(c.first, c.position === 0);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < c.length; t++) {
        const x = c.inputs[b * c.length + t], y = c.targets[b * c.length + t];
        assert.equal(y, x + 1, 'target is the next position');
        assert.equal(x, b * batcher.streamLength + c.position + t);
        // Contiguity: each row continues exactly where the same row of the previous chunk stopped.
        if (t === 0 && lastInput[b] !== -1) assert.equal(x, lastInput[b] + 1);
        covered[y]++;
      }
      lastInput[b] = c.inputs[b * c.length + c.length - 1];
    }
  }
  assert.equal(chunks, batcher.chunksPerEpoch);
  return { covered, batcher };
}

test('stream batcher covers every position exactly once per epoch, streams contiguous', () => {
  for (const [n, B, T] of [[101, 4, 7], [101, 1, 10], [97, 3, 8], [50, 7, 100], [9, 8, 1], [1000, 5, 32]]) {
    const { covered, batcher } = epochCoverage(n, B, T);
    const L = batcher.streamLength;
    assert.equal(L, Math.floor((n - 1) / B));
    assert.equal(covered[0], 0, 'position 0 is never a target');
    for (let p = 1; p <= B * L; p++) assert.equal(covered[p], 1, `n=${n} B=${B} T=${T}: target ${p} once`);
    for (let p = B * L + 1; p < n; p++) assert.equal(covered[p], 0);
    assert.ok(n - 1 - B * L < B, 'fewer than B trailing targets left out');
  }
});

test('stream batcher: partial last chunk, epochs, reset and state dict', () => {
  const seq = Int32Array.from({ length: 23 }, (_, i) => i); // B = 2: L = 11, T = 4: chunks 4, 4, 3
  const s = new StreamBatcher(seq, { batchSize: 2, seqLen: 4 });
  assert.equal(s.streamLength, 11);
  assert.equal(s.chunksPerEpoch, 3);
  const full = s.next();
  const fullInputs = full.inputs;
  assert.deepEqual([full.length, full.position, full.first, full.last, full.epoch], [4, 0, true, false, 0]);
  assert.deepEqual(Array.from(full.inputs), [0, 1, 2, 3, 11, 12, 13, 14]);
  s.next();
  const tail = s.next();
  assert.deepEqual([tail.length, tail.position, tail.last], [3, 8, true]);
  assert.deepEqual(Array.from(tail.inputs), [8, 9, 10, 19, 20, 21]);
  assert.deepEqual(Array.from(tail.targets), [9, 10, 11, 20, 21, 22]);
  assert.equal(tail.inputs.buffer, fullInputs.buffer, 'the short chunk is a view of the same buffer');
  assert.equal(s.position, 11);
  assert.equal(s.epoch, 0);
  assert.deepEqual([...s.rest()], [], 'nothing left in this epoch');

  const wrapped = s.next();
  assert.deepEqual([wrapped.epoch, wrapped.position, wrapped.first], [1, 0, true]);
  assert.equal(s.epoch, 1);
  assert.equal(wrapped.inputs, fullInputs, 'full chunks reuse the same buffer');

  const state = s.stateDict();
  assert.deepEqual(state, { position: 4, epoch: 1, batchSize: 2, seqLen: 4, streamLength: 11 });
  const expectedNext = Array.from(s.next().inputs);
  const t = new StreamBatcher(seq, { batchSize: 2, seqLen: 4 });
  t.loadStateDict(JSON.parse(JSON.stringify(state)));
  assert.deepEqual(Array.from(t.next().inputs), expectedNext);
  assert.equal(t.epoch, 1);
  t.reset();
  assert.equal(t.position, 0);
  assert.equal(t.next().first, true);

  assert.throws(() => t.loadStateDict({ ...state, seqLen: 8 }), /expected a stream batcher state with seqLen 4, got 8/);
  assert.throws(() => t.loadStateDict({ ...state, position: 12 }), /expected position in \[0, 11\], got 12/);
  assert.throws(() => t.loadStateDict({ ...state, epoch: -1 }), /non-negative integer epoch, got -1/);
  assert.throws(() => new StreamBatcher(new Int32Array(4), { batchSize: 4, seqLen: 2 }), /expected at least 5 tokens for 4 parallel streams, got 4/);
});

test('stream batcher: a seqLen past the streams reads each stream in one chunk, buffers sized by the text', () => {
  const seq = Int32Array.from({ length: 23 }, (_, i) => i); // B = 2: L = 11
  const s = new StreamBatcher(seq, { batchSize: 2, seqLen: 1_000_000_000 });
  assert.equal(s.chunksPerEpoch, 1);
  const c = s.next();
  assert.deepEqual([c.length, c.first, c.last], [11, true, true]);
  assert.deepEqual(Array.from(c.inputs), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
  assert.equal(c.inputs.buffer.byteLength, 22 * 4, 'B × L, not B × seqLen');
  assert.deepEqual(Array.from(s.next().targets), Array.from(c.targets), 'the next epoch reads the same');
});

test('evalChunks covers the whole text in order with batch 1', () => {
  const inputs: number[] = [], targets: number[] = [];
  const lengths: number[] = [];
  for (const c of evalChunks(ids, 64)) {
    inputs.push(...c.inputs);
    targets.push(...c.targets);
    lengths.push(c.length);
  }
  assert.deepEqual(inputs, Array.from(ids.subarray(0, ids.length - 1)));
  assert.deepEqual(targets, Array.from(ids.subarray(1)));
  assert.equal(vocab.decode(targets), chars.slice(1).join(''));
  assert.ok(lengths.slice(0, -1).every((l) => l === 64));
  assert.equal(lengths.reduce((a, b) => a + b, 0), ids.length - 1);
});
