// Checkpoints and resuming: a saved model loads with identical outputs; a run stopped part-way (by
// budget or by an interrupt) and resumed ends with exactly the parameters of an uninterrupted run,
// in random-window and in stateful (truncated BPTT) mode; a damaged state file is refused without
// touching what was saved.

import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../src/autograd/methods.js';
import { noGrad } from '../../src/autograd/grad_mode.js';
import { indices } from '../../src/autograd/ops/gather.js';
import { trainCharModel } from '../../src/train/trainer.js';
import { statePathFor } from '../../src/train/checkpoint.js';
import type { TrainOptions } from '../../src/train/options.js';
import { generatedCorpus, loadCharModel } from '../helpers/corpus.js';
import { tempDir } from '../helpers/files.js';

const text = generatedCorpus();
const small: Partial<TrainOptions> = {
  cell: 'lstm', hiddenSize: 12, numLayers: 2, embeddingSize: 6, seqLen: 16, batchSize: 4, dropout: 0.1,
  time: 0, evalChars: 200, sampleLength: 10, warmupSteps: 3,
};

function params(path: string): Float32Array[] {
  return loadCharModel(path).model.parameters().map((p) => Float32Array.from(p.data));
}

test('a saved checkpoint loads with the same outputs', async () => {
  const out = join(tempDir(), 'm.safetensors');
  const run = await trainCharModel({ text, out, options: { ...small, steps: 3 } });
  const { model, vocab } = loadCharModel(out);
  assert.deepEqual(vocab.symbols, run.vocab.symbols);
  const ids = indices(run.vocab.encode('(two one) = 21;'), [1, 15]);
  run.model.eval(); model.eval();
  const [a] = noGrad(() => run.model.forward(ids));
  const [b] = noGrad(() => model.forward(ids));
  assert.deepEqual(Array.from(b.data), Array.from(a.data));
});

for (const stateful of [false, true]) {
  test(`resuming continues exactly where the run stopped (${stateful ? 'stateful' : 'random windows'})`, async () => {
    const dir = tempDir();
    const full = join(dir, 'full.safetensors'), part = join(dir, 'part.safetensors');
    // A constant rate: a cosine schedule follows the budget, so a shorter first budget changes it.
    const options: Partial<TrainOptions> = { ...small, stateful, steps: 12, schedule: 'constant' };
    await trainCharModel({ text, out: full, options });
    await trainCharModel({ text, out: part, options: { ...options, steps: 5 } });
    const resumed = await trainCharModel({ text, out: part, resume: true, options: { steps: 12 } });
    assert.equal(resumed.steps, 12);
    assert.deepEqual(params(part), params(full));
  });
}

test('an interrupt stops after the current step with a checkpoint that resumes exactly', async () => {
  const dir = tempDir();
  const full = join(dir, 'full.safetensors'), part = join(dir, 'part.safetensors');
  const options = { ...small, steps: 10 };
  await trainCharModel({ text, out: full, options });
  let steps = 0;
  const first = await trainCharModel({ text, out: part, options, callbacks: { onStep: () => { steps++; }, shouldStop: () => steps >= 4 } });
  assert.equal(first.stopped, 'interrupted');
  assert.equal(first.steps, 4);
  await trainCharModel({ text, out: part, resume: true });
  assert.deepEqual(params(part), params(full));
});

test('a state file from another step is refused and nothing saved is changed', async () => {
  const dir = tempDir();
  const a = join(dir, 'a.safetensors'), b = join(dir, 'b.safetensors');
  await trainCharModel({ text, out: a, options: { ...small, steps: 2 } });
  await trainCharModel({ text, out: b, options: { ...small, steps: 3 } });
  writeFileSync(statePathFor(a), readFileSync(statePathFor(b)));
  const before = readFileSync(a);
  await assert.rejects(trainCharModel({ text, out: a, resume: true, options: { steps: 5 } }), /expected training state for step 2 .* got step 3/);
  assert.deepEqual(readFileSync(a), before);
  assert.ok(existsSync(statePathFor(a)));
});

test('checkpoints land every checkpointEvery steps and at the end', async () => {
  const out = join(tempDir(), 'c.safetensors');
  const saved: number[] = [];
  await trainCharModel({ text, out, options: { ...small, steps: 5, evalEvery: 100, checkpointEvery: 2 }, callbacks: { onCheckpoint: ({ step }) => { saved.push(step); } } });
  assert.deepEqual(saved, [2, 4, 5]);
  assert.equal(loadCharModel(out).step, 5);
});
