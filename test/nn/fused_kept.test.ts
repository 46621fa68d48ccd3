// The fused LSTM and GRU keep their forward's activations in a block of WebAssembly memory until the
// backward (src/nn/fused/kept_block.ts): the block is there exactly while a graph waits for its backward,
// is given back by it, is not taken without a graph, survives a backward that retains the graph (a
// second backward gives the same gradients), and is read on the module instance that wrote it even
// when the build in use changes in between. Results are checked against the TypeScript loops.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../src/autograd/index.js';
import { tensor, type Tensor } from '../../src/tensor/tensor.js';
import { Rng } from '../../src/tensor/random.js';
import { fusedLstm } from '../../src/nn/fused/fused_lstm.js';
import { fusedGru } from '../../src/nn/fused/fused_gru.js';
import { setFusedWasm } from '../../src/nn/fused/wasm_route.js';
import { blockBytes, selectWasmVariant, wasmHeap, wasmModule, wasmVariant, type WasmExports } from '../../src/backend/wasm/module.js';
import type { IndexTensor } from '../../src/autograd/ops/gather.js';

const T = 5, B = 3, H = 7, V = 4;
type Kind = 'lstm' | 'gru';
const gates = { lstm: 4, gru: 3 };

function inputs(kind: Kind, seed: number) {
  const rng = new Rng(seed);
  const G = gates[kind] * H;
  const r = (shape: number[], grad = true): Tensor =>
    tensor(Array.from({ length: shape.reduce((a, d) => a * d, 1) }, () => rng.uniform(-1, 1)), shape, { requiresGrad: grad });
  const ids: IndexTensor = { data: Int32Array.from({ length: T * B }, (_, i) => (i * 3 + 1) % V), shape: [T, B] };
  return { kind, table: r([V, G]), wHh: r([G, H]), bHh: r([G]), h0: r([B, H]), R: r([T, B, H], false), ids };
}

function lossOf(x: ReturnType<typeof inputs>): Tensor {
  const a = { x: x.table, ids: x.ids, h0: x.h0, weightIh: null, weightHh: x.wHh, biasIh: null, biasHh: x.bHh };
  if (x.kind === 'gru') {
    const r = fusedGru(a);
    return ops.add(ops.sum(ops.mul(r.output, x.R)), ops.sum(r.h));
  }
  const res = fusedLstm({ ...a, c0: null });
  return ops.add(ops.sum(ops.mul(res.output, x.R)), ops.sum(res.c));
}

const grads = (x: ReturnType<typeof inputs>): Float32Array[] => [x.table, x.wHh, x.bHh, x.h0].map((t) => Float32Array.from(t.grad!.data));

// Bytes held in blocks once the tensors' young storages have been moved out of linear memory (a
// collection): what is left is promoted storage and the blocks fused ops keep for their backward.
function settled(e: WasmExports): number {
  wasmHeap()!.collectNow();
  return blockBytes(e);
}

function close(a: Float32Array[], b: Float32Array[], what: string): void {
  a.forEach((g, i) => g.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) <= 1e-5 * Math.max(1, Math.abs(b[i][j])), `${what}: input ${i}[${j}] ${v} vs ${b[i][j]}`)));
}

function reference(kind: Kind, seed: number): Float32Array[] {
  setFusedWasm(false);
  try {
    const x = inputs(kind, seed);
    lossOf(x).backward();
    return grads(x);
  } finally {
    setFusedWasm(true);
  }
}

for (const kind of ['lstm', 'gru'] as const) {
  test(`${kind}: the activations live in a block from the forward to the backward, which gives it back`, () => {
    const e = wasmModule() as WasmExports;
    assert.notEqual(e, null);
    const before = settled(e);
    const x = inputs(kind, 1);
    const G = gates[kind] * H;
    const res = kind === 'gru'
      ? fusedGru({ x: x.table, ids: x.ids, h0: x.h0, weightIh: null, weightHh: x.wHh, biasIh: null, biasHh: x.bHh })
      : fusedLstm({ x: x.table, ids: x.ids, h0: x.h0, c0: null, weightIh: null, weightHh: x.wHh, biasIh: null, biasHh: x.bHh });
    // LSTM: z [T·B, 4H], h and c blocks [(T+1)·B, H], tanh(c) [T·B, H]; GRU: gates [T·B, 3H], h_n [T·B, H], h blocks
    const least = kind === 'gru' ? T * B * G + T * B * H + (T + 1) * B * H : T * B * G + 2 * (T + 1) * B * H + T * B * H;
    assert.ok(blockBytes(e) - before >= 4 * least, 'a block holds the activations');
    ops.sum(ops.mul(res.output, x.R)).backward();
    assert.equal(settled(e), before, 'the backward gives the block back');
  });

  test(`${kind}: gradients through the kept block equal the TypeScript loops`, () => {
    const x = inputs(kind, 2);
    lossOf(x).backward();
    close(grads(x), reference(kind, 2), 'kept activations vs the TypeScript loops');
  });

  test(`${kind}: no block is taken when no graph is recorded`, () => {
    const e = wasmModule() as WasmExports;
    const before = settled(e);
    ops.noGrad(() => lossOf(inputs(kind, 3)));
    assert.equal(settled(e), before);
  });

  test(`${kind}: a backward that retains the graph keeps the block, and a second backward doubles the gradients`, () => {
    const e = wasmModule() as WasmExports;
    const before = settled(e);
    const x = inputs(kind, 4);
    const loss = lossOf(x);
    loss.backward({ retainGraph: true });
    const once = grads(x);
    assert.ok(blockBytes(e) > before, 'still held for the next backward');
    loss.backward();
    close(grads(x), once.map((g) => g.map((v) => 2 * v)), 'second backward');
    assert.equal(settled(e), before);
  });

  test(`${kind}: the backward reads the module instance the forward wrote, when the build changes in between`, () => {
    const start = wasmVariant();
    const other = start === 'relaxed' ? 'plain' : 'relaxed';
    try {
      const x = inputs(kind, 5);
      const loss = lossOf(x);
      if (!selectWasmVariant(other)) return; // only one build loads here
      loss.backward();
      close(grads(x), reference(kind, 5), 'after a switch of build');
    } finally {
      selectWasmVariant(start);
    }
  });
}
