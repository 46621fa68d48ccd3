// recurrentInit: orthogonal blocks satisfy QᵀQ = I, identity blocks are I with zero biases (the
// IRNN), sparse blocks have 15 entries per row and spectral radius 0.95 (measured as the growth rate
// of ‖Wᵏx‖, not with the eigenvalue routine that set it), every recurrent layer and cell takes the
// option, and a bad value is refused by name.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GRU, GRUCell, LSTM, LeakyRNNCell, RNN, RNNCell, SkipRNNCell } from '../../../src/nn/index.js';
import { orthogonalMatrix } from '../../../src/nn/init.js';
import { Rng } from '../../../src/tensor/random.js';
import { zeros, tensor, type Tensor } from '../../../src/tensor/tensor.js';
import { assertClose } from '../../helpers/tensors.js';

// Block g of a [G·H, H] weight as a row-major H×H array.
const block = (w: Tensor, g: number, H: number): number[] => Array.from(w.data.subarray(g * H * H, (g + 1) * H * H));

// max |QᵀQ − I| over the entries.
function orthogonalityError(q: ArrayLike<number>, n: number): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += q[k * n + i] * q[k * n + j];
      worst = Math.max(worst, Math.abs(dot - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

test('orthogonalMatrix gives QᵀQ = I to rounding, and different matrices from different draws', () => {
  for (const n of [1, 2, 7, 40]) assert.ok(orthogonalityError(orthogonalMatrix(n, new Rng(n)), n) < 1e-13, `n = ${n}`);
  const rng = new Rng(3);
  assert.notDeepEqual(Array.from(orthogonalMatrix(4, rng)), Array.from(orthogonalMatrix(4, rng)));
  // 1×1: ±1 with the sign of R's diagonal moved into Q, so always +1
  assert.deepEqual(Array.from(orthogonalMatrix(1, new Rng(9))), [1]);
});

test("recurrentInit 'orthogonal' makes every gate block of weight_hh orthogonal, in every layer and direction", () => {
  const H = 6;
  for (const [G, layer] of [
    [4, new LSTM({ inputSize: 3, hiddenSize: H, numLayers: 2, bidirectional: true, recurrentInit: 'orthogonal' }, { rng: new Rng(1) })],
    [3, new GRU({ inputSize: 3, hiddenSize: H, recurrentInit: 'orthogonal' }, { dtype: 'float64', rng: new Rng(2) })],
    [1, new RNN({ inputSize: 3, hiddenSize: H, recurrentInit: 'orthogonal' }, { rng: new Rng(3) })],
  ] as const) {
    const whh = Object.entries(layer.stateDict()).filter(([n]) => n.startsWith('weight_hh'));
    assert.equal(whh.length, layer.config.numLayers * layer.numDirections);
    for (const [name, w] of whh) {
      for (let g = 0; g < G; g++) {
        const err = orthogonalityError(block(w, g, H), H);
        assert.ok(err < (w.dtype === 'float64' ? 1e-13 : 1e-6), `${name} block ${g}: |QᵀQ − I| = ${err}`);
      }
      if (G > 1) assert.notDeepEqual(block(w, 0, H), block(w, 1, H), 'each gate draws its own matrix');
    }
    assert.equal(layer.getConfig().recurrentInit, 'orthogonal');
  }
});

// log ρ(W) as the growth rate of ‖Wᵏx‖ between k = 200 and 800 (x normalised every step).
function growthRadius(w: ArrayLike<number>, n: number): number {
  let x = Array.from({ length: n }, (_, i) => Math.sin(i + 1));
  let logNorm = 0, at200 = 0;
  for (let k = 1; k <= 800; k++) {
    const y = Array.from({ length: n }, (_, i) => { let s = 0; for (let j = 0; j < n; j++) s += w[i * n + j] * x[j]; return s; });
    const norm = Math.hypot(...y);
    logNorm += Math.log(norm);
    x = y.map((v) => v / norm);
    if (k === 200) at200 = logNorm;
  }
  return Math.exp((logNorm - at200) / 600);
}

test("recurrentInit 'sparse' gives each gate block 15 nonzeros per row and spectral radius 0.95", () => {
  for (const [H, G, layer] of [
    [40, 3, new GRU({ inputSize: 3, hiddenSize: 40, recurrentInit: 'sparse' }, { dtype: 'float64', rng: new Rng(5) })],
    [50, 1, new RNN({ inputSize: 2, hiddenSize: 50, recurrentInit: 'sparse' }, { dtype: 'float64', rng: new Rng(6) })],
    [6, 4, new LSTM({ inputSize: 2, hiddenSize: 6, recurrentInit: 'sparse' }, { dtype: 'float64', rng: new Rng(7) })],
  ] as const) {
    const w = layer.stateDict().weight_hh_l0;
    for (let g = 0; g < G; g++) {
      const b = block(w, g, H);
      for (let i = 0; i < H; i++) {
        const nz = b.slice(i * H, (i + 1) * H).filter((v) => v !== 0).length;
        assert.equal(nz, Math.min(15, H), `H ${H} block ${g} row ${i}: nonzeros`);
      }
      const rho = growthRadius(b, H);
      assert.ok(Math.abs(rho - 0.95) < 0.02, `H ${H} block ${g}: growth rate ${rho}, expected 0.95`);
    }
    assert.equal(layer.getConfig().recurrentInit, 'sparse');
  }
});

test("recurrentInit 'identity' sets identity blocks and zero biases; LSTM's forgetBias still applies", () => {
  const H = 3, I3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  const lstm = new LSTM({ inputSize: 2, hiddenSize: H, recurrentInit: 'identity', forgetBias: 1 });
  const sd = lstm.stateDict();
  for (let g = 0; g < 4; g++) assert.deepEqual(block(sd.weight_hh_l0, g, H), I3);
  // b_if + b_hf = 1, split evenly; every other bias 0
  const want = [0, 0, 0, 0.5, 0.5, 0.5, 0, 0, 0, 0, 0, 0];
  assert.deepEqual(Array.from(sd.bias_ih_l0.data), want);
  assert.deepEqual(Array.from(sd.bias_hh_l0.data), want);
  for (const cell of [new RNNCell({ inputSize: 2, hiddenSize: H, recurrentInit: 'identity' }), new GRUCell({ inputSize: 2, hiddenSize: H, recurrentInit: 'identity' }),
    new LeakyRNNCell({ inputSize: 2, hiddenSize: H, recurrentInit: 'identity' })]) {
    for (let g = 0; g < cell.weight_hh.shape[0] / H; g++) assert.deepEqual(block(cell.weight_hh, g, H), I3);
    assert.ok(cell.bias_hh!.toArray().every((b) => b === 0) && cell.bias_ih!.toArray().every((b) => b === 0));
  }
  // the skip cell splits the identity over its delays: Σ_d U_d = I
  const skip = new SkipRNNCell({ inputSize: 2, hiddenSize: H, delays: [1, 2], recurrentInit: 'identity' });
  assert.deepEqual(skip.weight_hh.map((u) => u.toArray()), [I3.map((v) => v / 2), I3.map((v) => v / 2)]);
});

test('an IRNN (ReLU, identity init) copies a non-negative state forward unchanged when the input is zero', () => {
  const rnn = new RNN({ inputSize: 2, hiddenSize: 4, nonlinearity: 'relu', recurrentInit: 'identity' }, { dtype: 'float64', rng: new Rng(5) });
  const h0 = tensor([[[0.5, 0, 2, 1e-3]]], undefined, { dtype: 'float64' });
  const [out, hn] = rnn.forward(zeros([50, 1, 2], { dtype: 'float64' }), h0);
  assert.deepEqual(hn.toArray(), h0.toArray());
  assert.deepEqual(out.toArray().slice(-4), h0.toArray());
  // the same through the generic (unfused) path
  const generic = new RNN({ ...rnn.getConfig(), fused: false }, { dtype: 'float64' });
  generic.loadStateDict(rnn.stateDict());
  assert.deepEqual(generic.forward(zeros([50, 1, 2], { dtype: 'float64' }), h0)[1].toArray(), h0.toArray());
});

test('a bad recurrentInit is refused, naming what came', () => {
  assert.throws(() => new RNN({ inputSize: 1, hiddenSize: 2, recurrentInit: 'xavier' as never }), /expected recurrentInit 'uniform', 'orthogonal', 'identity', 'sparse', got 'xavier'/);
  assert.throws(() => new GRUCell({ inputSize: 1, hiddenSize: 2, recurrentInit: 'eye' as never }), /expected recurrentInit .* got 'eye'/);
});

test("'uniform' (the default) leaves the weights PyTorch's uniform draw, as before the option existed", () => {
  const a = new LSTM({ inputSize: 3, hiddenSize: 4 }, { rng: new Rng(7) });
  const b = new LSTM({ inputSize: 3, hiddenSize: 4, recurrentInit: 'uniform' }, { rng: new Rng(7) });
  for (const [n, t] of Object.entries(a.stateDict())) assertClose(b.stateDict()[n].toArray(), t.toArray(), 0, 0, n);
  assert.ok(a.stateDict().weight_hh_l0.toArray().every((v) => Math.abs(v) <= 0.5));
});
