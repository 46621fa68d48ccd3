// RecurrentHighwayCell against the RHN equations (Zilly et al. 2017) written as plain loops on
// hand-set weights, coupled (c = 1 − t) and uncoupled; the transform-gate bias init; a gate bias
// → −∞ carries the state unchanged; float64 gradcheck; bad configs.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecurrentHighwayCell } from '../../../src/nn/index.js';
import { unroll } from '../../../src/nn/seq/index.js';
import { mul, sum } from '../../../src/autograd/index.js';
import { check, rand64 } from '../../helpers/tensors.js';
import { affine, mat, sigmoid, vec, type Mat, type Vec } from '../../helpers/reference_rnn.js';
import { close, t64 } from '../../helpers/recurrent_layers.js';

const I = 2, H = 3, T = 5;
const xs: Vec[][] = vec(T, (t) => [0, 1].map((b) => [Math.cos(0.5 * t + b), 0.2 * t - 0.4 * b - 0.3]));
const W = (G: number): Mat => mat(G * H, I, (r, c) => 0.2 * (((r + 2 * c) % 5) - 2));
const R = (G: number, l: number): Mat => mat(G * H, H, (r, c) => 0.15 * (((2 * r + c + l) % 7) - 3));
const bias = (G: number, l: number): Vec => vec(G * H, (r) => 0.05 * (((r + l) % 4) - 1.5));

// s_0 = h; ĥ = tanh(·), t = σ(·), c = 1 − t or σ(·); s_l = ĥ t + s c; x only at l = 1.
function rhnRun(x: Vec[], h0: Vec, depth: number, coupled: boolean): Vec[] {
  const G = coupled ? 2 : 3, out: Vec[] = [];
  let s = h0;
  for (const xt of x) {
    for (let l = 1; l <= depth; l++) {
      const pre = affine(R(G, l), s, bias(G, l));
      if (l === 1) affine(W(G), xt).forEach((v, k) => { pre[k] += v; });
      s = s.map((sv, k) => {
        const hat = Math.tanh(pre[k]), t = sigmoid(pre[H + k]), c = coupled ? 1 - t : sigmoid(pre[2 * H + k]);
        return hat * t + sv * c;
      });
    }
    out.push(s);
  }
  return out;
}

function loaded(depth: number, coupled: boolean): RecurrentHighwayCell {
  const G = coupled ? 2 : 3;
  const cell = new RecurrentHighwayCell({ inputSize: I, hiddenSize: H, depth, coupled }, { dtype: 'float64' });
  const dict: Record<string, ReturnType<typeof t64>> = {
    weight_ih: t64(W(G)), weight_hh: t64(R(G, 1)), bias_ih: t64(bias(G, 1)), bias_hh: t64(vec(G * H, () => 0)),
  };
  for (let l = 2; l <= depth; l++) { dict[`weight_deep${l}`] = t64(R(G, l)); dict[`bias_deep${l}`] = t64(bias(G, l)); }
  cell.loadStateDict(dict);
  return cell;
}

for (const [depth, coupled] of [[1, true], [3, true], [2, false]] as const) {
  test(`RecurrentHighwayCell depth ${depth} ${coupled ? 'coupled' : 'uncoupled'} equals the plainly written RHN over ${T} steps`, () => {
    const cell = loaded(depth, coupled);
    const h0 = [[0.3, -0.2, 0.1], [0.0, 0.4, -0.6]];
    const out = unroll(cell, t64(xs), { carry: [t64(h0)] }).outputs;
    const ref = [0, 1].map((b) => rhnRun(xs.map((x) => x[b]), h0[b], depth, coupled));
    close(out.toArray(), vec(T, (t) => [ref[0][t], ref[1][t]]), 1e-14);
  });
}

test('RecurrentHighwayCell starts with its transform gates biased to transformBias', () => {
  const cell = new RecurrentHighwayCell({ inputSize: I, hiddenSize: H, depth: 2, transformBias: -3 });
  assert.deepEqual(Array.from(cell.bias_ih!.data.subarray(H, 2 * H)), [-3, -3, -3]);
  assert.deepEqual(Array.from(cell.bias_hh!.data.subarray(H, 2 * H)), [0, 0, 0]);
  assert.deepEqual(Array.from(cell.bias_deep[0]!.data.subarray(H, 2 * H)), [-3, -3, -3]);
  // with the transform gates shut (bias → −∞) every micro-step carries the state: h_t = h_{t−1}
  const shut = new RecurrentHighwayCell({ inputSize: I, hiddenSize: H, depth: 2, transformBias: -1e4 }, { dtype: 'float64' });
  shut.bias_hh!.data.fill(0);
  const h0 = t64([[0.3, -0.2, 0.1], [0.0, 0.4, -0.6]]);
  close(unroll(shut, t64(xs), { carry: [h0] }).carry[0].toArray(), h0.toArray(), 1e-15);
});

test('RecurrentHighwayCell gradcheck (float64), coupled and uncoupled', () => {
  for (const coupled of [true, false]) {
    const cell = new RecurrentHighwayCell({ inputSize: I, hiddenSize: H, depth: 2, coupled, transformBias: 0 }, { dtype: 'float64' });
    const x = rand64([3, 2, I], 51), h0 = rand64([2, H], 52), r = rand64([3, 2, H], 53, { grad: false });
    check((xi, hi) => sum(mul(unroll(cell, xi, { carry: [hi] }).outputs, r)), [x, h0, ...cell.parameters()]);
  }
});

test('RecurrentHighwayCell refuses bad configs', () => {
  assert.throws(() => new RecurrentHighwayCell({ inputSize: 1, hiddenSize: 2, depth: 1.5 }), /RecurrentHighwayCell: expected depth to be a positive integer <= 1024, got 1.5/);
  assert.throws(() => new RecurrentHighwayCell({ inputSize: 1, hiddenSize: 2, transformBias: Infinity }), /expected transformBias to be a finite number, got Infinity/);
  assert.equal(new RecurrentHighwayCell({ inputSize: 1, hiddenSize: 2, coupled: false }).weight_ih.shape[0], 6);
});
