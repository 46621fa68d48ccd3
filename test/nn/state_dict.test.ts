// Module.stateDict / loadStateDict: a round trip copies values (not buffers) between two models of
// one config; strict loading names missing and unexpected keys, shape mismatches name the
// parameter and both shapes, and a failed load changes nothing; non-strict loading fills what
// matches. Also train()/eval() reach nested modules, and Module buffers (saved, not trained) travel
// in the state dict beside the parameters.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LSTM, Linear, Module } from '../../src/nn/index.js';
import { Rng } from '../../src/tensor/random.js';
import { zeros, type Tensor } from '../../src/tensor/tensor.js';

const snapshot = (m: Module): number[][] => m.parameters().map((p) => Array.from(p.data));

test('stateDict → loadStateDict round trip copies every value into the other model', () => {
  const a = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true }, { rng: new Rng(1) });
  const b = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true }, { rng: new Rng(2) });
  assert.notDeepEqual(snapshot(a), snapshot(b));
  b.loadStateDict(a.stateDict());
  assert.deepEqual(snapshot(b), snapshot(a));
  // values were copied, not shared
  a.parameters()[0].data[0] += 1;
  assert.notEqual(b.parameters()[0].data[0], a.parameters()[0].data[0]);
  // b's cells see the loaded values (the layer's parameters are its cells' tensors)
  assert.deepEqual(Array.from(b.cells[1][1].weight_hh.data), Array.from(a.stateDict()['weight_hh_l1_reverse'].data));
});

test('strict loading names missing and unexpected keys, and changes nothing', () => {
  const m = new Linear({ inFeatures: 2, outFeatures: 3 }, { rng: new Rng(3) });
  const before = snapshot(m);
  const dict: Record<string, Tensor> = { weight: zeros([3, 2]), bais: zeros([3]) };
  assert.throws(() => m.loadStateDict(dict), { message: "loadStateDict: expected a state dict of exactly the module's tensors, got one without bias and with unexpected bais" });
  assert.deepEqual(snapshot(m), before);
});

test('a shape mismatch names the parameter and both shapes, and changes nothing (even earlier entries)', () => {
  const m = new Linear({ inFeatures: 2, outFeatures: 3 }, { rng: new Rng(4) });
  const before = snapshot(m);
  assert.throws(() => m.loadStateDict({ weight: zeros([3, 2]), bias: zeros([4]) }), {
    message: 'loadStateDict: expected bias of shape [3], got [4]',
  });
  assert.deepEqual(snapshot(m), before);
  assert.throws(() => m.loadStateDict({ weight: zeros([2, 3]), bias: zeros([3]) }), /expected weight of shape \[3, 2\], got \[2, 3\]/);
  assert.deepEqual(snapshot(m), before);
});

test('non-strict loading fills the names present and ignores the rest', () => {
  const m = new Linear({ inFeatures: 2, outFeatures: 3 }, { rng: new Rng(5) });
  const bias0 = Array.from(m.bias!.data);
  m.loadStateDict({ weight: zeros([3, 2]), extra: zeros([1]) }, { strict: false });
  assert.deepEqual(Array.from(m.weight.data), [0, 0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(m.bias!.data), bias0);
  assert.throws(() => m.loadStateDict({ weight: zeros([1]) }, { strict: false }), /expected weight of shape \[3, 2\], got \[1\]/);
});

class Net extends Module {
  readonly enc: LSTM;
  readonly head: Linear;
  constructor() {
    super();
    this.enc = this.registerModule('enc', new LSTM({ inputSize: 2, hiddenSize: 3 }));
    this.head = this.registerModule('head', new Linear({ inFeatures: 3, outFeatures: 2 }));
  }
  getConfig(): Record<string, never> { return {}; }
}

test('nested modules get dotted names in registration order; train/eval reach children', () => {
  const net = new Net();
  assert.deepEqual(Object.keys(net.stateDict()), [
    'enc.weight_ih_l0', 'enc.weight_hh_l0', 'enc.bias_ih_l0', 'enc.bias_hh_l0', 'head.weight', 'head.bias',
  ]);
  net.eval();
  assert.equal(net.enc.training, false);
  assert.equal(net.head.training, false);
  net.train();
  assert.equal(net.enc.training, true);
  net.zeroGrad();
  assert.ok(net.parameters().every((p) => p.grad === null));
  assert.equal(net.numParameters(), 4 * 3 * 2 + 4 * 3 * 3 + 12 + 12 + 6 + 2);
});

class Running extends Module {
  readonly scale: Tensor;
  readonly count: Tensor;
  readonly inner: Linear;
  constructor() {
    super();
    this.scale = this.registerParameter('scale', zeros([2]));
    this.count = this.registerBuffer('count', zeros([1]))!;
    this.inner = this.registerModule('inner', new Linear({ inFeatures: 1, outFeatures: 1 }));
  }
  getConfig(): Record<string, never> { return {}; }
}

test('buffers are in the state dict (after their module\'s parameters) but are not parameters; loading fills them', () => {
  const a = new Running(), b = new Running();
  a.count.data[0] = 7;
  assert.deepEqual(Object.keys(a.stateDict()), ['scale', 'count', 'inner.weight', 'inner.bias']);
  assert.deepEqual(a.namedBuffers().map(([n]) => n), ['count']);
  assert.equal(a.parameters().length, 3);
  assert.equal(a.count.requiresGrad, false);
  b.loadStateDict(a.stateDict());
  assert.equal(b.count.data[0], 7);
  const { count: _c, ...noCount } = a.stateDict();
  assert.throws(() => b.loadStateDict(noCount), /expected a state dict of exactly the module's tensors, got one without count/);
});
