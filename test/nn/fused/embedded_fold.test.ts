// The first layer's input projection folded into an embedding table (forwardEmbedded, the fused
// ops' projected mode): finite differences on the projected ops themselves, and the folded layers
// against the plain composition forward(embedding(table, ids)) on the generic per-step path, which
// never folds: outputs, final states and the gradients of the table and of every parameter. The
// graph is inspected too, so that a fold silently not taken cannot pass for one taken.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { embedding, type IndexTensor } from '../../../src/autograd/ops/gather.js';
import { fusedGru, fusedLstm, fusedRnn, GRU, LSTM } from '../../../src/nn/index.js';
import type { Tensor } from '../../../src/tensor/tensor.js';
import { Rng } from '../../../src/tensor/random.js';
import { check, rand64 } from '../../helpers/tensors.js';
import { build, fusedKinds, randT, type FusedKind, type Layer } from '../../helpers/fused_layers.js';

const gatesOf = { lstm: 4, gru: 3, rnn_tanh: 1, rnn_relu: 1 };
const flatAll = (ts: Tensor[]): Tensor => ops.concat(ts.map((t) => ops.reshape(t, [-1])), 0);

for (const kind of fusedKinds) {
  test(`gradcheck fused ${kind} on a projected input (no W_ih) w.r.t. the projection, h0 and the recurrent weights`, () => {
    const T = 3, B = 2, H = 3, GH = gatesOf[kind] * H;
    const x = rand64([T, B, GH], 1), h0 = rand64([B, H], 2), wHh = rand64([GH, H], 3), bHh = rand64([GH], 4);
    const c0 = kind === 'lstm' ? rand64([B, H], 5) : null;
    const inputs = [x, h0, wHh, bHh, ...(c0 ? [c0] : [])];
    check((xx, hh, wh, bh, cc) => {
      const a = { x: xx, h0: hh, weightIh: null, weightHh: wh, biasIh: null, biasHh: bh };
      if (kind === 'lstm') {
        const r = fusedLstm({ ...a, c0: cc }, { reverse: true });
        return flatAll([r.output, r.h, r.c]);
      }
      const r = kind === 'gru' ? fusedGru(a) : fusedRnn(a, kind === 'rnn_relu' ? 'relu' : 'tanh');
      return flatAll([r.output, r.h]);
    }, inputs);
  });
}

for (const kind of fusedKinds) {
  test(`gradcheck fused ${kind} reading a table of projected rows by id (repeated ids) w.r.t. the table, h0 and the recurrent weights`, () => {
    const T = 3, B = 2, H = 3, V = 4, GH = gatesOf[kind] * H;
    const table = rand64([V, GH], 1), h0 = rand64([B, H], 2), wHh = rand64([GH, H], 3), bHh = rand64([GH], 4);
    const ids: IndexTensor = { data: new Int32Array([2, 0, 2, 3, 1, 2]), shape: [T, B] };
    check((tt, hh, wh, bh) => {
      const a = { x: tt, ids, h0: hh, weightIh: null, weightHh: wh, biasIh: null, biasHh: bh };
      if (kind === 'lstm') {
        const r = fusedLstm({ ...a, c0: null }, { lengths: new Int32Array([3, 2]) });
        return flatAll([r.output, r.h, r.c]);
      }
      const r = kind === 'gru' ? fusedGru(a, { reverse: true }) : fusedRnn(a, kind === 'rnn_relu' ? 'relu' : 'tanh');
      return flatAll([r.output, r.h]);
    }, [table, h0, wHh, bHh]);
  });
}

test('a table read by id must have G·H columns and ids within it', () => {
  const wHh = rand64([8, 2], 2), ids: IndexTensor = { data: new Int32Array([0, 4]), shape: [2, 1] };
  assert.throws(() => fusedLstm({ x: rand64([4, 7], 1), ids, h0: null, c0: null, weightIh: null, weightHh: wHh, biasIh: null, biasHh: null }),
    /expected a table of projected rows of shape \[V, 8\], got \[4, 7\]/);
  assert.throws(() => fusedLstm({ x: rand64([4, 8], 1), ids, h0: null, c0: null, weightIh: null, weightHh: wHh, biasIh: null, biasHh: null }),
    /expected ids in \[0, 4\), got 4 at position 1/);
});

