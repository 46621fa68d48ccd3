// The clockwork RNN learning what it was made for, in seconds: generating a periodic waveform from
// its clock alone (Koutník et al. 2014, §4.1, shortened to 64 steps). With the same 16 units and
// 200 Adam steps, the clockwork net fits it closely and a tanh RNN does not.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import '../../../src/autograd/methods.js';
import { ClockworkRNNCell, Linear, RNNCell, Recurrence, mseLoss, type RecurrentCell } from '../../../src/nn/index.js';
import type { Module } from '../../../src/nn/module.js';
import { Adam } from '../../../src/optim/adam.js';
import { Rng } from '../../../src/tensor/random.js';
import { Tensor, ones } from '../../../src/tensor/tensor.js';

const T = 64;
const wave = Float32Array.from({ length: T }, (_, t) => 0.5 * Math.sin(2 * Math.PI * t / 16) + 0.4 * Math.sin(2 * Math.PI * t / 32 + 1) + 0.1 * Math.cos(2 * Math.PI * t / 6));
const mean = wave.reduce((a, b) => a + b) / T;
const variance = wave.reduce((a, b) => a + (b - mean) ** 2, 0) / T;

// MSE / variance after 200 steps of generating the wave from a constant input.
function fit(cell: RecurrentCell & Module, rng: Rng): number {
  const rnn = new Recurrence(cell), head = new Linear({ inFeatures: cell.hiddenSize, outFeatures: 1 }, { rng });
  const opt = new Adam([...rnn.parameters(), ...head.parameters()], { lr: 0.01 });
  const x = ones([T, 1, 1]), y = new Tensor(wave, [T, 1, 1]);
  let loss = NaN;
  for (let s = 0; s < 200; s++) {
    opt.zeroGrad();
    const l = mseLoss(head.forward(rnn.forward(x)[0]), y);
    l.backward();
    opt.step();
    loss = l.item();
  }
  return loss / variance;
}

test('clockwork RNN (periods 1, 2, 4, 8) generates a 64-step waveform; a tanh RNN of the same size does not', () => {
  const cw = fit(new ClockworkRNNCell({ inputSize: 1, hiddenSize: 16, periods: [1, 2, 4, 8] }, { rng: new Rng(1) }), new Rng(2));
  const plain = fit(new RNNCell({ inputSize: 1, hiddenSize: 16 }, { rng: new Rng(1) }), new Rng(2));
  assert.ok(cw < 0.06, `clockwork: MSE / variance ${cw}`);
  assert.ok(plain > 4 * cw, `tanh RNN ${plain} against clockwork ${cw}`);
});
