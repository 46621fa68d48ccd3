// The Tensor methods (x.add(y).tanh()) give exactly what the free functions give with the same
// arguments, so that each method forwards its arguments in the right order.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../src/autograd/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { rand64 } from '../helpers/tensors.js';

const same = (a: Tensor, b: Tensor, what: string): void => {
  assert.deepEqual([...a.shape], [...b.shape], `${what} shape`);
  assert.deepEqual(a.toArray(), b.toArray(), `${what} values`);
};

test('methods equal the free functions', () => {
  const x = rand64([2, 3, 4], 1, { lo: 0.5, hi: 2 }), y = rand64([3, 1], 2, { lo: 0.5, hi: 2 }), w = rand64([4, 5], 3);
  same(x.add(y), ops.add(x, y), 'add');
  same(x.sub(y), ops.sub(x, y), 'sub');
  same(x.mul(2), ops.mul(x, 2), 'mul');
  same(x.div(y), ops.div(x, y), 'div');
  same(x.pow(1.5), ops.pow(x, 1.5), 'pow');
  same(x.pow(y), ops.pow(x, y), 'pow tensor');
  for (const f of ['neg', 'exp', 'log', 'tanh', 'sigmoid', 'relu', 'sqrt', 'abs', 'square'] as const) same(x[f](), ops[f](x), f);
  same(x.matmul(w), ops.matmul(x, w), 'matmul');
  same(x.sum([0, 2], true), ops.sum(x, [0, 2], true), 'sum');
  same(x.sum(), ops.sum(x), 'sum all');
  same(x.mean(1), ops.mean(x, 1), 'mean');
  same(x.max(1, true), ops.max(x, 1, true), 'max');
  same(x.max(), ops.max(ops.reshape(x, [x.size]), 0), 'max default: over all elements');
  same(x.reshape([4, 6]), ops.reshape(x, [4, 6]), 'reshape');
  same(x.permute([1, 2, 0]), ops.permute(x, [1, 2, 0]), 'permute');
  same(x.transpose(0, 2), ops.transpose(x, 0, 2), 'transpose');
  same(x.transpose(), ops.transpose(x, -2, -1), 'transpose default');
  same(x.slice(2, 1, 3), ops.slice(x, 2, 1, 3), 'slice');
  same(x.select(1, 2), ops.select(x, 1, 2), 'select');
  x.chunk(2, 2).forEach((c, i) => same(c, ops.chunk(x, 2, 2)[i], 'chunk'));
  same(x.unsqueeze(1), ops.unsqueeze(x, 1), 'unsqueeze');
  same(x.unsqueeze(0).squeeze(0), x, 'squeeze');
  same(x.softmax(1), ops.softmax(x, 1), 'softmax');
  same(x.logSoftmax(), ops.logSoftmax(x, -1), 'logSoftmax');
  same(x.clone(), x, 'clone');
  same(x.astype('float32'), ops.astype(x, 'float32'), 'astype');
  assert.equal(x.detach().requiresGrad, false);
});
