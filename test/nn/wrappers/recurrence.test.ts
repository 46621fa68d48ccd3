// Recurrence (a cell run over whole sequences): forward and reverse, time-major and batch-first,
// with lengths and initial carries, equal the plain reference; gradcheck; clear errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { gradcheck } from '../../../src/autograd/index.js';
import { tensor } from '../../../src/tensor/tensor.js';
import { Recurrence } from '../../../src/nn/wrappers/recurrence.js';
import { LSTMCell } from '../../../src/nn/cells/lstm_cell.js';
import { runDirection } from '../../helpers/reference_rnn.js';
import { close, inputTBI, rowOf, setParams, weightsOf, flatAll } from '../../helpers/recurrent_layers.js';

const T = 4, B = 2, I = 3, H = 2;
const lengths = [2, 4];

for (const reverse of [false, true]) {
  test(`Recurrence(LSTMCell) reverse=${reverse}, batch-first, with lengths and initial carry equals the reference`, () => {
    const cell = new LSTMCell({ inputSize: I, hiddenSize: H }, { dtype: 'float64' });
    setParams(cell);
    const r = new Recurrence(cell, { reverse, batchFirst: true });
    const x = inputTBI(T, B, I, false);
    const init = [tensor([0.1, -0.2, 0.3, 0.4], [B, H], { dtype: 'float64' }), tensor([-0.5, 0.2, 0.1, 0], [B, H], { dtype: 'float64' })];
    const [y, carry] = r.forward(ops.transpose(x, 0, 1), init, { lengths });
    assert.deepEqual([...y.shape], [B, T, H]);
    const yt = ops.transpose(y, 0, 1);
    for (let b = 0; b < B; b++) {
      const ref = runDirection('lstm', weightsOf(cell), H, rowOf(x, b), lengths[b], { reverse, init: init.map((s) => Array.from(s.data.subarray(b * H, (b + 1) * H))) });
      close(rowOf(yt, b), ref.out, 1e-12, `row ${b}`);
      carry.forEach((c, j) => close(c.data.subarray(b * H, (b + 1) * H), ref.final[j], 1e-12, `carry ${j}`));
    }
    const res = gradcheck((xx, h0, c0) => { const [o, c] = r.forward(xx, [h0, c0], { lengths }); return flatAll([o, ...c]); },
      [tensor(Array.from(ops.transpose(x, 0, 1).data), [B, T, I], { dtype: 'float64', requiresGrad: true }), ...init.map((s) => tensor(Array.from(s.data), s.shape, { dtype: 'float64', requiresGrad: true })), ...r.parameters()]);
    assert.ok(res.ok);
    assert.deepEqual(r.namedParameters().map(([n]) => n), ['cell.weight_ih', 'cell.weight_hh', 'cell.bias_ih', 'cell.bias_hh']);
  });
}

test('Recurrence names wrong inputs and carries', () => {
  const r = new Recurrence(new LSTMCell({ inputSize: I, hiddenSize: H }));
  assert.throws(() => r.forward(inputTBI(T, B, I + 1, false)), /Recurrence: expected input of shape \[L, N, 3\], got \[4, 2, 4\]/);
  assert.throws(() => r.forward(inputTBI(T, B, I, false).astype('float32'), [tensor([0, 0], [1, 2])]), /expected 2 initial state tensor\(s\), got 1/);
  const z = tensor(new Array<number>(6).fill(0), [3, H]);
  assert.throws(() => r.forward(inputTBI(T, B, I, false).astype('float32'), [z, z]), /expected initial state of shape \[2, 2\], got \[3, 2\]/);
});
