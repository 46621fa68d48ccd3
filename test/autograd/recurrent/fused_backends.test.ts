// The fused LSTM, GRU and RNN sequence ops on every backend against the reference backend's time
// loops (src/backend/ref/recurrent.ts) on the same inputs: outputs, final states and every gradient
// within float32 tolerance, at sizes where H is not a multiple of the vector width (1, 3, 5, 17),
// odd batches and lengths, both directions, with and without initial states, bias and variable
// lengths, with large pre-activations (saturated gates, where a poor exp would give NaN or drift),
// and with a table of projected rows read by id. On wasm, the activations the forward keeps for the
// backward never travel to JS memory.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../../helpers/tensors.js';
import * as ops from '../../../src/autograd/index.js';
import { tensor, type Tensor } from '../../../src/tensor/tensor.js';
import { Rng } from '../../../src/tensor/random.js';
import { fusedLstm } from '../../../src/autograd/recurrent/lstm_sequence.js';
import { fusedGru } from '../../../src/autograd/recurrent/gru_sequence.js';
import { fusedRnn } from '../../../src/autograd/recurrent/rnn_sequence.js';
import type { IndexTensor } from '../../../src/autograd/ops/gather.js';
import { getBackend, setBackend, wasmBackend } from '../../../src/backend/backend.js';
import { wasmHeap, wasmModule } from '../../../src/backend/wasm/module.js';
import { onEveryBackend } from '../../backend/suite.js';

interface Case { T: number; B: number; I: number; H: number; reverse: boolean; init: boolean; bias: boolean; scale: number; lens: boolean }

type Kind = 'lstm' | 'gru' | 'rnn_tanh' | 'rnn_relu';

function run(kind: Kind, c: Case): Float32Array[] {
  const rng = new Rng(5);
  const r = (shape: number[], s = 1, grad = true): Tensor =>
    tensor(Array.from({ length: shape.reduce((a, d) => a * d, 1) }, () => s * rng.uniform(-1, 1)), shape, { requiresGrad: grad });
  const G = (kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1) * c.H;
  const x = r([c.T, c.B, c.I], c.scale), wIh = r([G, c.I], c.scale), wHh = r([G, c.H], c.scale);
  const bIh = c.bias ? r([G]) : null, bHh = c.bias ? r([G]) : null;
  const h0 = c.init ? r([c.B, c.H]) : null, c0 = c.init && kind === 'lstm' ? r([c.B, c.H]) : null;
  const lengths = c.lens ? Int32Array.from({ length: c.B }, (_, b) => 1 + ((b * 5 + 2) % c.T)) : null;
  const a = { x, h0, weightIh: wIh, weightHh: wHh, biasIh: bIh, biasHh: bHh };
  const o = { reverse: c.reverse, lengths };
  const res = kind === 'lstm' ? fusedLstm({ ...a, c0 }, o)
    : kind === 'gru' ? { ...fusedGru(a, o), c: null }
      : { ...fusedRnn(a, kind === 'rnn_relu' ? 'relu' : 'tanh', o), c: null };
  const { output, h, c: cT } = res;
  let loss = ops.add(ops.sum(ops.mul(output, r([c.T, c.B, c.H], 1, false))), ops.sum(ops.mul(h, r([c.B, c.H], 1, false))));
  if (cT) loss = ops.add(loss, ops.sum(ops.mul(cT, r([c.B, c.H], 1, false))));
  loss.backward();
  const out = [output.dataSync(), h.dataSync(), x.grad!.dataSync(), wIh.grad!.dataSync(), wHh.grad!.dataSync()];
  if (cT) out.push(cT.dataSync());
  for (const t of [bIh, bHh, h0, c0]) if (t) out.push(t.grad!.dataSync());
  return out.map((v) => Float32Array.from(v));
}

test('the wasm module is available here, so its time loops are what gets compared', () => {
  assert.notEqual(wasmModule(), null);
});

