// ‖∂L/∂h_t‖ against hand-derived values and finite differences; gate activations of a traced run
// against hand-set weights; a traced character model against its own fused forward.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, zeros, Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import { sum } from '../../src/autograd/ops/reduce.js';
import { mul } from '../../src/autograd/ops/elementwise.js';
import { noGrad } from '../../src/autograd/grad_mode.js';
import { RNNCell } from '../../src/nn/cells/rnn_cell.js';
import { LSTMCell } from '../../src/nn/cells/lstm_cell.js';
import { GRUCell } from '../../src/nn/cells/gru_cell.js';
import { gradientNormsThroughTime } from '../../src/diagnostics/gradient_norms.js';
import { traceCells } from '../../src/diagnostics/trace.js';
import { saturationFractions } from '../../src/diagnostics/saturation.js';
import { traceCharModel, topPredictions } from '../../src/diagnostics/char_model_trace.js';
import { CharModel } from '../../src/train/char_model.js';
import { indices } from '../../src/autograd/ops/gather.js';
import { softmax } from '../../src/autograd/ops/softmax.js';

const close = (a: number, b: number, tol: number, what = ''): void => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);

test('1-unit linear RNN: ∂L/∂h_t = w^(T−1−t) for L = h_{T−1}', () => {
  // relu with positive states is linear: h_t = w·h_{t−1} + x_t
  for (const w of [0.8, 1.25]) {
    const cell = new RNNCell({ inputSize: 1, hiddenSize: 1, nonlinearity: 'relu' }, { dtype: 'float64' });
    cell.weight_hh.data[0] = w; cell.weight_ih.data[0] = 1; cell.bias_ih!.data[0] = 0; cell.bias_hh!.data[0] = 0;
    const T = 12;
    const x = tensor(Array.from({ length: T }, () => [[1]]), undefined, { dtype: 'float64' });
    const { norms, loss } = gradientNormsThroughTime([cell], x, (hs) => sum(hs[T - 1]));
    // h_{T−1} = Σ_{k<T} w^k
    close(loss, Array.from({ length: T }, (_, k) => w ** k).reduce((a, b) => a + b), 1e-9, 'loss');
    for (let t = 0; t < T; t++) close(norms[0][t], w ** (T - 1 - t), 1e-12, `t=${t}`);
  }
});

test('1-unit tanh RNN: ∂L/∂h_t = Π_{s>t} w(1 − h_s²), from a plain loop', () => {
  const w = 1.5, u = 0.7, T = 10;
  const cell = new RNNCell({ inputSize: 1, hiddenSize: 1 }, { dtype: 'float64' });
  cell.weight_hh.data[0] = w; cell.weight_ih.data[0] = u; cell.bias_ih!.data[0] = 0.1; cell.bias_hh!.data[0] = -0.2;
  const xs = Array.from({ length: T }, (_, t) => Math.sin(t));
  const x = tensor(xs.map((v) => [[v]]), undefined, { dtype: 'float64' });
  const { norms } = gradientNormsThroughTime([cell], x, (hs) => sum(hs[T - 1]));
  const h: number[] = [];
  let prev = 0;
  for (let t = 0; t < T; t++) { prev = Math.tanh(u * xs[t] + 0.1 + w * prev - 0.2); h.push(prev); }
  for (let t = 0; t < T; t++) {
    let g = 1;
    for (let s = t + 1; s < T; s++) g *= w * (1 - h[s] * h[s]);
    close(norms[0][t], Math.abs(g), 1e-12, `t=${t}`);
  }
});

test('2-layer LSTM: ∂L/∂h_t of every layer matches finite differences', () => {
  const rng = new Rng(3);
  const cells = [new LSTMCell({ inputSize: 2, hiddenSize: 3 }, { dtype: 'float64', rng }), new LSTMCell({ inputSize: 3, hiddenSize: 3 }, { dtype: 'float64', rng })];
  const T = 5, B = 2;
  const xData = Array.from({ length: T }, () => Array.from({ length: B }, () => [rng.normal(), rng.normal()]));
  const v = tensor([[0.3, -1, 0.5], [1, 0.2, -0.4]], undefined, { dtype: 'float64' });
  const loss = (hs: Tensor[]): Tensor => sum(mul(hs[hs.length - 1], v));
  const { norms } = gradientNormsThroughTime(cells, tensor(xData, undefined, { dtype: 'float64' }), loss);
  // Reference: the loss as a function of a perturbation added to h_t of layer l, run step by step.
  const lossWith = (layer: number, t0: number, idx: number, eps: number): number => noGrad(() => {
    let input: Tensor[] = xData.map((row) => tensor(row, undefined, { dtype: 'float64' }));
    for (let l = 0; l < cells.length; l++) {
      let carry = cells[l].initCarry(B);
      const outs: Tensor[] = [];
      for (let t = 0; t < T; t++) {
        carry = cells[l].step(input[t], carry);
        if (l === layer && t === t0) {
          const h = zeros([B, 3], { dtype: 'float64' });
          h.data.set(carry[0].data); h.data[idx] += eps;
          carry = [h, ...carry.slice(1)];
        }
        outs.push(carry[0]);
      }
      input = outs;
    }
    return loss(input).item();
  });
  for (let l = 0; l < 2; l++) {
    for (let t = 0; t < T; t++) {
      let s = 0;
      for (let i = 0; i < B * 3; i++) {
        const g = (lossWith(l, t, i, 1e-6) - lossWith(l, t, i, -1e-6)) / 2e-6;
        s += g * g;
      }
      close(norms[l][t], Math.sqrt(s), 1e-7, `layer ${l}, t=${t}`);
    }
  }
});

