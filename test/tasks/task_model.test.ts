// The suite's model: output shapes for both read-outs, the many-to-one read-out equal to the head
// applied to the right steps of the layer's output (the forward direction's last step, the backward
// direction's first), chrono initialisation of the gate biases, and a clear error on bad input.

import test from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import { TaskModel } from '../../src/tasks/task_model.js';
import { LSTM } from '../../src/nn/layers/lstm.js';
import { GRU } from '../../src/nn/layers/gru.js';

function randomInput(T: number, B: number, I: number): Tensor {
  const rng = new Rng(1);
  return new Tensor(Float32Array.from({ length: T * B * I }, () => rng.uniform(-1, 1)), [T, B, I]);
}

test('read-outs: [T, B, O] at every step, [B, O] from the final states', () => {
  const x = randomInput(5, 3, 4);
  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    const all = new TaskModel({ cell, inputSize: 4, hiddenSize: 6, outputSize: 2, readout: 'all', bidirectional: true }, 0);
    assert.deepEqual(all.forward(x).shape, [5, 3, 2]);
    const last = new TaskModel({ cell, inputSize: 4, hiddenSize: 6, outputSize: 2, readout: 'last' }, 0);
    assert.deepEqual(last.forward(x).shape, [3, 2]);
  }
});

/**
 * A many-to-one model's 4 outputs equal its head applied by hand to the layer's outputs: the forward
 * direction at the last step and, when bidirectional, the backward one at the first. x: [T, B, I].
 */
function checkLastReadout(m: TaskModel, x: Tensor, what: string): void {
  const [T, B] = x.shape, H = m.config.hiddenSize, D = m.config.bidirectional ? 2 : 1;
  const y = m.forward(x).data;
  const [out] = (m.rnn as unknown as { forward(x: Tensor): [Tensor] }).forward(x); // [T, B, D·H]
  const W = m.head.weight.data, bias = m.head.bias!.data;
  for (let b = 0; b < B; b++) {
    const feat: number[] = [];
    for (let j = 0; j < H; j++) feat.push(out.data[((T - 1) * B + b) * D * H + j]);
    if (D === 2) for (let j = 0; j < H; j++) feat.push(out.data[(0 * B + b) * D * H + H + j]);
    for (let k = 0; k < 4; k++) {
      let want = bias[k];
      for (let j = 0; j < D * H; j++) want += W[k * D * H + j] * feat[j];
      assert.ok(Math.abs(y[b * 4 + k] - want) < 1e-5, `${what} b ${b} k ${k}: ${y[b * 4 + k]} vs ${want}`);
    }
  }
}

test('many-to-one reads the forward direction at the last step and the backward one at the first', () => {
  const T = 6, B = 2, H = 5, x = randomInput(T, B, 3);
  for (const bidirectional of [false, true]) {
    const m = new TaskModel({ cell: 'gru', inputSize: 3, hiddenSize: H, outputSize: 4, readout: 'last', bidirectional }, 3);
    checkLastReadout(m, x, `gru bi ${bidirectional}`);
  }
});

test('chrono initialisation: forget bias log(u) with u in [1, T − 1], input bias its negative', () => {
  const H = 50, tMax = 100;
  const m = new TaskModel({ cell: 'lstm', inputSize: 2, hiddenSize: H, outputSize: 1, readout: 'last', chrono: tMax }, 0);
  const cell = (m.rnn as LSTM).cells[0][0];
  const bi = cell.bias_ih!.data, bh = cell.bias_hh!.data;
  for (let j = 0; j < H; j++) {
    const f = bi[H + j] + bh[H + j], i = bi[j] + bh[j];
    assert.ok(f >= 0 && f <= Math.log(tMax - 1) + 1e-6, `forget bias ${f}`);
    assert.ok(Math.abs(i + f) < 1e-6);
  }
  const g = new TaskModel({ cell: 'gru', inputSize: 2, hiddenSize: H, outputSize: 1, readout: 'last', chrono: tMax }, 0);
  const gc = (g.rnn as GRU).cells[0][0];
  for (let j = 0; j < H; j++) {
    const z = gc.bias_ih!.data[H + j] + gc.bias_hh!.data[H + j];
    assert.ok(z >= 0 && z <= Math.log(tMax - 1) + 1e-6, `update bias ${z}`);
  }
  // Without chrono the LSTM forget bias is the constant 1.
  const plain = new TaskModel({ cell: 'lstm', inputSize: 2, hiddenSize: H, outputSize: 1, readout: 'last' }, 0);
  const pc = (plain.rnn as LSTM).cells[0][0];
  for (let j = 0; j < H; j++) assert.ok(Math.abs(pc.bias_ih!.data[H + j] + pc.bias_hh!.data[H + j] - 1) < 1e-6);
});

test('bad input: the error names the expected and the given shape', () => {
  const m = new TaskModel({ cell: 'lstm', inputSize: 4, hiddenSize: 3, outputSize: 2, readout: 'all' }, 0);
  assert.throws(() => m.forward(randomInput(5, 3, 2)), /expected input of shape \[T, B, 4\], got \[5, 3, 2\]/);
  assert.throws(() => new TaskModel({ cell: 'gru', inputSize: 0, hiddenSize: 3, outputSize: 2, readout: 'all' }), /expected inputSize, hiddenSize and outputSize >= 1/);
});

