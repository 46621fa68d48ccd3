// Workspace reuse and the graph-release hook behind it: a second forward/backward of the same sizes
// makes no new workspace (the very same objects come back), inference without a graph gives its
// workspace back at once, two forwards before one backward each keep their own, a retained graph
// keeps its workspace until the last backward, and the switches choose the path.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Storage } from '../../../src/backend/storage.js';
import * as ops from '../../../src/autograd/index.js';
import { setFusedRecurrent, WorkspacePool, type LSTM } from '../../../src/nn/index.js';
import { Rng } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { record } from '../../../src/autograd/record.js';
import { assertClose } from '../../helpers/tensors.js';
import { build, forwardBackward, fusedKinds, randT, type Opts } from '../../helpers/fused_layers.js';

setFusedRecurrent(true); // also under UNFOLD_FUSED=0

const s = { T: 5, B: 3, I: 4, H: 6 };
const o: Opts = { numLayers: 2, bidirectional: true, batchFirst: false, withInit: true };

for (const kind of fusedKinds) {
  test(`${kind}: a second forward/backward of the same sizes reuses the same workspaces`, () => {
    const layer = build(kind, s, o, true);
    const first = forwardBackward(layer, kind, s, o);
    const made = layer.workspaces.created;
    assert.equal(made, 4, 'one workspace per layer and direction');
    const idle = layer.workspaces.idle();
    assert.equal(idle.length, 4, 'all handed back after backward');
    const second = forwardBackward(layer, kind, s, o);
    assert.equal(layer.workspaces.created, made, 'no new workspace');
    const again = layer.workspaces.idle();
    assert.equal(again.length, 4);
    for (const w of again) assert.ok(idle.includes(w), 'the same workspace objects');
    assertClose(second.output.data, first.output.data, 0, 0, 'same result the second time');
    for (const [n, g] of first.grads) assertClose(second.grads.get(n)!, g, 0, 0, n);
  });
}

test('inference without a graph hands the workspace back at once', () => {
  const layer = build('lstm', s, o, true);
  const x = randT([s.T, s.B, s.I], new Rng(1), 'float32', false);
  ops.noGrad(() => layer.forward(x));
  ops.noGrad(() => layer.forward(x));
  // each direction gives its workspace back before the next takes one: one per size (layer 0, layer 1)
  assert.equal(layer.workspaces.created, 2);
  assert.equal(layer.workspaces.idle().length, 2);
});

test('two forwards before one backward keep separate workspaces and get the generic gradients', () => {
  const fused = build('gru', s, o, true), generic = build('gru', s, o, false);
  generic.loadStateDict(fused.stateDict());
  const rng = new Rng(3);
  const x1 = randT([s.T, s.B, s.I], rng, 'float32'), x2 = randT([s.T, s.B, s.I], rng, 'float32');
  const loss = (m: typeof fused): Tensor => {
    const [a] = m.forward(x1), [b] = m.forward(x2);
    return ops.add(ops.sum(ops.square(a)), ops.sum(ops.mul(b, a)));
  };
  loss(fused).backward();
  const gf = fused.parameters().map((p) => p.grad!.data), gx = x1.grad!.data;
  x1.grad = null; x2.grad = null;
  loss(generic).backward();
  generic.parameters().forEach((p, i) => assertClose(gf[i], p.grad!.data, 2e-5, 2e-4, `param ${i}`));
  assertClose(gx, x1.grad!.data, 2e-5, 2e-4, 'd/dx1');
  assert.equal(fused.workspaces.created, 8);
});

test('a retained graph keeps its workspace until the last backward, and gradients add up', () => {
  const layer = build('lstm', s, { ...o, numLayers: 1, bidirectional: false }, true) as LSTM;
  const x = randT([s.T, s.B, s.I], new Rng(4), 'float32');
  const [out, [, c]] = layer.forward(x);
  const loss = ops.add(ops.sum(ops.square(out)), ops.sum(c));
  loss.backward({ retainGraph: true });
  assert.equal(layer.workspaces.idle().length, 0, 'still leased by the retained graph');
  const once = Float32Array.from(x.grad!.data);
  loss.backward();
  assert.equal(layer.workspaces.idle().length, 1, 'given back after the last backward');
  assertClose(x.grad!.data, once.map((v) => 2 * v), 1e-6, 1e-6, 'twice the gradient');
});

test('the engine calls a node\'s release hook once, after its input gradients are consumed', () => {
  const x = new Tensor(Float64Array.from([1, 2]), [2], true);
  const calls: string[] = [];
  const make = (): Tensor => {
    const y = record('probe', Storage.wrap(Float64Array.from(x.data)), [2], [x], (gs) => {
      calls.push('backward');
      const g = gs.read();
      return [{ write: (dst, acc) => { calls.push('write'); const d = dst.write(); for (let i = 0; i < 2; i++) d[i] = (acc ? d[i] : 0) + g[i]; } }];
    });
    y.gradFn = { ...y.gradFn!, release: () => calls.push('release') };
    return y;
  };
  ops.sum(make()).backward({ retainGraph: true });
  assert.deepEqual(calls, ['backward', 'write']);
  calls.length = 0;
  ops.sum(make()).backward();
  assert.deepEqual(calls, ['backward', 'write', 'release']);
});

test('fused: false and setFusedRecurrent(false) select the generic path', () => {
  const x = randT([s.T, s.B, s.I], new Rng(5), 'float32', false);
  const off = build('rnn_tanh', s, o, false);
  off.forward(x);
  assert.equal(off.workspaces.created, 0);
  const on = build('rnn_tanh', s, o, true);
  setFusedRecurrent(false);
  try { on.forward(x); } finally { setFusedRecurrent(true); }
  assert.equal(on.workspaces.created, 0);
  on.forward(x);
  assert.equal(on.workspaces.created, 4);
});

test('the pool keeps only its most recent sizes', () => {
  const pool = new WorkspacePool(2);
  const a = pool.acquire('a', () => ({})), b = pool.acquire('b', () => ({})), c = pool.acquire('c', () => ({}));
  pool.release('a', a); pool.release('b', b); pool.release('c', c);
  assert.deepEqual(pool.idle(), [b, c]);
  assert.equal(pool.acquire('b', () => ({})), b);
  assert.equal(pool.created, 3);
});
