// The neural Turing machine learning the copy task end to end, in seconds: sequences of 1–5 random
// 4-bit vectors, a delimiter, then the sequence to be written back with no input (Graves et al.
// 2014, §4.1, shortened). In 150 steps the loss on the recall phase falls well below chance (ln 2
// per bit): gradients reach the controller, both heads and the initial memory through the memory.
// (The full task, with its bit errors at long lengths, is `unfold tasks ntm-copy`.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/autograd/methods.js';
import { LSTMCell, Linear, NTMCell, Recurrence, bceWithLogits } from '../../../src/nn/index.js';
import { Adam } from '../../../src/optim/adam.js';
import { clipGradNorm } from '../../../src/optim/clip.js';
import { slice } from '../../../src/autograd/ops/shape_ops.js';
import { Rng } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';

const BITS = 4, B = 16;

// inputs [2L + 1, B, BITS + 1] (the vectors, then the delimiter flag), targets [L, B, BITS]
function copyBatch(rng: Rng, L: number): { x: Tensor; y: Tensor } {
  const I = BITS + 1, x = new Float32Array((2 * L + 1) * B * I), y = new Float32Array(L * B * BITS);
  for (let t = 0; t < L; t++) {
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < BITS; k++) {
        const v = rng.random() < 0.5 ? 1 : 0;
        x[(t * B + b) * I + k] = v;
        y[(t * B + b) * BITS + k] = v;
      }
    }
  }
  for (let b = 0; b < B; b++) x[(L * B + b) * I + BITS] = 1;
  return { x: new Tensor(x, [2 * L + 1, B, I]), y: new Tensor(y, [L, B, BITS]) };
}

test('NTM copy on lengths 1–5 learns: recall loss well below chance, gradients through memory', () => {
  const rng = new Rng(1), M = 8;
  const cell = new NTMCell(new LSTMCell({ inputSize: BITS + 1 + M, hiddenSize: 32 }, { rng }), { inputSize: BITS + 1, memorySize: 16, memoryWidth: M }, { rng });
  const rnn = new Recurrence(cell), head = new Linear({ inFeatures: cell.hiddenSize, outFeatures: BITS }, { rng });
  const params = [...rnn.parameters(), ...head.parameters()];
  const opt = new Adam(params, { lr: 0.01 });
  const losses: number[] = [];
  let memoryGrad = 0;
  for (let s = 0; s < 150; s++) {
    const L = 1 + rng.int(5);
    const { x, y } = copyBatch(rng, L);
    opt.zeroGrad();
    const loss = bceWithLogits(slice(head.forward(rnn.forward(x)[0]), 0, L + 1, 2 * L + 1), y);
    loss.backward();
    memoryGrad = Math.max(memoryGrad, ...cell.memory0.grad!.toArray().map(Math.abs));
    clipGradNorm(params, 10);
    opt.step();
    losses.push(loss.item());
  }
  const last = losses.slice(-30).reduce((a, b) => a + b, 0) / 30;
  assert.ok(last < 0.5, `recall loss over the last 30 steps ${last} (chance ${Math.LN2.toFixed(3)})`);
  assert.ok(memoryGrad > 0, 'the initial memory gets a gradient');
});
