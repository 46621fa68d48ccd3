// The data-parallel training step against one thread on the whole batch: the summed, share-weighted
// gradient must equal the full-batch gradient, and a few AdamW steps must follow the same loss
// trajectory, within float32 rounding. Sizes are awkward on purpose (odd batch cut unevenly,
// odd hidden size, a share of one sequence).

import test from 'node:test';
import assert from 'node:assert/strict';
import '../../src/autograd/methods.js';
import { Rng } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { AdamW } from '../../src/optim/adamw.js';
import { clipGradNorm } from '../../src/optim/clip.js';
import { CharModel, type CharModelConfig } from '../../src/train/char_model.js';
import type { TrainOptions } from '../../src/train/options.js';
import { createTrainStep, shareSizes } from '../../src/train/parallel/train_step.js';
import { localForwardBackward } from '../../src/train/parallel/local_step.js';
import { resolveThreads } from '../../src/train/parallel/threads.js';

function batch(seed: number, B: number, T: number, V: number): { inputs: Int32Array; targets: Int32Array } {
  const rng = new Rng(seed);
  const inputs = new Int32Array(B * T), targets = new Int32Array(B * T);
  for (let i = 0; i < B * T; i++) { inputs[i] = rng.int(V); targets[i] = rng.int(V); }
  return { inputs, targets };
}

function gradsOf(model: CharModel): Float32Array[] {
  return model.parameters().map((p) => Float32Array.from(p.grad!.data));
}

test('shareSizes cuts a batch into near-equal contiguous shares', () => {
  assert.deepEqual(shareSizes(5, 2), [3, 2]);
  assert.deepEqual(shareSizes(7, 3), [3, 2, 2]);
  assert.deepEqual(shareSizes(32, 2), [16, 16]);
  assert.equal(shareSizes(13, 4).reduce((a, b) => a + b, 0), 13);
});

test('resolveThreads: an explicit count wins, 0 is automatic, bad values are refused', () => {
  assert.equal(resolveThreads(3), 3);
  const auto = resolveThreads(0);
  assert.ok(auto === 1 || auto === 2, `automatic threads ${auto}`);
  assert.throws(() => resolveThreads(-1), /threads to be an integer >= 0/);
});

for (const [cell, layers, threads, B] of [['lstm', 1, 2, 5], ['gru', 2, 3, 7], ['rnn', 1, 2, 2]] as const) {
  test(`${cell} x${layers}, ${threads} threads, batch ${B}: the gradient equals the full-batch gradient`, async () => {
    const V = 11, T = 6;
    const config: CharModelConfig = { vocabSize: V, cell, hiddenSize: 7, numLayers: layers, embeddingSize: 5, dropout: 0 };
    const model = new CharModel(config, { rng: new Rng(4) });
    model.train();
    const { inputs, targets } = batch(9, B, T, V);
    const full = localForwardBackward(model, inputs, targets, B, T);
    const want = gradsOf(model);
    for (const p of model.parameters()) p.grad = null;
    const step = await createTrainStep(model, { threads, batchSize: B, seqLen: T });
    try {
      assert.equal(step.threads, threads);
      const got = step.run(inputs, targets, B, T);
      assert.ok(Math.abs(got.loss - full.loss) <= 1e-5 * Math.abs(full.loss), `loss ${got.loss} vs ${full.loss}`);
      const have = gradsOf(model);
      want.forEach((w, i) => {
        const scale = Math.max(1e-3, ...Array.from(w, Math.abs));
        for (let j = 0; j < w.length; j++) {
          assert.ok(Math.abs(have[i][j] - w[j]) <= 1e-5 * scale, `parameter ${i}[${j}]: ${have[i][j]} vs ${w[j]}`);
        }
      });
      // The step does not depend on which thread finishes first: running it again gives the same bits.
      for (const p of model.parameters()) p.grad = null;
      step.run(inputs, targets, B, T);
      gradsOf(model).forEach((g, i) => assert.deepEqual(g, have[i]));
    } finally {
      await step.close();
    }
  });
}

