// A checkpoint written by PyTorch (scripts/torch_charlm.py fixture, torch 1.13 from Debian) loads
// into unfold's CharModel and gives PyTorch's logits and final states for the same input: the
// parameter names, layouts and gate orders agree.

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';
import '../../src/autograd/methods.js';
import { noGrad } from '../../src/autograd/grad_mode.js';
import { indices } from '../../src/autograd/ops/gather.js';
import { loadCharModel } from '../helpers/corpus.js';

// compiled to dist/test/train; the fixtures stay in the source tree
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'test', 'train', 'fixtures');

interface Expected { ids: number[][]; shape: number[]; logits: number[]; state: number[][] }

for (const cell of ['lstm', 'gru']) {
  test(`PyTorch ${cell} checkpoint loads and reproduces torch's outputs`, () => {
    const { model, vocab } = loadCharModel(join(fixtures, `torch_char_${cell}.safetensors`));
    const want = JSON.parse(readFileSync(join(fixtures, `torch_char_${cell}.json`), 'utf8')) as Expected;
    assert.equal(model.config.cell, cell);
    assert.equal(vocab.size, model.config.vocabSize);
    model.eval();
    const [B, T] = [want.ids.length, want.ids[0].length];
    const [logits, state] = noGrad(() => model.forward(indices(want.ids.flat(), [B, T])));
    assert.deepEqual([...logits.shape], want.shape);
    let worst = 0;
    logits.data.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - want.logits[i])); });
    assert.ok(worst < 2e-6, `logits differ from torch's by up to ${worst}`);
    assert.equal(state.length, want.state.length);
    state.forEach((s, k) => s.data.forEach((v, i) => assert.ok(Math.abs(v - want.state[k][i]) < 2e-6, `state ${k}[${i}]`)));
  });
}

test('a checkpoint stored in float64 loads into the float32 model with the same values', async () => {
  const { loadSafetensorsSync, saveSafetensors } = await import('../../src/io/node.js');
  const { Tensor } = await import('../../src/tensor/tensor.js');
  const { tempDir } = await import('../helpers/files.js');
  const src = join(fixtures, 'torch_char_lstm.safetensors');
  const { tensors, metadata } = loadSafetensorsSync(src);
  const f64 = Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, new Tensor(Float64Array.from(t.data), t.shape)]));
  const out = join(tempDir(), 'f64.safetensors');
  await saveSafetensors(out, f64, metadata);
  const a = loadCharModel(src).model, b = loadCharModel(out).model;
  for (const [name, p] of b.namedParameters()) {
    assert.equal(p.dtype, 'float32', name);
    assert.deepEqual(Array.from(p.data), Array.from(a.stateDict()[name].data), name);
  }
});
