// ONNX import against PyTorch itself: the fixtures were exported by torch.onnx.export (opset 14,
// Debian's python3-torch; scripts/make_onnx_fixtures.py) with PyTorch's outputs on fixed inputs.
// Each loads as the plainest unfold model that computes it and gives PyTorch's outputs and final
// states within 1e-5. Graphs outside what unfold's models compute are refused, each error naming the
// node, what was expected and what came.

import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from '../../src/tensor/tensor.js';
import { classNameOf } from '../../src/nn/registry.js';
import type { Module } from '../../src/nn/module.js';
import { importOnnx } from '../../src/interop/onnx/index.js';
import { GraphBuilder } from '../../src/interop/onnx/graph_builder.js';
import { DataType, attrFloat, attrInt, attrString, attrStrings } from '../../src/interop/onnx/proto.js';
import { ROOT } from '../helpers/files.js';
import { assertAgrees } from './ort.js';

const FIXTURES = join(ROOT, 'test', 'interop', 'fixtures');

interface Saved { shape: number[]; data: number[] }
interface Fixture { inputs: Record<string, Saved>; outputs: Record<string, Saved> }

function load(name: string): { model: Module; fixture: Fixture; input: string } {
  const { model, graph } = importOnnx(readFileSync(join(FIXTURES, `${name}.onnx`)), `${name}.onnx`);
  return { model, fixture: JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Fixture, input: graph.input };
}

const floats = (s: Saved): Tensor => new Tensor(Float32Array.from(s.data), s.shape);

test('ONNX import of PyTorch exports: each loads as the unfold model that computes it and gives PyTorch\'s outputs', () => {
  const cases: { name: string; className: string; run: (m: never, f: Fixture) => Tensor[]; outputs: string[] }[] = [
    {
      name: 'char_lstm', className: 'interop.RecurrentModel', outputs: ['logits'],
      run: (m: { forward(ids: { data: Int32Array; shape: number[] }): [Tensor, Tensor[]] }, f) => [m.forward({ data: Int32Array.from(f.inputs.ids.data), shape: f.inputs.ids.shape })[0]],
    },
    {
      name: 'char_gru_state', className: 'interop.RecurrentModel', outputs: ['logits', 'h_n'],
      run: (m: { forward(ids: { data: Int32Array; shape: number[] }, s: Tensor[]): [Tensor, Tensor[]] }, f) => {
        const [y, carry] = m.forward({ data: Int32Array.from(f.inputs.ids.data), shape: f.inputs.ids.shape }, [floats(f.inputs.h0)]);
        return [y, carry[0]];
      },
    },
    {
      name: 'lstm_bidirectional', className: 'nn.LSTM', outputs: ['output', 'h_n', 'c_n'],
      run: (m: { forward(x: Tensor, s: [Tensor, Tensor]): [Tensor, [Tensor, Tensor]] }, f) => {
        const [y, [h, c]] = m.forward(floats(f.inputs.input), [floats(f.inputs.h0), floats(f.inputs.c0)]);
        return [y, h, c];
      },
    },
    {
      name: 'rnn_relu', className: 'nn.RNN', outputs: ['output', 'h_n'],
      run: (m: { forward(x: Tensor): [Tensor, Tensor] }, f) => m.forward(floats(f.inputs.input)),
    },
    {
      name: 'gru_classifier', className: 'interop.RecurrentModel', outputs: ['probabilities'],
      run: (m: { forward(x: Tensor): [Tensor, Tensor[]] }, f) => [m.forward(floats(f.inputs.input))[0]],
    },
    {
      name: 'lstm_rnn_tagger', className: 'interop.RecurrentModel', outputs: ['logits'],
      run: (m: { forward(x: Tensor): [Tensor, Tensor[]] }, f) => [m.forward(floats(f.inputs.input))[0]],
    },
  ];
  for (const c of cases) {
    const { model, fixture } = load(c.name);
    assert.equal(classNameOf(model), c.className, c.name);
    const got = c.run(model as never, fixture);
    c.outputs.forEach((o, i) => {
      assert.deepEqual(got[i].shape, fixture.outputs[o].shape, `${c.name}: ${o} shape`);
      assertAgrees(got[i].dataSync(), fixture.outputs[o].data, `${c.name}: ${o}`);
    });
  }
});

test('ONNX import: the structure read from PyTorch\'s plumbing (layout, layers, directions, readout)', () => {
  const lstm = load('lstm_bidirectional').model.getConfig() as Record<string, unknown>;
  assert.deepEqual([lstm.numLayers, lstm.bidirectional, lstm.batchFirst, lstm.hiddenSize], [2, true, false, 4]);
  const rnn = load('rnn_relu').model.getConfig() as Record<string, unknown>;
  assert.deepEqual([rnn.numLayers, rnn.batchFirst, rnn.nonlinearity], [2, true, 'relu']);
  const clf = load('gru_classifier').model.getConfig() as Record<string, unknown>;
  assert.deepEqual([clf.readout, clf.softmax, clf.batchFirst], ['last', true, true]);
  const tagger = load('lstm_rnn_tagger').model.getConfig() as { rnn: { className: string; config: { layers: { className: string }[] } }; batchFirst: boolean };
  assert.equal(tagger.rnn.className, 'nn.StackedRNN');
  assert.deepEqual(tagger.rnn.config.layers.map((l) => l.className), ['nn.LSTM', 'nn.RNN']);
  assert.equal(tagger.batchFirst, false);
});

