// The backend's threads change how work is cut, never what is computed: every kernel cut (products
// by rows or columns, time loops by batch rows, element-wise and row kernels by ranges) computes
// each output element exactly as one thread would, so a whole training step of a character model
// gives the same bits on 1, 2 and 3 threads. Also: UNFOLD_THREADS is read and checked, and a worker
// that is asked to stop lets the process exit.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { getBackend, setBackend, wasmBackend } from '../../src/backend/backend.js';
import { setThreads, threadCount, wasmHeap, wasmModule, wasmPool } from '../../src/backend/wasm/module.js';
import { MAX_PARTS, partCount, ranges } from '../../src/backend/wasm/pool.js';
import { Rng } from '../../src/tensor/random.js';
import { AdamW } from '../../src/optim/adamw.js';
import { clipGradNorm } from '../../src/optim/clip.js';
import { CharModel, type CharModelConfig } from '../../src/train/char_model.js';
import { forwardBackward } from '../../src/train/train_step.js';
import { st, vals } from './suite.js';

const noWasm = wasmModule() === null;

// Three AdamW steps of a char model on `threads` threads: the losses and every parameter's bits.
function train(config: CharModelConfig, threads: number, B: number, T: number): { losses: number[]; params: Float32Array[] } {
  setThreads(threads);
  const model = new CharModel(config, { rng: new Rng(4) });
  model.train();
  const opt = new AdamW(model.parameters(), { lr: 1e-2, weightDecay: 0.1 });
  const rng = new Rng(9);
  const losses: number[] = [];
  for (let s = 0; s < 3; s++) {
    const inputs = Int32Array.from({ length: B * T }, () => rng.int(config.vocabSize));
    const targets = Int32Array.from({ length: B * T }, () => rng.int(config.vocabSize));
    losses.push(forwardBackward(model, inputs, targets, B, T).loss);
    clipGradNorm(model.parameters(), 1);
    opt.step();
    opt.zeroGrad();
  }
  return { losses, params: model.parameters().map((p) => Float32Array.from(p.dataSync())) };
}

for (const cell of ['lstm', 'gru', 'rnn'] as const) {
  test(`a ${cell} char model trains to the same bits on 1, 2 and 3 threads`, { skip: noWasm }, () => {
    const before = getBackend(), threads = threadCount();
    setBackend(wasmBackend);
    try {
      // big enough that every kernel cuts its work (B = 24 rows of 8 per thread; products over 4 Mflop)
      const config: CharModelConfig = { vocabSize: 70, cell, hiddenSize: 96, numLayers: 2, embeddingSize: 16, dropout: 0 };
      const one = train(config, 1, 24, 40);
      assert.equal(wasmPool(), null, 'one thread: no pool');
      for (const n of [2, 3]) {
        const many = train(config, n, 24, 40);
        assert.ok(wasmPool() !== null && wasmPool()!.size === n, `${n} threads in use`);
        assert.deepEqual(many.losses, one.losses, `${n} threads: losses`);
        many.params.forEach((p, i) => assert.deepEqual(p, one.params[i], `${n} threads: parameter ${i}`));
      }
    } finally {
      setThreads(threads);
      setBackend(before);
    }
  });
}

// A product cut by rows on 2 and 3 threads: each part packs its own rows of op(A) into panels of 6
// or 4 (sgemm.ts's panelRows), so a row that one thread computes in a full panel may fall in a
// padded last panel of a part; both must sum C + Σ_k in the same order. Odd row counts, a depth of
// two K blocks (the second adds into C), accumulate or not, all four transposes.
test('a product cut into row blocks on 2 and 3 threads gives the one-thread bits, whatever panels the cut makes', { skip: noWasm }, () => {
  const before = getBackend(), threads = threadCount();
  setBackend(wasmBackend);
  const rng = new Rng(5);
  try {
    for (const [M, N, K] of [[301, 40, 600], [133, 24, 520], [205, 17, 700]] as const) {
      const A = Float32Array.from({ length: M * K }, () => rng.normal());
      const B = Float32Array.from({ length: K * N }, () => rng.normal());
      const C0 = Float32Array.from({ length: M * N }, () => rng.normal());
      for (const tA of [false, true]) for (const tB of [false, true]) for (const acc of [false, true]) {
        const run = (n: number): Float32Array => {
          setThreads(n);
          const c = st(C0);
          wasmBackend.gemm(tA, tB, M, N, K, st(A), 0, st(B), 0, c, 0, acc);
          return Float32Array.from(vals(c));
        };
        const one = run(1);
        for (const n of [2, 3]) {
          const many = run(n);
          assert.ok(wasmPool() !== null && wasmPool()!.size === n, `${n} threads in use`);
          assert.deepEqual(many, one, `${M}x${N}x${K} tA=${tA} tB=${tB} acc=${acc} on ${n} threads`);
        }
      }
    }
  } finally {
    setThreads(threads);
    setBackend(before);
  }
});

