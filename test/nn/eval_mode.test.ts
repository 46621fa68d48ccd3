// Module.inEvalMode: the work inside runs with dropout off (outputs equal to the deterministic
// forward), and the mode the module and its submodules were in comes back however the work ends:
// a return, a throw, a promise that resolves or rejects.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nn, Rng, tensor, type Tensor } from '../../src/index.js';

// linear → dropout(0.5) → linear
class Net extends nn.Module {
  readonly a = this.registerModule('a', new nn.Linear({ inFeatures: 4, outFeatures: 8 }, { rng: new Rng(1) }));
  readonly drop = this.registerModule('drop', new nn.Dropout(0.5));
  readonly b = this.registerModule('b', new nn.Linear({ inFeatures: 8, outFeatures: 2 }, { rng: new Rng(2) }));
  getConfig(): Record<string, never> { return {}; }
  forward(x: Tensor): Tensor { return this.b.forward(this.drop.forward(this.a.forward(x))); }
}
const model = (): Net => new Net();
const modes = (m: nn.Module): boolean[] => [...m.namedModules()].map(([, c]) => c.training);

test('inEvalMode runs with dropout off and gives back training mode on return', () => {
  const m = model();
  const x = tensor(Float32Array.from({ length: 12 }, (_, i) => i / 10 - 0.5), [3, 4]);
  m.eval();
  const want = Array.from(m.forward(x).dataSync());
  m.train();
  const got = m.inEvalMode(() => {
    assert.deepEqual(modes(m), modes(m).map(() => false), 'expected every submodule in evaluation mode inside');
    return Array.from(m.forward(x).dataSync());
  });
  assert.deepEqual(got, want, 'expected the output of the module in evaluation mode (no dropout)');
  assert.deepEqual(modes(m), modes(m).map(() => true), 'expected training mode back on every submodule');
});

test('inEvalMode keeps evaluation mode where the module was in it', () => {
  const m = model().eval();
  m.inEvalMode(() => 0);
  assert.equal(m.training, false);
});

test('inEvalMode gives the mode back when the work throws', () => {
  const m = model();
  assert.throws(() => m.inEvalMode(() => { throw new Error('inside'); }), /inside/);
  assert.equal(m.training, true);
});

test('inEvalMode gives the mode back only once a returned promise settles', async () => {
  const m = model();
  let release!: () => void;
  const done = m.inEvalMode(() => new Promise<number>((resolve) => { release = () => resolve(7); }));
  assert.equal(m.training, false, 'expected evaluation mode while the promise is pending');
  release();
  assert.equal(await done, 7);
  assert.equal(m.training, true);
  await assert.rejects(m.inEvalMode(async () => { throw new Error('later'); }), /later/);
  assert.equal(m.training, true);
});