test('a projected input of the wrong width, or with b_ih, is refused with the expected shape', () => {
  const x = rand64([2, 1, 7], 1), wHh = rand64([8, 2], 2);
  assert.throws(() => fusedLstm({ x, h0: null, c0: null, weightIh: null, weightHh: wHh, biasIh: null, biasHh: null }),
    /expected a projected input \(no weight_ih\) of shape \[T, B, 8\], got \[2, 1, 7\]/);
  const x8 = rand64([2, 1, 8], 3);
  assert.throws(() => fusedLstm({ x: x8, h0: null, c0: null, weightIh: null, weightHh: wHh, biasIh: rand64([8], 4), biasHh: null }),
    /expected no bias_ih with a projected input/);
});

// Names of the ops on the way from t back to the leaves.
function opNames(t: Tensor, seen = new Set<Tensor>(), out: { name: string; shape: number[] }[] = []): { name: string; shape: number[] }[] {
  if (seen.has(t) || t.gradFn === null) return out;
  seen.add(t);
  out.push({ name: t.gradFn.name, shape: [...t.shape] });
  for (const i of t.gradFn.inputs) opNames(i, seen, out);
  return out;
}

interface Case { kind: FusedKind; numLayers: number; batchFirst: boolean; withInit: boolean; lengths: boolean }

function runCase(layer: Layer, c: Case, folded: boolean, V: number, T: number, B: number, I: number, H: number) {
  const rng = new Rng(11);
  const dtype = layer.parameters()[0].dtype;
  const table = randT([V, I], rng, dtype);
  const idsData = Int32Array.from({ length: T * B }, (_, i) => (i * 7 + 3) % V);
  const ids: IndexTensor = { data: idsData, shape: c.batchFirst ? [B, T] : [T, B] };
  const nCarry = c.kind === 'lstm' ? 2 : 1;
  const init = c.withInit ? Array.from({ length: nCarry }, () => randT([c.numLayers, B, H], rng, dtype)) : null;
  const options = c.lengths ? { lengths: Int32Array.from({ length: B }, (_, b) => T - (b % 3)) } : undefined;
  for (const p of layer.parameters()) p.grad = null;
  let output: Tensor, finals: Tensor[];
  if (layer instanceof LSTM) {
    const st: [Tensor, Tensor] | null = init ? [init[0], init[1]] : null;
    const [o, [h, cc]] = folded ? layer.forwardEmbedded(table, ids, st, options) : layer.forward(embedding(table, ids), st, options);
    output = o; finals = [h, cc];
  } else {
    const h0 = init ? init[0] : null;
    const [o, h] = folded ? (layer as GRU).forwardEmbedded(table, ids, h0, options) : layer.forward(embedding(table, ids), h0, options);
    output = o; finals = [h];
  }
  let loss = ops.sum(ops.mul(output, randT([...output.shape], rng, dtype, false)));
  for (const f of finals) loss = ops.add(loss, ops.sum(ops.mul(f, randT([...f.shape], rng, dtype, false))));
  const graph = opNames(loss);
  loss.backward();
  const grads = new Map<string, Float32Array | Float64Array>([['table', table.grad!.data]]);
  init?.forEach((t, j) => grads.set(`initial state ${j}`, t.grad!.data));
  for (const [name, p] of Object.entries(layer.stateDict())) grads.set(name, p.grad!.data);
  return { output, finals, grads, graph };
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  for (let i = 0; i < a.length; i++) {
    assert.ok(Math.abs(a[i] - b[i]) <= 2e-5 * scale, `${what}[${i}]: folded ${a[i]}, plain ${b[i]}`);
  }
}

const cases: Case[] = [];
for (const kind of fusedKinds) {
  cases.push({ kind, numLayers: 1, batchFirst: true, withInit: false, lengths: false });
  cases.push({ kind, numLayers: 2, batchFirst: false, withInit: true, lengths: false });
  cases.push({ kind, numLayers: 1, batchFirst: true, withInit: true, lengths: true });
}

