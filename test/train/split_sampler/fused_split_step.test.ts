// The two-thread batch-1 sampler (charStepper with threads: 2: every layer's hidden units cut between
// this thread and a worker, h exchanged through shared memory layer by layer) against the model's own
// forward on the same tokens: the logits after every token within float32 tolerance, for odd hidden
// sizes (an uneven cut), H = 2 (one unit each), several layers; and a single-thread stepper on
// the same thread interleaved with it (the main thread's slice must re-upload its weights).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../../helpers/tensors.js';
import { noGrad } from '../../../src/autograd/grad_mode.js';
import { indices } from '../../../src/autograd/ops/gather.js';
import { Rng } from '../../../src/tensor/random.js';
import { CharModel } from '../../../src/train/char_model.js';
import { charStepper } from '../../../src/train/sample.js';
import { sliceLstmWeights } from '../../../src/train/split_sampler/lstm_slice.js';

function model(H: number, numLayers: number, seed: number): CharModel {
  const m = new CharModel({ vocabSize: 7, cell: 'lstm', hiddenSize: H, numLayers, embeddingSize: 3, dropout: 0, forgetBias: 1 }, { rng: new Rng(seed) });
  m.eval();
  return m;
}

function reference(m: CharModel, ids: number[]): Float32Array {
  return noGrad(() => Float32Array.from(m.forward(indices(ids, [1, ids.length]))[0].data));
}

const ids = [3, 0, 6, 6, 1, 5, 2, 0, 4, 4, 1];

test('sliceLstmWeights takes gate rows g·H + u of the units [u0, u1)', () => {
  const H = 3, E = 2, V = 2;
  const weightHh = Float32Array.from({ length: 4 * H * H }, (_, i) => i);
  const weightIh = Float32Array.from({ length: 4 * H * E }, (_, i) => 100 + i);
  const w = sliceLstmWeights({
    embedding: Float32Array.from([1, 0, 0, 1]), layers: [{ weightIh, weightHh, biasIh: null, biasHh: null }],
    headWeight: new Float32Array(V * H), headBias: null, V, E, H,
  }, 1, 3);
  // rows 1, 2 (i), 4, 5 (f), 7, 8 (g), 10, 11 (o) of W_hh, 3 columns each
  const rows = [1, 2, 4, 5, 7, 8, 10, 11];
  assert.deepEqual(Array.from(w.whh0), rows.flatMap((r) => [3 * r, 3 * r + 1, 3 * r + 2]));
  // P row of token 0 (embedding e0 = [1, 0]) is column 0 of those W_ih rows
  assert.deepEqual(Array.from(w.p.subarray(0, 8)), rows.map((r) => 100 + 2 * r));
  assert.deepEqual(Array.from(w.p.subarray(8, 16)), rows.map((r) => 101 + 2 * r));
});

test('the two-thread stepper equals model.forward after every token', async () => {
  for (const [H, L] of [[2, 1], [5, 2], [17, 3], [8, 2]]) {
    const m = model(H, L, 4 + H);
    const want = reference(m, ids);
    const s = charStepper(m, { threads: 2 });
    try {
      assert.equal(s.threads, 2, 'the split path is what gets compared');
      noGrad(() => ids.forEach((id, t) => assertClose(s.step(id), want.subarray(t * 7, (t + 1) * 7), 2e-5, 2e-4, `H=${H} L=${L} t=${t}`)));
    } finally {
      await s.close();
    }
    await assert.rejects(async () => s.step(0), /closed/);
  }
});

test('a one-thread stepper interleaved with the two-thread one: both stay correct', async () => {
  const a = model(9, 2, 1), b = model(6, 1, 2);
  const wa = reference(a, ids), wb = reference(b, ids);
  const sa = charStepper(a, { threads: 2 }), sb = charStepper(b);
  try {
    noGrad(() => ids.forEach((id, t) => {
      assertClose(sa.step(id), wa.subarray(t * 7, (t + 1) * 7), 2e-5, 2e-4, `a t=${t}`);
      assertClose(sb.step(id), wb.subarray(t * 7, (t + 1) * 7), 2e-5, 2e-4, `b t=${t}`);
    }));
  } finally {
    await sa.close();
  }
});

test('the two-thread stepper rejects a token id outside the vocabulary', async () => {
  const s = charStepper(model(4, 1, 9), { threads: 2 });
  try {
    assert.throws(() => s.step(7), /expected a token id in \[0, 7\), got 7/);
  } finally {
    await s.close();
  }
});