// A one-node LSTM graph x [T, B, 3] → Y, with `edit` changing the node before it is added.
function lstmGraph(edit: { attrs?: ReturnType<typeof attrInt>[]; peephole?: boolean; after?: (g: GraphBuilder, y: string) => string; D?: number } = {}): Uint8Array {
  const g = new GraphBuilder('test');
  const D = edit.D ?? 1, H = 2;
  const x = g.input('x', DataType.FLOAT, ['T', 'B', 3]);
  const w = g.weight('W', new Float32Array(D * 4 * H * 3), [D, 4 * H, 3]);
  const r = g.weight('R', new Float32Array(D * 4 * H * H), [D, 4 * H, H]);
  const inputs = [x, w, r];
  if (edit.peephole) inputs.push('', '', '', '', g.weight('P', Float32Array.from({ length: D * 3 * H }, () => 0.5), [D, 3 * H]));
  const attrs = [attrInt('hidden_size', H), ...(D === 2 ? [attrString('direction', 'bidirectional')] : []), ...(edit.attrs ?? [])];
  const [y] = g.node('LSTM', inputs, attrs, 3);
  const out = edit.after ? edit.after(g, y) : g.op('Squeeze', [y, g.ints('axis', [1])]);
  g.output('y', out, DataType.FLOAT, ['T', 'B', D * H]);
  return g.toBytes();
}

test('ONNX import: graphs beyond unfold\'s models are refused, naming the node, what was expected and what came', () => {
  assert.doesNotThrow(() => importOnnx(lstmGraph()), 'the unedited graph imports');
  const refuse = (bytes: Uint8Array, pattern: RegExp): void => assert.throws(() => importOnnx(bytes, 'm.onnx'), pattern);
  refuse(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0x0f), /^Error: m\.onnx is not an ONNX model: /);
  // '[' is field 11 opening a group: 100,000 of them overflowed the decoder's recursion (a RangeError of V8's).
  refuse(new Uint8Array(100_000).fill(0x5b), /^Error: m\.onnx is not an ONNX model: expected a protobuf ModelProto, got fields nested deeper than any ONNX model$/);
  refuse(lstmGraph({ attrs: [attrFloat('clip', 3)] }), /m\.onnx: node LSTM 'LSTM_node': expected no clip attribute \(unfold's cells have none\), got clip = 3/);
  refuse(lstmGraph({ attrs: [attrString('direction', 'reverse')] }), /expected direction forward or bidirectional .*, got direction reverse/);
  refuse(lstmGraph({ attrs: [attrStrings('activations', ['Sigmoid', 'Relu', 'Tanh'])] }), /expected activations sigmoid, tanh, tanh in each direction, got \[sigmoid, relu, tanh\]/);
  refuse(lstmGraph({ attrs: [attrInt('input_forget', 1)] }), /expected input_forget = 0/);
  refuse(lstmGraph({ peephole: true }), /expected no peephole weights P \(unfold's LSTM has none\), got a constant of shape \[1, 6\]/);
  refuse(lstmGraph({ after: (g, y) => g.op('TopK', [g.op('Squeeze', [y, g.ints('axis', [1])]), g.ints('k', [1])]) }),
    /node TopK 'TopK_node': expected one of the operators LSTM, GRU, RNN, Gather, MatMul, Gemm, Add, Softmax, .*, got TopK/);
  refuse(lstmGraph({ after: (g, y) => g.op('Mul', [g.op('Squeeze', [y, g.ints('axis', [1])]), g.weight('two', Float32Array.of(2), [])]) }), /expected one of the operators .*, got Mul/);
  // Directions interleaved with hidden units: a Reshape of [T, D, B, H] without the Transpose first.
  refuse(lstmGraph({ D: 2, after: (g, y) => g.op('Reshape', [y, g.ints('shape', [0, 0, -1])]) }),
    /node Reshape 'Reshape_node': expected a merge of the directions axis with the hidden axis, in that order, got a merge of \[B, H=2\]/);
  refuse(lstmGraph({ after: (g, y) => g.op('Slice', [y, g.ints('s', [0]), g.ints('e', [1]), g.ints('a', [0])]) }),
    /expected a slice along an axis of known size .*, got a slice along axis 0/);
  refuse(lstmGraph({ after: (_g, y) => y }), /m\.onnx: expected output 'y' of axes \[T, B, F\] or \[B, T, F\], the directions side by side as features, got axes \[T, D=1, B, H=2\]/);
  const noRnn = new GraphBuilder('none');
  noRnn.output('y', noRnn.input('x', DataType.FLOAT, [2]), DataType.FLOAT, [2]);
  refuse(noRnn.toBytes(), /m\.onnx: expected at least one LSTM, GRU or RNN node, got none/);
});
