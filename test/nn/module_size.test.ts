// Modules with very many parameters (a stack of 100,000 layers registers 400,000 tensors) list them
// all: namedParameters, parameters, stateDict and numParameters did `push(...child)`, which overflows
// V8's stack past about 10^5 entries.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Module } from '../../src/nn/module.js';
import { Tensor } from '../../src/tensor/tensor.js';

class Many extends Module {
  constructor(n: number) {
    super();
    for (let i = 0; i < n; i++) this.registerParameter(`w${i}`, new Tensor(new Float32Array(1), [1]));
  }
  getConfig(): object { return {}; }
}

class Holder extends Module {
  constructor(n: number) {
    super();
    this.registerModule('inner', new Many(n));
  }
  getConfig(): object { return {}; }
}

test('a child with 400,000 parameters: every listing has them all, in order', () => {
  const n = 400_000;
  const m = new Holder(n);
  const named = m.namedParameters();
  assert.equal(named.length, n);
  assert.equal(named[0][0], 'inner.w0');
  assert.equal(named[n - 1][0], `inner.w${n - 1}`);
  assert.equal(m.parameters().length, n);
  assert.equal(m.numParameters(), n);
  assert.equal(Object.keys(m.stateDict()).length, n);
  assert.equal(m.namedModules().length, 2);
});
