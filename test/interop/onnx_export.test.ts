// ONNX export checked in a real runtime: every exported model runs in ONNX Runtime (onnxruntime-node)
// on random inputs and gives unfold's outputs and final states within 1e-5 — RNN, LSTM and GRU
// layers in every combination of layers, directions, batch-first, initial states and variable
// lengths; the other GRU and RNN forms; the wrappers; the character model; an imported model's
// last-step readout with softmax. Models unfold cannot express in ONNX are refused by name.

import test from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { GRU, LSTM, RNN } from '../../src/nn/index.js';
import { Recurrence } from '../../src/nn/wrappers/recurrence.js';
import { Bidirectional, type MergeMode } from '../../src/nn/wrappers/bidirectional.js';
import { StackedRNN } from '../../src/nn/wrappers/stacked_rnn.js';
import { GRUCell } from '../../src/nn/cells/gru_cell.js';
import { LSTMCell } from '../../src/nn/cells/lstm_cell.js';
import { JordanCell } from '../../src/nn/cells/jordan_cell.js';
import { Linear } from '../../src/nn/layers/linear.js';
import type { SequenceModule } from '../../src/nn/wrappers/sequence_module.js';
import type { Carry } from '../../src/nn/cells/cell.js';
import { CharModel } from '../../src/train/char_model.js';
import { serializeModule } from '../../src/nn/registry.js';
import { RecurrentModel } from '../../src/interop/recurrent_model.js';
import { exportOnnx } from '../../src/interop/onnx/index.js';
import { carryEntries } from '../../src/interop/onnx/export_sequence.js';
import { assertAgrees, randomIds, randomTensor, runOnnx, type Feed } from './ort.js';

const T = 5, B = 3, LENGTHS = [5, 2, 4];

// Runs `m` in unfold and its export in ONNX Runtime on the same inputs; compares output and states.
async function checkStack(m: SequenceModule & { forward(x: Tensor, s?: never, o?: unknown): [Tensor, unknown] }, opts: { batchFirst: boolean; state: boolean; lengths: boolean }, seed: number, what: string): Promise<void> {
  const rng = new Rng(seed);
  const x = randomTensor(opts.batchFirst ? [B, T, m.inputSize] : [T, B, m.inputSize], rng);
  const entries = carryEntries(m);
  const dims = (d: readonly (string | number)[]): number[] => d.map((v) => (v === 'batch' ? B : v as number));
  const initial = entries.map((e) => randomTensor(dims(e.dims), rng));
  const [y, carry] = runUnfold(m, x, opts.state ? initial : null, opts.lengths ? LENGTHS : null);
  const feeds: Record<string, Feed> = { input: x };
  if (opts.lengths) feeds.lengths = { ints: LENGTHS, shape: [B] };
  if (opts.state) entries.forEach((e, i) => { feeds[`${e.name}0`] = initial[i]; });
  const out = await runOnnx(exportOnnx(m as never, { initialState: opts.state, lengths: opts.lengths }).model, feeds);
  assert.deepEqual(out.output.dims, y.shape, `${what}: output shape`);
  assertAgrees(out.output.data, y.dataSync(), `${what}: output`);
  entries.forEach((e, i) => assertAgrees(out[`${e.name}_n`].data, carry[i].dataSync(), `${what}: ${e.name}_n`));
}

// The module's own forward, its carry flattened in carryEntries' order.
function runUnfold(m: SequenceModule & { forward: (...a: never[]) => unknown }, x: Tensor, initial: Tensor[] | null, lengths: number[] | null): [Tensor, Tensor[]] {
  const options = lengths ? { lengths } : undefined;
  if (m instanceof LSTM) {
    const [y, [h, c]] = m.forward(x, initial ? [initial[0], initial[1]] : null, options);
    return [y, [h, c]];
  }
  if (m instanceof GRU || m instanceof RNN) {
    const [y, h] = m.forward(x, initial?.[0] ?? null, options);
    return [y, [h]];
  }
  if (m instanceof StackedRNN) {
    let at = 0;
    const perLayer = initial ? m.layers.map((l) => { const c = initial.slice(at, at + l.carrySize); at += l.carrySize; return c; }) : null;
    const [y, carries] = m.forward(x, perLayer, options);
    return [y, carries.flat()];
  }
  const [y, carry] = (m as unknown as { forward(x: Tensor, c: Carry | null, o?: unknown): [Tensor, Carry] }).forward(x, initial, options);
  return [y, carry];
}

test('ONNX export: RNN, LSTM and GRU layers in every combination of directions, layout, initial state and lengths, with 1 and 2 layers, equal unfold in ONNX Runtime', async () => {
  let seed = 0;
  for (const kind of ['lstm', 'gru', 'rnn'] as const) {
    for (const bidirectional of [false, true]) {
      for (const batchFirst of [false, true]) {
        for (const state of [false, true]) {
          for (const lengths of [false, true]) {
            // One layer or two by the parity of the other choices: each choice meets both counts.
            const numLayers = 1 + ([bidirectional, batchFirst, state, lengths].filter(Boolean).length % 2);
            const config = { inputSize: 3, hiddenSize: 4, numLayers, bidirectional, batchFirst };
            const m = kind === 'lstm' ? new LSTM(config) : kind === 'gru' ? new GRU(config) : new RNN(config);
            m.eval();
            await checkStack(m, { batchFirst, state, lengths }, ++seed, `${kind} ${JSON.stringify({ numLayers, bidirectional, batchFirst, state, lengths })}`);
          }
        }
      }
    }
  }
});

