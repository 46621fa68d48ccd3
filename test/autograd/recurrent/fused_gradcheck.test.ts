// Finite-difference gradients (float64, which runs on the reference gemm) of the fused ops called
// directly: LSTM, GRU (reset-after) and RNN (tanh, relu), both directions, with and without initial
// states and biases, w.r.t. the input, the initial states and every weight. The checked output is
// everything the op returns (sequence, final h and c), so gradients arriving through the packed
// node from each of its views are covered.

import { test } from 'node:test';
import * as ops from '../../../src/autograd/index.js';
import { fusedGru, fusedLstm, fusedRnn, WorkspacePool } from '../../../src/nn/index.js';
import type { Tensor } from '../../../src/tensor/tensor.js';
import { check, rand64 } from '../../helpers/tensors.js';

const T = 3, B = 2, I = 2, H = 3;
const flatAll = (ts: Tensor[]): Tensor => ops.concat(ts.map((t) => ops.reshape(t, [-1])), 0);
const kinds = ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'] as const;
const gatesOf = { lstm: 4, gru: 3, rnn_tanh: 1, rnn_relu: 1 };

for (const kind of kinds) {
  for (const reverse of [false, true]) {
    for (const withInit of [false, true]) {
      for (const withBias of [true, false]) {
        const name = `${reverse ? ' reverse' : ''}${withInit ? ' with initial state' : ''}${withBias ? '' : ' without bias'}`;
        test(`gradcheck fused ${kind}${name} w.r.t. input, initial states and weights`, () => {
          const G = gatesOf[kind];
          const x = rand64([T, B, I], 1);
          const h0 = withInit ? rand64([B, H], 2) : null;
          const c0 = withInit && kind === 'lstm' ? rand64([B, H], 3) : null;
          const wIh = rand64([G * H, I], 4), wHh = rand64([G * H, H], 5);
          const bIh = withBias ? rand64([G * H], 6) : null, bHh = withBias ? rand64([G * H], 7) : null;
          const inputs = [x, h0, c0, wIh, wHh, bIh, bHh].filter((t): t is Tensor => t !== null);
          const pool = new WorkspacePool();
          check((...ts) => {
            const [xx, ...rest] = ts;
            const hh = h0 ? rest.shift()! : null;
            const cc = c0 ? rest.shift()! : null;
            const [wi, wh] = rest;
            const bi = withBias ? rest[2] : null, bh = withBias ? rest[3] : null;
            const a = { x: xx, h0: hh, weightIh: wi, weightHh: wh, biasIh: bi, biasHh: bh };
            const options = { reverse, pool };
            if (kind === 'lstm') {
              const r = fusedLstm({ ...a, c0: cc }, options);
              return flatAll([r.output, r.h, r.c]);
            }
            const r = kind === 'gru' ? fusedGru(a, options) : fusedRnn(a, kind === 'rnn_relu' ? 'relu' : 'tanh', options);
            return flatAll([r.output, r.h]);
          }, inputs);
        });
      }
    }
  }
}

test('gradcheck fused LSTM with the loss on the final c only (gradient entering through c_T alone)', () => {
  const x = rand64([4, B, I], 11), c0 = rand64([B, H], 12);
  const wIh = rand64([4 * H, I], 13), wHh = rand64([4 * H, H], 14);
  check((xx, cc, wi, wh) => ops.sum(ops.tanh(fusedLstm({ x: xx, h0: null, c0: cc, weightIh: wi, weightHh: wh, biasIh: null, biasHh: null }).c)),
    [x, c0, wIh, wHh]);
});
