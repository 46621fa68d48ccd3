// The task shapes: many-to-many (a head on every step) and many-to-one (the last step, or each
// row's last real step given lengths) against stepping the cell by hand; stateful truncated BPTT
// carries the state across chunks (chunked outputs equal one long run) while the gradient stops at
// the chunk boundary; the same over data's StreamBatcher streams.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GRUCell, LeakyRNNCell, Linear, SkipRNNCell } from '../../../src/nn/index.js';
import { lastStep, manyToMany, manyToOne, unroll, StatefulRunner } from '../../../src/nn/seq/index.js';
import { backward, mul, slice, sum } from '../../../src/autograd/index.js';
import { StreamBatcher } from '../../../src/data/batches.js';
import { tensor } from '../../../src/tensor/tensor.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';

const I = 2, H = 3, O = 2, B = 3, T = 5;

test('manyToMany applies the head to every step, equal to stepping the cell by hand', () => {
  const cell = new GRUCell({ inputSize: I, hiddenSize: H }, { dtype: 'float64' });
  const head = new Linear({ inFeatures: H, outFeatures: O }, { dtype: 'float64' });
  const x = rand64([T, B, I], 61, { grad: false });
  const { outputs } = manyToMany(cell, head, x);
  let carry = cell.initCarry(B);
  const want: number[] = [];
  for (let t = 0; t < T; t++) {
    carry = cell.step(slice(x, 0, t, t + 1).reshape([B, I]), carry);
    want.push(...head.forward(carry[0]).toArray());
  }
  assert.deepEqual([...outputs.shape], [T, B, O]);
  assertClose(outputs.toArray(), want, 1e-14);
  // batch-first gives the same numbers transposed
  const bf = manyToMany(cell, head, x.transpose(0, 1), { batchFirst: true }).outputs;
  assertClose(bf.transpose(0, 1).toArray(), want, 1e-15);
});

test('manyToOne reads each row\'s last real step given lengths (= running the row alone to its length)', () => {
  const cell = new SkipRNNCell({ inputSize: I, hiddenSize: H, delays: [1, 2] }, { dtype: 'float64' });
  const head = (h: ReturnType<typeof rand64>) => h.mul(2);
  const x = rand64([T, B, I], 62, { grad: false });
  const lengths = [5, 2, 1];
  const { output, last } = manyToOne(cell, head, x, { lengths });
  for (let b = 0; b < B; b++) {
    const alone = unroll(cell, slice(slice(x, 1, b, b + 1), 0, 0, lengths[b])).outputs; // [L, 1, H]
    assertClose(last.toArray().slice(b * H, (b + 1) * H), alone.toArray().slice(-H), 1e-15, 0, `row ${b}`);
  }
  assertClose(output.toArray(), last.toArray().map((v) => 2 * v), 1e-15);
  // no lengths: the last step of every row
  assertClose(manyToOne(cell, head, x).last.toArray(), unroll(cell, x).outputs.toArray().slice(-B * H), 1e-15);
});

test('lastStep: gradient reaches only the picked steps (gradcheck, float64)', () => {
  const hidden = rand64([T, B, H], 63);
  const r = rand64([B, H], 64, { grad: false });
  check((h) => sum(mul(lastStep(h, [3, 5, 1]), r)), [hidden]);
  hidden.grad = null;
  backward(sum(mul(lastStep(hidden, [3, 5, 1]), r)));
  const g = hidden.grad!.toArray();
  const picked = new Set([(2 * B + 0), (4 * B + 1), (0 * B + 2)]); // (t, b) → t·B + b
  for (let tb = 0; tb < T * B; tb++) {
    const row = g.slice(tb * H, (tb + 1) * H);
    if (picked.has(tb)) assertClose(row, r.toArray().slice((tb % B) * H, (tb % B + 1) * H), 1e-12);
    else assert.ok(row.every((v) => v === 0), `step ${Math.floor(tb / B)} row ${tb % B} must get no gradient`);
  }
  assert.throws(() => lastStep(hidden, [1, 2]), /expected 3 lengths/);
  assert.throws(() => lastStep(hidden, [1, 2, 6]), /lastStep: expected lengths to be integers in \[1, 5\], got 6/);
});