for (const c of cases) {
  const name = `${c.kind}, ${c.numLayers} layer(s)${c.batchFirst ? ', batch first' : ''}${c.withInit ? ', initial state' : ''}${c.lengths ? ', lengths' : ''}`;
  test(`forwardEmbedded (${name}) folds W_ih into the table and equals the generic forward(embedding(ids))`, () => {
    const V = 5, T = 7, B = 3, I = 3, H = 5; // V < T·B: the fold saves work, so it is taken
    const s = { T, B, I, H };
    const o = { numLayers: c.numLayers, bidirectional: false, batchFirst: c.batchFirst, withInit: c.withInit };
    const folded = runCase(build(c.kind, s, o, true), c, true, V, T, B, I, H);
    const plain = runCase(build(c.kind, s, o, false), c, false, V, T, B, I, H);
    const GH = gatesOf[c.kind] * H;
    assert.ok(folded.graph.some((n) => n.name === 'linear' && n.shape.join() === `${V},${GH}`), 'the folded graph projects the table, [V, G·H]');
    assert.ok(!folded.graph.some((n) => n.name === 'embedding'), 'and the fused op reads its rows by id (no gathered [T, B, ·] tensor)');
    assert.ok(!plain.graph.some((n) => n.name === 'linear' && n.shape.join() === `${V},${GH}`), 'the plain graph has no table projection');
    close(folded.output.data, plain.output.data, 'output');
    folded.finals.forEach((f, j) => close(f.data, plain.finals[j].data, `final state ${j}`));
    for (const [k, g] of plain.grads) close(folded.grads.get(k)!, g, `gradient of ${k}`);
  });
}

test('forwardEmbedded falls back to the plain composition where folding would not save work (V >= T·B) or cannot apply', () => {
  const T = 2, B = 2, I = 3, H = 4;
  for (const [V, bidirectional] of [[4, false], [3, true]] as const) {
    const s = { T, B, I, H };
    const o = { numLayers: 1, bidirectional, batchFirst: true, withInit: false };
    const c: Case = { kind: 'lstm', numLayers: 1, batchFirst: true, withInit: false, lengths: false };
    const r = runCase(build('lstm', s, o, true), c, true, V, T, B, I, H);
    assert.ok(!r.graph.some((n) => n.name === 'linear'), `V = ${V}${bidirectional ? ', bidirectional' : ''}: no fold (the fused path has no other linear)`);
    assert.ok(r.graph.some((n) => n.name === 'embedding' && n.shape.join() === `${B},${T},${I}`), 'embedding rows of width I');
  }
});

test('forwardEmbedded names the expected table shape and checks ids', () => {
  const lstm = new LSTM({ inputSize: 3, hiddenSize: 2, batchFirst: true });
  const ids: IndexTensor = { data: new Int32Array([0, 1, 2, 1, 0, 1, 2, 2]), shape: [2, 4] };
  assert.throws(() => lstm.forwardEmbedded(randT([3, 4], new Rng(1), 'float32'), ids), /expected an embedding table of shape \[V, 3\], got \[3, 4\]/);
  const bad: IndexTensor = { data: new Int32Array([0, 1, 2, 3, 0, 1, 2, 2]), shape: [2, 4] };
  assert.throws(() => lstm.forwardEmbedded(randT([3, 3], new Rng(1), 'float32'), bad), /expected indices in \[0, 3\), got 3/);
});

test('forward(embedding(table, ids)) on a fused layer folds by itself, unless the lookup was written or its gradient is wanted', () => {
  const V = 5, T = 6, B = 3, E = 4, H = 5;
  const rng = new Rng(3);
  const lstm = new LSTM({ inputSize: E, hiddenSize: H, batchFirst: true });
  const table = randT([V, E], rng, 'float32');
  const ids: IndexTensor = { data: Int32Array.from({ length: T * B }, (_, i) => (i * 3 + 1) % V), shape: [B, T] };
  const R = randT([B, T, H], rng, 'float32', false);
  const run = (prepare: (x: Tensor) => void): { graph: string[]; out: Float32Array; gTable: Float32Array } => {
    table.grad = null;
    const x = embedding(table, ids);
    prepare(x);
    const [out] = lstm.forward(x);
    const loss = ops.sum(ops.mul(out, R));
    const graph = opNames(loss).map((n) => n.name);
    loss.backward();
    return { graph, out: Float32Array.from(out.dataSync()), gTable: Float32Array.from(table.grad!.dataSync()) };
  };
  const auto = run(() => {});
  assert.ok(!auto.graph.includes('embedding') && auto.graph.includes('linear'), `folded: ${auto.graph.join(' ')}`);
  const [wanted] = lstm.forwardEmbedded(table, ids);
  close(auto.out, wanted.dataSync(), 'the automatic fold equals forwardEmbedded');
  const retained = run((x) => { x.retainGrad(); });
  assert.ok(retained.graph.includes('embedding'), 'a lookup whose gradient is wanted is not folded away');
  close(retained.out, auto.out, 'outputs either way');
  close(retained.gTable, auto.gTable, 'table gradients either way');
  const written = run((x) => { x.data[0] += 1; });
  assert.ok(written.graph.includes('embedding'), 'a lookup written after the fact is used as written');
});