test('the long-memory cells: IRNN is a ReLU RNN from the identity; orth and clockwork read out the right steps both ways', () => {
  const T = 5, B = 2, H = 8, x = randomInput(T, B, 3);
  const irnn = new TaskModel({ cell: 'irnn', inputSize: 3, hiddenSize: H, outputSize: 2, readout: 'all' }, 0);
  const layer = irnn.rnn as unknown as { nonlinearity: string; cells: { weight_hh: Tensor; bias_hh: Tensor }[][] };
  assert.equal(layer.nonlinearity, 'relu');
  assert.deepEqual(layer.cells[0][0].weight_hh.toArray(), Array.from({ length: H * H }, (_, k) => (k % (H + 1) === 0 ? 1 : 0)));
  assert.ok(layer.cells[0][0].bias_hh.toArray().every((v) => v === 0));
  for (const cell of ['orth', 'clockwork'] as const) {
    for (const bidirectional of [false, true]) {
      const all = new TaskModel({ cell, inputSize: 3, hiddenSize: H, outputSize: 2, readout: 'all', bidirectional }, 1);
      assert.deepEqual(all.forward(x).shape, [T, B, 2]);
      const m = new TaskModel({ cell, inputSize: 3, hiddenSize: H, outputSize: 4, readout: 'last', bidirectional }, 2);
      checkLastReadout(m, x, `${cell} bi ${bidirectional}`);
    }
  }
  assert.throws(() => new TaskModel({ cell: 'ntm' as never, inputSize: 3, hiddenSize: H, outputSize: 2, readout: 'all' }), /expected a cell among rnn, lstm, gru, irnn, orth, clockwork, got 'ntm'/);
});

test('recurrentInit orthogonal: W_hh of the tanh RNN starts with WᵀW = I; the setting survives getConfig; a bad one is refused', () => {
  const H = 6;
  const m = new TaskModel({ cell: 'rnn', inputSize: 2, hiddenSize: H, outputSize: 1, readout: 'last', recurrentInit: 'orthogonal' }, 3);
  const w = (m.rnn as unknown as { cells: { weight_hh: Tensor }[][] }).cells[0][0].weight_hh.toArray();
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < H; j++) {
      let dot = 0;
      for (let k = 0; k < H; k++) dot += w[k * H + i] * w[k * H + j];
      assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-5, `(WᵀW)[${i}, ${j}] = ${dot}`);
    }
  }
  assert.equal(m.getConfig().recurrentInit, 'orthogonal');
  assert.equal(new TaskModel({ cell: 'rnn', inputSize: 2, hiddenSize: H, outputSize: 1, readout: 'last' }).getConfig().recurrentInit, 'uniform');
  assert.throws(() => new TaskModel({ cell: 'rnn', inputSize: 2, hiddenSize: H, outputSize: 1, readout: 'last', recurrentInit: 'eye' as 'identity' }),
    /expected recurrentInit 'uniform', 'orthogonal', 'identity', 'sparse', got 'eye'/);
});

test('ioInitStd: W_ih and the read-out N(0, s²) (sample std within 10% of s over 4,000 draws), biases zero, W_hh as without it; gated cells are refused', () => {
  const H = 40, I = 100, s = 0.01;
  const base = { cell: 'rnn' as const, inputSize: I, hiddenSize: H, outputSize: 1, readout: 'last' as const, recurrentInit: 'sparse' as const };
  const m = new TaskModel({ ...base, ioInitStd: s }, 5), plain = new TaskModel(base, 5);
  const p = Object.fromEntries(m.namedParameters().map(([n, t]) => [n, t.toArray()]));
  const q = Object.fromEntries(plain.namedParameters().map(([n, t]) => [n, t.toArray()]));
  const w = p['rnn.weight_ih_l0'];
  const mean = w.reduce((a, b) => a + b, 0) / w.length;
  const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / (w.length - 1));
  assert.ok(Math.abs(std - s) < 0.1 * s && Math.abs(mean) < 4 * s / Math.sqrt(w.length), `W_ih: mean ${mean}, std ${std}`);
  assert.ok(p['head.weight'].every((v) => Math.abs(v) < 5 * s) && p['head.weight'].some((v) => v !== 0));
  for (const n of ['rnn.bias_ih_l0', 'rnn.bias_hh_l0', 'head.bias']) assert.ok(p[n].every((v) => v === 0), n);
  assert.deepEqual(p['rnn.weight_hh_l0'], q['rnn.weight_hh_l0']);
  assert.ok(q['rnn.bias_ih_l0'].some((v) => v !== 0)); // without it, PyTorch's uniform biases
  assert.equal(m.getConfig().ioInitStd, s);
  assert.throws(() => new TaskModel({ ...base, cell: 'lstm', ioInitStd: s }), /expected ioInitStd > 0 with an rnn or irnn cell, got 0.01 with lstm/);
  assert.throws(() => new TaskModel({ ...base, ioInitStd: -1 }), /expected ioInitStd > 0 with an rnn or irnn cell, got -1 with rnn/);
});