test('stateful TBPTT: chunks carry the state (outputs equal one long run) and the gradient stops at chunk boundaries', () => {
  const cell = new LeakyRNNCell({ inputSize: I, hiddenSize: H, learnAlpha: true }, { dtype: 'float64' });
  const long = rand64([9, B, I], 65, { grad: false });
  const full = unroll(cell, long).outputs.toArray();
  const runner = new StatefulRunner(cell);
  const chunks = [slice(long, 0, 0, 4), slice(long, 0, 4, 8), slice(long, 0, 8, 9)].map((c) => tensor(Float64Array.from(c.data), c.shape, { requiresGrad: true }));
  const outs = chunks.map((c) => runner.forward(c).outputs);
  assertClose(outs.flatMap((o) => o.toArray()), full, 1e-14);
  // The second chunk's loss: gradient reaches its own inputs, never the first chunk's.
  const r = rand64([4, B, H], 66, { grad: false });
  const loss = sum(mul(outs[1], r));
  cell.zeroGrad();
  backward(loss);
  assert.equal(chunks[0].grad, null, 'no gradient crosses into the previous chunk');
  assert.ok(chunks[1].grad !== null);
  // and the weight gradient equals that of running chunk 2 alone from a constant initial state
  const weightGrads = cell.parameters().map((p) => p.grad!.toArray());
  cell.zeroGrad();
  const h4 = tensor(full.slice(3 * B * H, 4 * B * H), [B, H], { dtype: 'float64' });
  backward(sum(mul(unroll(cell, chunks[1], { carry: [h4] }).outputs, r)));
  cell.parameters().forEach((p, k) => assertClose(p.grad!.toArray(), weightGrads[k], 1e-14, 0, `parameter ${k}`));
  // reset starts again from zeros
  assertClose(runner.forward(chunks[0], { reset: true }).outputs.toArray(), full.slice(0, 4 * B * H), 1e-15);
  assert.throws(() => runner.forward(rand64([2, 1, I], 1)), /chunks of 3 rows/);
});

test('stateful TBPTT over StreamBatcher streams equals one run over each whole stream', () => {
  // 2 streams of one-hot symbols from a 3-symbol text; chunks of 4 (the last one shorter)
  const ids = Int32Array.from({ length: 23 }, (_, i) => (i * i + 1) % 3);
  const batcher = new StreamBatcher(ids, { batchSize: 2, seqLen: 4 });
  const cell = new SkipRNNCell({ inputSize: 3, hiddenSize: H, delays: [1, 3] }, { dtype: 'float64' });
  const oneHot = (inp: Int32Array, len: number) => { // [B, len] ids → [len, B, 3]
    const x = new Float64Array(len * 2 * 3);
    for (let b = 0; b < 2; b++) for (let t = 0; t < len; t++) x[(t * 2 + b) * 3 + inp[b * len + t]] = 1;
    return tensor(x, [len, 2, 3]);
  };
  const runner = new StatefulRunner(cell);
  const got: number[][] = [[], []];
  for (const chunk of batcher.rest()) {
    const out = runner.forward(oneHot(chunk.inputs, chunk.length), { reset: chunk.first }).outputs;
    for (let t = 0; t < chunk.length; t++) for (let b = 0; b < 2; b++) got[b].push(...out.toArray().slice((t * 2 + b) * H, (t * 2 + b + 1) * H));
  }
  const L = batcher.streamLength; // 11 steps per stream
  // one run per stream with B = 1
  for (let b = 0; b < 2; b++) {
    const x = new Float64Array(L * 3);
    for (let t = 0; t < L; t++) x[t * 3 + ids[b * L + t]] = 1;
    const whole = unroll(cell, tensor(x, [L, 1, 3])).outputs.toArray();
    assertClose(got[b], whole, 1e-14, 0, `stream ${b}`);
  }
});