test('two threads follow the one-thread loss trajectory over AdamW steps', async () => {
  const V = 13, T = 8, B = 9;
  const config: CharModelConfig = { vocabSize: V, cell: 'lstm', hiddenSize: 9, numLayers: 1, embeddingSize: 4, dropout: 0, forgetBias: 1 };
  const losses: number[][] = [];
  for (const threads of [1, 2]) {
    const model = new CharModel(config, { rng: new Rng(2) });
    model.train();
    const opt = new AdamW(model.parameters(), { lr: 1e-2, weightDecay: 0.01 });
    const step = await createTrainStep(model, { threads, batchSize: B, seqLen: T });
    const seen: number[] = [];
    try {
      for (let s = 0; s < 6; s++) {
        const { inputs, targets } = batch(100 + s, B, T, V);
        seen.push(step.run(inputs, targets, B, T).loss);
        clipGradNorm(model.parameters(), 5);
        opt.step(); opt.zeroGrad();
      }
    } finally {
      await step.close();
    }
    losses.push(seen);
  }
  for (let s = 0; s < losses[0].length; s++) {
    assert.ok(Math.abs(losses[0][s] - losses[1][s]) <= 1e-4, `step ${s}: ${losses[1][s]} vs ${losses[0][s]}`);
  }
  assert.ok(losses[0][5] < losses[0][0], 'the loss goes down');
});

test('a worker failure surfaces as an error naming the worker', async () => {
  const config: CharModelConfig = { vocabSize: 5, cell: 'gru', hiddenSize: 3, numLayers: 1, embeddingSize: 2, dropout: 0 };
  const model = new CharModel(config, { rng: new Rng(1) });
  const step = await createTrainStep(model, { threads: 2, batchSize: 4, seqLen: 3 });
  try {
    const inputs = new Int32Array(12), targets = new Int32Array(12);
    targets[11] = 99; // out of the vocabulary, in the worker's share
    assert.throws(() => step.run(inputs, targets, 4, 3), /training worker 1 failed/);
  } finally {
    await step.close();
  }
});

/** Per-step losses of a small trainCharModel run on 1 and on 2 threads, asserted equal within 1e-4. */
async function assertThreadsAgree(options: Partial<TrainOptions> & { steps: number }): Promise<void> {
  const { trainCharModel } = await import('../../src/train/trainer.js');
  const text = 'the cat sat on the mat. the dog sat on the log. '.repeat(20);
  const losses: number[][] = [];
  for (const threads of [1, 2]) {
    const seen: number[] = [];
    await trainCharModel({ text, out: null, options: { ...options, threads }, callbacks: { onStep: (s) => { seen.push(s.loss); } } });
    losses.push(seen);
  }
  assert.equal(losses[1].length, options.steps);
  losses[0].forEach((l, s) => assert.ok(Math.abs(l - losses[1][s]) <= 1e-4, `step ${s}: ${losses[1][s]} vs ${l}`));
}

const smallRun = { hiddenSize: 9, embeddingSize: 5, batchSize: 5, seqLen: 7, time: 0, evalChars: 50, sampleLength: 5, warmupSteps: 0 };

test('trainCharModel with threads 2 follows the threads 1 run', async () => {
  await assertThreadsAgree({ ...smallRun, steps: 5 });
});

function randomState(config: CharModelConfig, B: number, seed: number): Tensor[] {
  const rng = new Rng(seed), n = config.numLayers * B * config.hiddenSize;
  return Array.from({ length: config.cell === 'lstm' ? 2 : 1 }, () => {
    const d = new Float32Array(n);
    for (let i = 0; i < n; i++) d[i] = rng.uniform(-0.9, 0.9);
    return new Tensor(d, [config.numLayers, B, config.hiddenSize]);
  });
}