test('ONNX export: reset-before GRU (linear_before_reset 0), relu RNN and layers without biases', async () => {
  const base = { inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true };
  const models: [string, SequenceModule & { forward: never }][] = [
    ['gru reset-before', new GRU({ ...base, resetAfter: false }) as never],
    ['rnn relu', new RNN({ ...base, nonlinearity: 'relu' }) as never],
    ['lstm without bias', new LSTM({ ...base, bias: false }) as never],
    ['gru without bias', new GRU({ ...base, bias: false }) as never],
  ];
  let seed = 100;
  for (const [what, m] of models) await checkStack(m, { batchFirst: false, state: true, lengths: true }, ++seed, what);
});

test('ONNX export: StackedRNN of different layers with a residual layer, Bidirectional of cells in every merge mode, a reversed Recurrence', async () => {
  const stack = new StackedRNN([
    new LSTM({ inputSize: 3, hiddenSize: 4, bidirectional: true }),
    new GRU({ inputSize: 8, hiddenSize: 5 }),
    new RNN({ inputSize: 5, hiddenSize: 5 }),
  ], { residual: [2], batchFirst: true });
  for (const lengths of [false, true]) await checkStack(stack as never, { batchFirst: true, state: true, lengths }, 200 + Number(lengths), `stacked lengths=${lengths}`);
  for (const merge of ['concat', 'sum', 'mean', 'mul'] as MergeMode[]) {
    const bi = new Bidirectional(new LSTMCell({ inputSize: 3, hiddenSize: 4 }), new LSTMCell({ inputSize: 3, hiddenSize: 4 }), { merge });
    await checkStack(bi as never, { batchFirst: false, state: true, lengths: true }, 210, `bidirectional ${merge}`);
  }
  const nested = new Bidirectional(new GRU({ inputSize: 3, hiddenSize: 4, numLayers: 2 }), new GRU({ inputSize: 3, hiddenSize: 4, numLayers: 2 }));
  await checkStack(nested as never, { batchFirst: false, state: false, lengths: false }, 220, 'bidirectional of 2-layer GRUs');
  const reversed = new Recurrence(new GRUCell({ inputSize: 3, hiddenSize: 4 }), { reverse: true });
  await checkStack(reversed as never, { batchFirst: false, state: true, lengths: true }, 230, 'reversed Recurrence');
});

test('ONNX export: the character model gives unfold\'s logits and states, with and without lengths and initial states', async () => {
  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    const model = new CharModel({ vocabSize: 11, cell, hiddenSize: 6, numLayers: 2, embeddingSize: 5 });
    model.eval();
    const rng = new Rng(300);
    const ids = randomIds(B * T, 11, rng);
    const state = Array.from({ length: cell === 'lstm' ? 2 : 1 }, () => randomTensor([2, B, 6], rng));
    const [logits, next] = model.forward({ data: ids, shape: [B, T] }, state);
    const feeds: Record<string, Feed> = { ids: { ints: ids, shape: [B, T] }, h0: state[0] };
    if (cell === 'lstm') feeds.c0 = state[1];
    const out = await runOnnx(exportOnnx(model).model, feeds);
    assertAgrees(out.logits.data, logits.dataSync(), `${cell} logits`);
    assertAgrees(out.h_n.data, next[0].dataSync(), `${cell} h_n`);
    if (cell === 'lstm') assertAgrees(out.c_n.data, next[1].dataSync(), 'lstm c_n');
    const fresh = await runOnnx(exportOnnx(model, { initialState: false, lengths: true }).model, { ids: { ints: ids, shape: [B, T] }, lengths: { ints: LENGTHS, shape: [B] } });
    const [y] = model.forward({ data: ids, shape: [B, T] });
    // Per row, the real steps equal the unpadded run (padded steps are the head's bias alone).
    for (let b = 0; b < B; b++) {
      const span = LENGTHS[b] * 11, at = b * T * 11;
      assertAgrees(fresh.logits.data.subarray(at, at + span), y.dataSync().subarray(at, at + span), `${cell} row ${b} with lengths`);
    }
  }
});

test('ONNX export: a RecurrentModel reading the last step through a head and a softmax', async () => {
  const rnn = new GRU({ inputSize: 3, hiddenSize: 4, bidirectional: true });
  const model = new RecurrentModel({ embedding: null, rnn: serializeModule(rnn), head: { inFeatures: 8, outFeatures: 3 }, softmax: true, batchFirst: true, readout: 'last' });
  model.eval();
  const x = randomTensor([B, T, 3], new Rng(400));
  const [p] = model.forward(x);
  const out = await runOnnx(exportOnnx(model, { initialState: false }).model, { input: x });
  assert.deepEqual(out.probabilities.dims, [B, 3]);
  assertAgrees(out.probabilities.data, p.dataSync(), 'probabilities');
});

test('ONNX export: models ONNX has no node for are refused, naming them', () => {
  assert.throws(() => exportOnnx(new Recurrence(new JordanCell({ inputSize: 3, hiddenSize: 4, outputSize: 2 }))),
    /ONNX export: expected an LSTM, GRU or RNN cell \(ONNX has nodes for these\), got nn\.JordanCell/);
  assert.throws(() => exportOnnx(new Linear({ inFeatures: 2, outFeatures: 3 })),
    /ONNX export: expected a character model, a seq2seq model, a recurrent stack .* got nn\.Linear/);
});