test('how long idle workers spin changes nothing computed: no spin at all, and a long one, give the one-thread bits', { skip: noWasm }, () => {
  const before = getBackend(), threads = threadCount();
  setBackend(wasmBackend);
  try {
    const config: CharModelConfig = { vocabSize: 70, cell: 'gru', hiddenSize: 96, numLayers: 1, embeddingSize: 16, dropout: 0 };
    const one = train(config, 1, 24, 40);
    setThreads(2);
    const pool = wasmPool();
    assert.ok(pool !== null, 'two threads: a pool');
    const was = pool.spin;
    try {
      for (const spin of [0, 5_000_000]) {
        pool.spin = spin;
        assert.equal(pool.spin, spin);
        const many = train(config, 2, 24, 40);
        assert.deepEqual(many.losses, one.losses, `spin ${spin}: losses`);
        many.params.forEach((p, i) => assert.deepEqual(p, one.params[i], `spin ${spin}: parameter ${i}`));
      }
    } finally {
      pool.spin = was;
    }
  } finally {
    setThreads(threads);
    setBackend(before);
  }
});

test('a job of more parts than threads runs each part exactly once, on 2 and 3 threads and with 2 of 3 in use', { skip: noWasm }, async () => {
  const threads = threadCount();
  const h = wasmHeap()!;
  const n = 40_000;
  const a = h.alloc(4 * n), b = h.alloc(4 * n);
  try {
    for (const [start, use] of [[2, 2], [3, 3], [3, 2]] as const) {
      setThreads(start);
      setThreads(use);
      const pool = wasmPool()!;
      assert.equal(pool.size, use);
      assert.ok(await pool.whenReady(), 'workers up');
      for (const parts of [use, 7, MAX_PARTS]) {
        // a += b in place, part by part: a part computed twice would add b twice, one left out not at all
        const f = h.f32();
        for (let i = 0; i < n; i++) { f[(a >> 2) + i] = i; f[(b >> 2) + i] = 0.5; }
        const cut = ranges(n, parts, 4, 4);
        assert.equal(cut.length, parts);
        for (let round = 0; round < 3; round++) pool.run('binarySame', cut.map(([lo, hi]) => [0, hi - lo, a + 4 * lo, b + 4 * lo, a + 4 * lo]));
        const g = h.f32();
        let wrong = 0;
        for (let i = 0; i < n; i++) if (g[(a >> 2) + i] !== i + 1.5) wrong++;
        assert.equal(wrong, 0, `${use} of ${start} threads, ${parts} parts: elements not equal to i + 3 × 0.5`);
      }
      assert.throws(() => pool.run('binarySame', ranges(n, MAX_PARTS + 1, 4, 4).map(([lo, hi]) => [0, hi - lo, a + 4 * lo, b + 4 * lo, a + 4 * lo])),
        new RegExp(`pool: expected at most ${MAX_PARTS} parts, got ${MAX_PARTS + 1}`));
    }
  } finally {
    h.free(a); h.free(b);
    setThreads(threads);
  }
});

test('a kernel is cut into a multiple of the threads in use, at least one part each, up to perThread each of at least `fewest` rows', () => {
  // GRU H = 128's dW_hh: 384 rows of at least 128 would be 3 parts, one thread idle for a third of it
  assert.equal(partCount(384, 2, 4, 128), 2);
  assert.equal(partCount(384, 3, 4, 128), 3);
  assert.equal(partCount(512, 2, 4, 128), 4);
  assert.equal(partCount(2048, 2, 4, 128), 8);
  assert.equal(partCount(24, 2, 2, 8), 2);   // 3 parts of 8 batch rows → 2
  assert.equal(partCount(100, 3, 4, 10), 9);  // 10 → 9
  assert.equal(partCount(8, 2, 4, 128), 2);   // too few rows: still one part per thread
  assert.equal(partCount(5, 1, 4, 1), 4);
});

test('UNFOLD_THREADS sets the count, 1 runs without workers, and a bad value names what was expected', { skip: noWasm }, () => {
  const url = new URL('../../src/backend/wasm/module.js', import.meta.url).href;
  const probe = (v: string): { status: number | null; out: string; err: string } => {
    const code = `const m = await import(${JSON.stringify(url)}); m.wasmModule(); console.log(m.threadCount(), m.wasmPool() === null);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { env: { ...process.env, UNFOLD_THREADS: v }, encoding: 'utf8', timeout: 20000 });
    return { status: r.status, out: r.stdout.trim(), err: r.stderr };
  };
  assert.equal(probe('1').out, '1 true');
  assert.equal(probe('3').out, '3 false');
  const bad = probe('two');
  assert.notEqual(bad.status, 0);
  assert.match(bad.err, /UNFOLD_THREADS: expected a positive integer, got 'two'/);
});

test('setThreads refuses a count that is not a positive integer', () => {
  assert.throws(() => setThreads(0), /setThreads: expected a positive integer, got 0/);
  assert.throws(() => setThreads(1.5), /got 1.5/);
});
