// The fused LSTM's, GRU's and RNN's WebAssembly time loops (src/backend/wasm/assembly/{lstm,gru,rnn}.ts) against their TypeScript
// loops (the reference, setFusedWasm(false)) on the same inputs: outputs, final states and every
// gradient within float32 tolerance, at sizes where H is not a multiple of the vector width
// (1, 3, 5, 17), odd batches and lengths, both directions, with and without initial states and bias,
// and with large pre-activations (saturated gates, where a poor exp would give NaN or drift).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../core/helpers.js';
import * as ops from '../../src/autograd/index.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import { fusedLstm } from '../../src/nn/fused/fused_lstm.js';
import { fusedGru } from '../../src/nn/fused/fused_gru.js';
import { fusedRnn } from '../../src/nn/fused/fused_rnn.js';
import { setFusedWasm } from '../../src/nn/fused/wasm_route.js';
import { wasmModule } from '../../src/backend/wasm/module.js';

interface Case { T: number; B: number; I: number; H: number; reverse: boolean; init: boolean; bias: boolean; scale: number }

type Kind = 'lstm' | 'gru' | 'rnn_tanh' | 'rnn_relu';

function run(kind: Kind, c: Case, wasm: boolean): Float32Array[] {
  setFusedWasm(wasm);
  const rng = new Rng(5);
  const r = (shape: number[], s = 1, grad = true): Tensor =>
    tensor(Array.from({ length: shape.reduce((a, d) => a * d, 1) }, () => s * rng.uniform(-1, 1)), shape, { requiresGrad: grad });
  const G = (kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1) * c.H;
  const x = r([c.T, c.B, c.I], c.scale), wIh = r([G, c.I], c.scale), wHh = r([G, c.H], c.scale);
  const bIh = c.bias ? r([G]) : null, bHh = c.bias ? r([G]) : null;
  const h0 = c.init ? r([c.B, c.H]) : null, c0 = c.init && kind === 'lstm' ? r([c.B, c.H]) : null;
  const a = { x, h0, weightIh: wIh, weightHh: wHh, biasIh: bIh, biasHh: bHh };
  const res = kind === 'lstm' ? fusedLstm({ ...a, c0 }, { reverse: c.reverse })
    : kind === 'gru' ? { ...fusedGru(a, { reverse: c.reverse }), c: null }
      : { ...fusedRnn(a, kind === 'rnn_relu' ? 'relu' : 'tanh', { reverse: c.reverse }), c: null };
  const { output, h, c: cT } = res;
  let loss = ops.add(ops.sum(ops.mul(output, r([c.T, c.B, c.H], 1, false))), ops.sum(ops.mul(h, r([c.B, c.H], 1, false))));
  if (cT) loss = ops.add(loss, ops.sum(ops.mul(cT, r([c.B, c.H], 1, false))));
  loss.backward();
  const out = [output.data, h.data, x.grad!.data, wIh.grad!.data, wHh.grad!.data];
  if (cT) out.push(cT.data);
  for (const t of [bIh, bHh, h0, c0]) if (t) out.push(t.grad!.data);
  return out.map((a) => Float32Array.from(a));
}

test('the wasm module is available here, so the wasm loops are what gets compared', () => {
  assert.notEqual(wasmModule(), null);
});

for (const kind of ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'] as Kind[]) test(`fused ${kind}: wasm time loops equal the TypeScript loops on awkward sizes`, () => {
  const cases: Case[] = [];
  let n = 0;
  for (const H of [1, 3, 4, 5, 17]) for (const [T, B, I] of [[1, 1, 1], [7, 3, 5], [4, 5, 13]]) {
    cases.push({ T, B, I, H, reverse: n % 2 === 1, init: n % 3 !== 0, bias: n % 4 !== 3, scale: 1 });
    n++;
  }
  cases.push({ T: 6, B: 3, I: 7, H: 9, reverse: false, init: true, bias: true, scale: 40 }); // saturated gates
  try {
    for (const c of cases) {
      const a = run(kind, c, true), b = run(kind, c, false);
      a.forEach((v, i) => {
        for (const x of v) assert.ok(Number.isFinite(x), `${JSON.stringify(c)}: result ${i} is finite`);
        assertClose(v, b[i], 2e-5, 2e-4, `${JSON.stringify(c)}: result ${i}`);
      });
    }
  } finally {
    setFusedWasm(true);
  }
});