for (const kind of ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'] as Kind[]) test(`fused ${kind}: every backend equals the reference loops on awkward sizes`, () => {
  const cases: Case[] = [];
  let n = 0;
  for (const H of [1, 3, 4, 5, 17]) for (const [T, B, I] of [[1, 1, 1], [7, 3, 5], [4, 5, 13]]) {
    cases.push({ T, B, I, H, reverse: n % 2 === 1, init: n % 3 !== 0, bias: n % 4 !== 3, scale: 1, lens: n % 5 === 2 && T > 1 });
    n++;
  }
  cases.push({ T: 6, B: 3, I: 7, H: 9, reverse: false, init: true, bias: true, scale: 40, lens: false }); // saturated gates
  cases.push({ T: 6, B: 4, I: 3, H: 8, reverse: true, init: true, bias: true, scale: 1, lens: true });
  for (const c of cases) {
    const results: [string, Float32Array[]][] = [];
    onEveryBackend((_be, name) => { results.push([name, run(kind, c)]); });
    const want = results[0][1];
    for (const [name, got] of results.slice(1)) {
      got.forEach((v, i) => {
        for (const x of v) assert.ok(Number.isFinite(x), `${name} ${JSON.stringify(c)}: result ${i} is finite`);
        assertClose(v, want[i], 2e-5, 2e-4, `${name} ${JSON.stringify(c)}: result ${i}`);
      });
    }
  }
});

const T = 16, B = 8, H = 32, V = 5;
const gates = { lstm: 4, gru: 3 };

function projected(kind: 'lstm' | 'gru', seed: number) {
  const rng = new Rng(seed);
  const G = gates[kind] * H;
  const r = (shape: number[], grad = true): Tensor =>
    tensor(Array.from({ length: shape.reduce((a, d) => a * d, 1) }, () => rng.uniform(-1, 1)), shape, { requiresGrad: grad });
  const ids: IndexTensor = { data: Int32Array.from({ length: T * B }, (_, i) => (i * 3 + 1) % V), shape: [T, B] };
  return { kind, table: r([V, G]), wHh: r([G, H]), bHh: r([G]), h0: r([B, H]), R: r([T, B, H], false), ids };
}

function lossOf(x: ReturnType<typeof projected>): Tensor {
  const a = { x: x.table, ids: x.ids, h0: x.h0, weightIh: null, weightHh: x.wHh, biasIh: null, biasHh: x.bHh };
  if (x.kind === 'gru') {
    const r = fusedGru(a);
    return ops.add(ops.sum(ops.mul(r.output, x.R)), ops.sum(r.h));
  }
  const res = fusedLstm({ ...a, c0: null });
  return ops.add(ops.sum(ops.mul(res.output, x.R)), ops.sum(res.c));
}

for (const kind of ['lstm', 'gru'] as const) {
  test(`${kind} over a table of projected rows read by id: every backend gives the reference gradients`, () => {
    const results: [string, Float32Array[]][] = [];
    onEveryBackend((_be, name) => {
      const x = projected(kind, 1);
      lossOf(x).backward();
      results.push([name, [x.table, x.wHh, x.bHh, x.h0].map((t) => Float32Array.from(t.grad!.dataSync()))]);
    });
    for (const [name, got] of results.slice(1)) got.forEach((g, i) => assertClose(g, results[0][1][i], 2e-5, 2e-4, `${name}: input ${i}`));
  });

  test(`${kind} on wasm: the activations stay in linear memory from the forward to the backward`, () => {
    const before = getBackend();
    setBackend(wasmBackend);
    try {
      const x = projected(kind, 2);
      lossOf(x).backward(); // first call: sizes the workspaces
      const h = wasmHeap()!;
      const down = h.traffic.downloaded;
      const y = projected(kind, 3);
      lossOf(y).backward();
      const moved = h.traffic.downloaded - down;
      const activations = 4 * T * B * (gates[kind] + 1) * H; // the gates and one more [T·B, H] buffer
      assert.ok(moved < activations, `${moved} bytes came out of linear memory, against ${activations} bytes of activations`);
    } finally {
      setBackend(before);
    }
  });
}
