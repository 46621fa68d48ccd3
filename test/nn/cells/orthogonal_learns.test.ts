// The orthogonal RNN learning copy memory in seconds: ten symbols recalled after 20 blanks
// (Arjovsky et al. 2016's task, T = 20). In 150 Adam steps the expRNN cell goes far below the
// memoryless baseline 10·ln 8 / (T + 20), which the task's gated cells take much longer to leave.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/autograd/methods.js';
import { Linear, OrthogonalRNNCell, Recurrence, crossEntropy } from '../../../src/nn/index.js';
import { Adam } from '../../../src/optim/adam.js';
import { clipGradNorm } from '../../../src/optim/clip.js';
import { noGrad } from '../../../src/autograd/grad_mode.js';
import { indices } from '../../../src/autograd/ops/gather.js';
import { Rng } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { copyBaseline, copyBatch } from '../../../src/tasks/copy_memory.js';

test('expRNN on copy memory T = 20 ends well below the memoryless baseline', () => {
  const T = 20, H = 32, rng = new Rng(1);
  const rnn = new Recurrence(new OrthogonalRNNCell({ inputSize: 10, hiddenSize: H }, { rng }));
  const head = new Linear({ inFeatures: H, outFeatures: 9 }, { rng });
  const params = [...rnn.parameters(), ...head.parameters()];
  const opt = new Adam(params, { lr: 0.005 });
  const lossOf = (b: ReturnType<typeof copyBatch>) => crossEntropy(head.forward(rnn.forward(new Tensor(b.inputs, [b.T, b.B, 10]))[0]), indices(b.targets, [b.T, b.B]));
  for (let s = 0; s < 150; s++) {
    opt.zeroGrad();
    lossOf(copyBatch(rng, 16, T)).backward();
    clipGradNorm(params, 1);
    opt.step();
  }
  const test = noGrad(() => lossOf(copyBatch(new Rng(99), 64, T)).item());
  assert.ok(test < 0.6 * copyBaseline(T), `cross-entropy ${test} against the baseline ${copyBaseline(T)}`);
});