test('traced gate activations and their saturation on hand-set weights', () => {
  // 1-unit LSTM with W_hh = 0 and no bias: gates are functions of x_t alone.
  const cell = new LSTMCell({ inputSize: 1, hiddenSize: 1, bias: false }, { dtype: 'float64' });
  cell.weight_hh.data.fill(0);
  cell.weight_ih.data.set([10, -10, 0, 1]); // i, f, g, o
  const xs = [1, -1, 0.1, 1];
  const [trace] = traceCells([cell], tensor(xs.map((v) => [[v]]), undefined, { dtype: 'float64' }));
  assert.deepEqual(trace.gates.map((g) => g.name), ['i', 'f', 'g', 'o', 'tanh(c)']);
  const sig = (z: number): number => 1 / (1 + Math.exp(-z));
  xs.forEach((x, t) => {
    close(trace.gateValues[0][t], sig(10 * x), 1e-12, 'i');
    close(trace.gateValues[1][t], sig(-10 * x), 1e-12, 'f');
    close(trace.gateValues[2][t], 0, 1e-12, 'g');
    close(trace.gateValues[3][t], sig(x), 1e-12, 'o');
  });
  // i: σ(10), σ(−10), σ(1) = 0.73, σ(10) → right 2/4, left 1/4
  const i = saturationFractions(trace.gateValues[0], 1);
  assert.deepEqual([i.left[0], i.right[0]], [0.25, 0.5]);
  // GRU r and z: W_hh = 0, biases b_ih set → r = σ(b_r), z = σ(b_z) at every step
  const gru = new GRUCell({ inputSize: 1, hiddenSize: 1 }, { dtype: 'float64' });
  gru.weight_hh.data.fill(0); gru.weight_ih.data.fill(0); gru.bias_hh!.data.fill(0);
  gru.bias_ih!.data.set([3, -3, 0]);
  const [g] = traceCells([gru], tensor([[[1]], [[2]]], undefined, { dtype: 'float64' }));
  assert.deepEqual(g.gates.map((s) => s.name), ['r', 'z']);
  close(g.gateValues[0][1], sig(3), 1e-12, 'r');
  close(g.gateValues[1][1], sig(-3), 1e-12, 'z');
});

test('traceCharModel: probabilities equal the model forward; parameter grads untouched', () => {
  for (const cell of ['rnn', 'lstm', 'gru'] as const) {
    const model = new CharModel({ vocabSize: 6, cell, hiddenSize: 5, numLayers: 2, embeddingSize: 4, dropout: 0.3 }, { rng: new Rng(1) });
    const ids = Int32Array.from([0, 1, 2, 3, 4, 5, 1, 2, 0]);
    const tr = traceCharModel(model, ids, { loss: 'all' });
    model.eval();
    const [logits] = model.forward(indices(ids.subarray(0, 8), [1, 8]));
    const p = softmax(logits, -1).data;
    for (let k = 0; k < p.length; k++) close(tr.probs[k], p[k], 1e-5, `${cell} prob ${k}`);
    assert.ok(model.parameters().every((q) => q.grad === null), 'parameters keep their (null) grads');
    assert.equal(tr.gradNorms.length, 2);
    assert.ok(tr.gradNorms[1].every((g) => g > 0), `${cell}: every step gets a gradient under the 'all' loss`);
    const last = traceCharModel(model, ids, { loss: 'last' });
    assert.ok(last.gradNorms[1][7] > 0 && last.loss > 0);
    const top = topPredictions(tr.probs, 6, (v) => 'abcdef'[v], 3);
    assert.equal(top.length, 8);
    assert.ok(top[0][0].p >= top[0][1].p && top[0][1].p >= top[0][2].p);
    close(top[0][0].p, Math.max(...p.subarray(0, 6)), 1e-5, 'top-1');
  }
});
