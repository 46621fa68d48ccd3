// Linear and Embedding modules: parameter names and shapes (PyTorch's), init bounds, output
// shapes, values against a loop, and gradients reaching the parameters.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Embedding, Linear } from '../../../src/nn/index.js';
import * as ops from '../../../src/autograd/index.js';
import { Rng } from '../../../src/tensor/random.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';

test('Linear: names weight [out, in] and bias [out], U(±1/√in) init, output [..., out]', () => {
  const lin = new Linear({ inFeatures: 4, outFeatures: 3 }, { rng: new Rng(1) });
  assert.deepEqual(lin.namedParameters().map(([n, p]) => [n, [...p.shape]]), [['weight', [3, 4]], ['bias', [3]]]);
  assert.equal(lin.numParameters(), 15);
  for (const p of lin.parameters()) {
    assert.ok(p.requiresGrad);
    for (const v of p.data) assert.ok(Math.abs(v) <= 0.5);
  }
  const x = rand64([2, 5, 4], 1, { grad: false });
  const lin64 = new Linear({ inFeatures: 4, outFeatures: 3 }, { dtype: 'float64', rng: new Rng(2) });
  const y = lin64.forward(x);
  assert.deepEqual([...y.shape], [2, 5, 3]);
  const want: number[] = [];
  for (let r = 0; r < 10; r++) {
    for (let o = 0; o < 3; o++) {
      let s = lin64.bias!.data[o];
      for (let i = 0; i < 4; i++) s += x.data[r * 4 + i] * lin64.weight.data[o * 4 + i];
      want.push(s);
    }
  }
  assertClose(y.data, want, 1e-14);
});

test('Linear without bias has only weight; gradients reach the parameters', () => {
  const lin = new Linear({ inFeatures: 3, outFeatures: 2, bias: false }, { dtype: 'float64' });
  assert.deepEqual(lin.namedParameters().map(([n]) => n), ['weight']);
  assert.equal(lin.bias, null);
  const lin2 = new Linear({ inFeatures: 3, outFeatures: 2 }, { dtype: 'float64' });
  const x = rand64([4, 3], 2);
  check((t, w, b) => ops.tanh(lin2.forward(t)), [x, lin2.weight, lin2.bias!]);
});

test('Embedding: weight [V, E] ~ N(0, 1), output [...ids, E], gradient adds over repeats', () => {
  const emb = new Embedding({ numEmbeddings: 50, embeddingDim: 40 }, { rng: new Rng(3), dtype: 'float64' });
  assert.deepEqual(emb.namedParameters().map(([n, p]) => [n, [...p.shape]]), [['weight', [50, 40]]]);
  const d = Array.from(emb.weight.data);
  const mean = d.reduce((a, v) => a + v, 0) / d.length;
  const variance = d.reduce((a, v) => a + (v - mean) ** 2, 0) / d.length;
  assert.ok(Math.abs(mean) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.08, `variance ${variance}`);
  const ids = ops.indices([3, 7, 3, 0, 3, 49], [2, 3]);
  const y = emb.forward(ids);
  assert.deepEqual([...y.shape], [2, 3, 40]);
  assert.deepEqual(Array.from(y.data.subarray(40, 80)), d.slice(7 * 40, 8 * 40));
  ops.sum(y).backward();
  const g = emb.weight.grad!.data;
  assert.equal(g[3 * 40], 3);
  assert.equal(g[7 * 40 + 5], 1);
  assert.equal(g[1 * 40], 0);
  assert.throws(() => emb.forward(ops.indices([50])), /expected indices in \[0, 50\), got 50 at position 0/);
});