for (const [cell, layers, threads, B] of [['lstm', 2, 2, 5], ['gru', 1, 3, 7]] as const) {
  test(`stateful ${cell} x${layers}, ${threads} threads, batch ${B}: gradient and final state equal one thread's over two chunks`, async () => {
    const V = 11, T = 6;
    const config: CharModelConfig = { vocabSize: V, cell, hiddenSize: 7, numLayers: layers, embeddingSize: 5, dropout: 0 };
    const model = new CharModel(config, { rng: new Rng(4) });
    model.train();
    const step = await createTrainStep(model, { threads, batchSize: B, seqLen: T, stateful: true });
    try {
      // Chunk 1 from zeros, chunk 2 (shorter, like a stream's tail) from chunk 1's final state, then from a random state.
      let wantState: Tensor[] | null = null, gotState: Tensor[] | null = null;
      for (const [k, Tk, initial] of [[0, T, null], [1, 4, 'carried'], [2, T, 'random']] as const) {
        const { inputs, targets } = batch(20 + k, B, Tk, V);
        const fromW = initial === 'random' ? randomState(config, B, 5) : initial === 'carried' ? wantState : null;
        const fromG = initial === 'random' ? randomState(config, B, 5) : initial === 'carried' ? gotState : null;
        for (const p of model.parameters()) p.grad = null;
        const full = localForwardBackward(model, inputs, targets, B, Tk, fromW);
        const want = gradsOf(model);
        for (const p of model.parameters()) p.grad = null;
        const got = step.run(inputs, targets, B, Tk, fromG);
        assert.ok(Math.abs(got.loss - full.loss) <= 1e-5 * Math.abs(full.loss), `chunk ${k}: loss ${got.loss} vs ${full.loss}`);
        gradsOf(model).forEach((g, i) => {
          const scale = Math.max(1e-3, ...Array.from(want[i], Math.abs));
          for (let j = 0; j < g.length; j++) assert.ok(Math.abs(g[j] - want[i][j]) <= 1e-5 * scale, `chunk ${k}, parameter ${i}[${j}]: ${g[j]} vs ${want[i][j]}`);
        });
        assert.ok(got.state !== null);
        assert.equal(got.state.length, full.state.length);
        full.state.forEach((s, i) => {
          assert.deepEqual(got.state![i].shape, s.shape);
          for (let j = 0; j < s.size; j++) assert.ok(Math.abs(got.state![i].data[j] - s.data[j]) <= 1e-5, `chunk ${k}, state ${i}[${j}]: ${got.state![i].data[j]} vs ${s.data[j]}`);
        });
        wantState = full.state.map((s) => new Tensor(Float32Array.from(s.data), s.shape));
        gotState = got.state;
      }
      // A state of the wrong batch is refused with both shapes named.
      assert.throws(() => step.run(new Int32Array(B * T), new Int32Array(B * T), B, T, randomState(config, B + 1, 1)), /expected a state tensor of shape \[/);
    } finally {
      await step.close();
    }
  });
}

test('a data-parallel step made without stateful refuses a state', async () => {
  const config: CharModelConfig = { vocabSize: 5, cell: 'gru', hiddenSize: 3, numLayers: 1, embeddingSize: 2, dropout: 0 };
  const model = new CharModel(config, { rng: new Rng(1) });
  const step = await createTrainStep(model, { threads: 2, batchSize: 4, seqLen: 3 });
  try {
    assert.throws(() => step.run(new Int32Array(12), new Int32Array(12), 4, 3, randomState(config, 4, 2)), /without `stateful`/);
  } finally {
    await step.close();
  }
});

test('stateful trainCharModel with threads 2 follows the threads 1 run', async () => {
  // 5 streams of ~170 characters in chunks of 7: 9 steps cross no epoch end but carry the state 8 times.
  await assertThreadsAgree({ ...smallRun, steps: 9, stateful: true });
});
