// The module registry: every registered class, built with options away from its defaults, goes
// through serializeModule → JSON → fromConfig → loadStateDict and gives exactly the outputs it
// gave before (the same kernels on the same weights); and the registry's errors name what was wrong.

import test from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { zeros } from '../../src/tensor/tensor.js';
import { Module } from '../../src/nn/module.js';
import { Linear, LSTMCell, Recurrence, fromConfig, registerClass, registeredModules, serializeModule, type ModuleSpec } from '../../src/nn/index.js';
import { RecursiveNet, TreeClassifier } from '../../src/tree/index.js';
import { ZOO } from './model_zoo.js';

const viaJson = (spec: ModuleSpec): unknown => JSON.parse(JSON.stringify(spec));

test('every registered class has a case in the model zoo', () => {
  const covered = new Set(ZOO.map((c) => c.className));
  assert.deepEqual(registeredModules().filter((n) => !covered.has(n)), []);
});

for (const [k, c] of ZOO.entries()) {
  test(`${c.className} (case ${k}): config → JSON → fromConfig + state dict gives the same outputs`, () => {
    const m = c.build(new Rng(100 + k));
    const spec = serializeModule(m);
    assert.equal(spec.className, c.className);
    const back = fromConfig(viaJson(spec), { rng: new Rng(999) });
    assert.equal(back.constructor, m.constructor);
    assert.deepEqual(serializeModule(back), spec, 'the rebuilt model describes itself the same way');
    back.loadStateDict(m.stateDict());
    assert.deepEqual(Object.keys(back.stateDict()), Object.keys(m.stateDict()));
    const want = c.run(m, new Rng(7)).map((a) => Array.from(a));
    const got = c.run(back, new Rng(7)).map((a) => Array.from(a));
    assert.deepEqual(got, want);
  });
}

test('fromConfig names the known classes for an unknown one, and the class for a bad config', () => {
  assert.throws(() => fromConfig({ className: 'nn.Transformer', config: {} }), (e: Error) => {
    assert.match(e.message, /fromConfig: expected a registered module class \(.*nn\.LSTM.*seq2seq\.Seq2Seq.*\), got unknown "nn\.Transformer"/);
    return true;
  });
  assert.throws(() => fromConfig({ className: 'nn.Linear', config: { inFeatures: 3 } }), /fromConfig: bad config for nn\.Linear: /);
  assert.throws(() => fromConfig({ className: 'nn.RNNCell', config: { inputSize: 3, hiddenSize: 4, nonlinearity: 'gelu' } }),
    /fromConfig: bad config for nn\.RNNCell: RNNCell: expected nonlinearity 'tanh' or 'relu', got 'gelu'/);
  assert.throws(() => fromConfig({ className: 'seq2seq.Seq2Seq', config: { srcVocabSize: 0 } }),
    /bad config for seq2seq\.Seq2Seq: expected srcVocabSize to be a positive integer, got 0/);
  assert.throws(() => fromConfig({ className: 'nn.Linear', config: [] }), /fromConfig: bad config for nn\.Linear: expected an object, got an array/);
  assert.throws(() => fromConfig('nn.Linear'), /fromConfig: expected a module spec \{ className, config \}, got string "nn\.Linear"/);
  assert.throws(() => fromConfig({ config: {} }), /fromConfig: expected a string className, got undefined/);
  // A nested part of the wrong kind names what was expected, under the outer class.
  const lin = serializeModule(new Linear({ inFeatures: 3, outFeatures: 4 }));
  assert.throws(() => fromConfig({ className: 'nn.Recurrence', config: { cell: lin } }), /bad config for nn\.Recurrence: expected a recurrent cell, got nn\.Linear/);
  assert.throws(() => fromConfig({ className: 'tree.TreeRegressor', config: { encoder: lin } }), /bad config for tree\.TreeRegressor: expected a tree encoder, got nn\.Linear/);
  assert.throws(() => fromConfig({ className: 'nn.Recurrence', config: { cell: { className: 'nope', config: {} } } }), /fromConfig: expected a registered module class .*, got unknown "nope"/);
});

class Scale extends Module {
  readonly weight;
  constructor(readonly size: number) {
    super();
    this.weight = this.registerParameter('weight', zeros([size]));
  }
  getConfig(): { size: number } { return { size: this.size }; }
}

class Unregistered extends Scale {}

test("registerClass adds a user's class; an unregistered class or a non-JSON config is refused by name", () => {
  registerClass('test.Scale', Scale, (config) => new Scale(config.size));
  registerClass('test.Scale', Scale, (config) => new Scale(config.size)); // the same again: a no-op
  const m = new Scale(3);
  m.weight.data.set([1, 2, 3]);
  const back = fromConfig(viaJson(serializeModule(m))) as Scale;
  back.loadStateDict(m.stateDict());
  assert.deepEqual(Array.from(back.weight.data), [1, 2, 3]);
  assert.throws(() => registerClass('test.Scale', Unregistered, (c) => new Unregistered(c.size)), /the class name 'test\.Scale' is already registered for another class/);
  assert.throws(() => registerClass('test.Other', Scale, (c) => new Scale(c.size)), /this class is already registered as 'test\.Scale', got 'test\.Other'/);
  assert.throws(() => serializeModule(new Unregistered(2)), /serializeModule: expected a registered module class, got Unregistered; call registerClass\('Unregistered'/);
  class Odd extends Scale { override getConfig(): { size: number } { return { size: NaN }; } }
  registerClass('test.Odd', Odd, (c) => new Odd(c.size));
  assert.throws(() => serializeModule(new Odd(2)), /test\.Odd config holds NaN at \.size; expected a finite number/);
  // A wrapper around a cell written as a plain object cannot be described.
  const cell = new LSTMCell({ inputSize: 2, hiddenSize: 3 });
  const plain = { inputSize: 2, hiddenSize: 3, carrySize: 2, initCarry: (b: number) => cell.initCarry(b), projectInput: cell.projectInput.bind(cell), stepProjected: cell.stepProjected.bind(cell), step: cell.step.bind(cell) };
  assert.throws(() => serializeModule(new Recurrence(plain)), /Recurrence: cannot serialize the cell: expected a Module, got a plain cell object/);
});

test('a nested spec holds the children as their own specs', () => {
  const spec = serializeModule(new TreeClassifier(new RecursiveNet({ vocabSize: 4, inputSize: 2, hiddenSize: 3 }), 3));
  assert.equal(spec.className, 'tree.TreeClassifier');
  assert.deepEqual(spec.config.encoder, { className: 'tree.RecursiveNet', config: { vocabSize: 4, inputSize: 2, hiddenSize: 3, childWeights: 'positional', arity: 2 } });
  assert.equal(spec.config.numClasses, 3);
  assert.equal(spec.config.dropout, 0);
});
