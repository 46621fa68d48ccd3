// A leaf's gradient that zeroGrad takes away unseen is reused by the next backward (Tensor.spareGrad):
// the values must be exactly those of a fresh buffer, including where a slice's gradient leaves the
// rest at zero; a gradient the user read or assigned must keep its values, as torch's set_to_none
// leaves them; and the memory must really be reused, or the change does nothing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../src/autograd/index.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import { crossEntropy, GRU, Linear, LSTM } from '../../src/nn/index.js';
import { AdamW, clipGradNorm } from '../../src/optim/index.js';
import { Rng } from '../../src/tensor/random.js';

function randT(shape: number[], rng: Rng): Tensor {
  const n = shape.reduce((a, d) => a * d, 1);
  return tensor(Array.from({ length: n }, () => rng.uniform(-1, 1)), shape);
}

test('a slice of a reused gradient buffer: the rows outside the slice are zero, not last step\'s values', () => {
  const p = tensor([1, 2, 3, 4, 5, 6, 7, 8], [4, 2], { requiresGrad: true });
  ops.sum(ops.mul(p, p)).backward(); // grad 2p everywhere: the buffer is non-zero
  const first = p.peekGrad()!.storage;
  p.setGrad(null); // as zeroGrad does
  const c = tensor([10, 20, 30, 40], [2, 2]);
  ops.sum(ops.mul(ops.slice(p, 0, 1, 3), c)).backward(); // d/dp = c on rows 1-2, 0 elsewhere
  assert.equal(p.peekGrad()!.storage, first, 'the spare buffer was not reused');
  assert.deepEqual(Array.from(p.grad!.data), [0, 0, 10, 20, 30, 40, 0, 0]);
});

test('a gradient read through .grad keeps its values after zeroGrad and the next backward; one assigned too', () => {
  const p = tensor([1, 2, 3], [3], { requiresGrad: true });
  ops.sum(ops.mul(p, p)).backward();
  const seen = p.grad!;
  p.grad = null;
  ops.sum(ops.mul(p, tensor([5, 5, 5], [3]))).backward();
  assert.deepEqual(Array.from(seen.data), [2, 4, 6]);
  assert.deepEqual(Array.from(p.grad!.data), [5, 5, 5]);
  assert.notEqual(p.peekGrad()!.storage, seen.storage);
  const mine = tensor([7, 8, 9], [3]);
  p.grad = mine;
  p.grad = null;
  ops.sum(ops.mul(p, p)).backward();
  assert.deepEqual(Array.from(mine.data), [7, 8, 9]);
  assert.deepEqual(Array.from(p.grad!.data), [2, 4, 6]);
});

// Two copies of a small char model trained in lockstep; one has its gradients read every step (so
// none is ever reused), the other never: the parameters must stay bitwise equal.
for (const kind of ['lstm', 'gru'] as const) {
  test(`${kind} + linear head with AdamW and clipping: training with reused gradient buffers equals training with fresh ones, bit for bit`, () => {
    const make = () => {
      const rng = new Rng(5);
      const cfg = { inputSize: 6, hiddenSize: 8, batchFirst: true };
      const rnn = kind === 'lstm' ? new LSTM(cfg, { rng }) : new GRU(cfg, { rng });
      const head = new Linear({ inFeatures: 8, outFeatures: 5 }, { rng });
      const params = [...rnn.parameters(), ...head.parameters()];
      return { rnn, head, params, opt: new AdamW(params, { lr: 1e-2 }) };
    };
    const a = make(), b = make();
    const rng = new Rng(9);
    let reused = 0;
    for (let s = 0; s < 6; s++) {
      const x = randT([3, 4, 6], rng), y = ops.indices(Int32Array.from({ length: 12 }, () => Math.floor(rng.random() * 5)), [12]);
      for (const [m, watch] of [[a, true], [b, false]] as const) {
        const before = m.params.map((p) => p.peekGrad()?.storage ?? p.spareGrad?.storage ?? null);
        const [out] = m.rnn.forward(x) as [Tensor, unknown];
        crossEntropy(ops.reshape(m.head.forward(out), [12, 5]), y).backward();
        if (watch) for (const p of m.params) assert.ok(p.grad !== null);
        else reused += m.params.filter((p, i) => before[i] !== null && p.peekGrad()!.storage === before[i]).length;
        clipGradNorm(m.params, 0.5);
        m.opt.step();
        m.opt.zeroGrad();
      }
      a.params.forEach((p, i) => assert.deepEqual(p.data, b.params[i].data, `step ${s}, parameter ${i}`));
    }
    assert.equal(reused, 5 * b.params.length, 'every step after the first should reuse every gradient buffer');
  });
}
