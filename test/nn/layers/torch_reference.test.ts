// RNN (tanh, relu), LSTM and GRU with 2 layers, bidirectional, against numbers PyTorch computed
// (reference/torch_layers.py → torch_layers.json): the same formula weights loaded through
// loadStateDict, the same input and initial states; outputs, final states and the gradients of
// Σ output ⊙ R w.r.t. input, initial states and every parameter. float64 to 1e-10, float32 to 1e-5.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ops from '../../../src/autograd/index.js';
import { tensor } from '../../../src/tensor/tensor.js';
import type { DType } from '../../../src/backend/dtype.js';
import { assertClose } from '../../helpers/tensors.js';
import { inputValue, projValue, stateValue, type Kind } from '../../helpers/reference_rnn.js';
import { makeLayer, runLayer } from '../../helpers/recurrent_layers.js';
import { ROOT } from '../../helpers/files.js';

interface TorchCase {
  kind: Kind;
  output: number[];
  finals: number[][];
  gradInput: number[];
  gradInit: number[][];
  gradParams: Record<string, number[]>;
}

interface TorchReference {
  torch: string;
  T: number; B: number; inputSize: number; hiddenSize: number; numLayers: number; bidirectional: boolean;
  cases: TorchCase[];
}

const ref: TorchReference = JSON.parse(readFileSync(join(ROOT, 'test', 'nn', 'layers', 'reference', 'torch_layers.json'), 'utf8'));
const { T, B, inputSize: I, hiddenSize: H, numLayers: L } = ref;
const D = 2;

const fill = (n: number, f: (k: number) => number): number[] => Array.from({ length: n }, (_, k) => f(k));

test('the reference file covers the four layer kinds', () => {
  assert.deepEqual(ref.cases.map((c) => c.kind), ['rnn_tanh', 'rnn_relu', 'lstm', 'gru']);
});

for (const c of ref.cases) {
  for (const [dtype, atol] of [['float64', 1e-10], ['float32', 1e-5]] as [DType, number][]) {
    test(`${c.kind} ${dtype}: outputs, final states and gradients equal PyTorch's (torch ${ref.torch})`, () => {
      const { layer } = makeLayer(c.kind, { inputSize: I, hiddenSize: H, numLayers: L, bidirectional: true, dtype });
      const x = tensor(fill(T * B * I, inputValue), [T, B, I], { dtype, requiresGrad: true });
      const init = c.finals.map((_, j) => tensor(fill(L * D * B * H, (k) => stateValue(j, k)), [L * D, B, H], { dtype, requiresGrad: true }));
      const { output, finals } = runLayer(layer, x, init);
      const rtol = dtype === 'float32' ? 1e-5 : 0;
      assertClose(output.data, c.output, atol, rtol, 'output');
      finals.forEach((f, j) => assertClose(f.data, c.finals[j], atol, rtol, `final state ${j}`));

      const R = tensor(fill(T * B * D * H, projValue), [T, B, D * H], { dtype });
      ops.sum(ops.mul(output, R)).backward();
      assertClose(x.grad!.data, c.gradInput, atol, rtol, 'd/dx');
      init.forEach((s, j) => assertClose(s.grad!.data, c.gradInit[j], atol, rtol, `d/d initial state ${j}`));
      const params = layer.stateDict();
      assert.deepEqual(Object.keys(params), Object.keys(c.gradParams));
      for (const [name, p] of Object.entries(params)) assertClose(p.grad!.data, c.gradParams[name], atol, rtol, `d/d ${name}`);
    });
  }
}
