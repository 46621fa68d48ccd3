// The fused ops' packed output buffer, reused from the workspace when the layer hands on only copies
// of it (batch-first output, a bidirectional concat, the inner layers of a stack): what a step hands
// the user must keep its values through the next step, the next step must still compute what the
// generic per-step path computes, and the buffer must really be reused where it is internal (and
// never where a view of it is the user's output).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { noGrad } from '../../../src/autograd/grad_mode.js';
import type { Storage } from '../../../src/backend/storage.js';
import type { Tensor } from '../../../src/tensor/tensor.js';
import { Rng } from '../../../src/tensor/random.js';
import { build, fusedKinds, randT, type FusedKind, type Layer, type Opts, type Sizes } from '../../helpers/fused_layers.js';

const FUSED = /^fused(Lstm|Gru|Rnn)/;

// The packed storages of every fused node on the way back from t (read before backward frees the graph).
function packedStorages(t: Tensor, seen = new Set<Tensor>(), out = new Set<Storage>()): Set<Storage> {
  if (seen.has(t) || t.gradFn === null) return out;
  seen.add(t);
  if (FUSED.test(t.gradFn.name)) out.add(t.storage);
  for (const i of t.gradFn.inputs) packedStorages(i, seen, out);
  return out;
}

interface Step { output: Tensor; finals: Tensor[]; grads: Float32Array[]; packed: Set<Storage> }

// One training step: forward, a loss through the output and every final state, backward.
function step(layer: Layer, s: Sizes, o: Opts, seed: number): Step {
  const rng = new Rng(seed);
  const x = randT(o.batchFirst ? [s.B, s.T, s.I] : [s.T, s.B, s.I], rng, 'float32');
  for (const p of layer.parameters()) p.grad = null;
  const [output, carry] = layer.forward(x) as [Tensor, Tensor | Tensor[]];
  const finals = Array.isArray(carry) ? carry : [carry];
  let loss = ops.sum(ops.mul(output, randT([...output.shape], rng, 'float32', false)));
  for (const f of finals) loss = ops.add(loss, ops.sum(ops.mul(f, randT([...f.shape], rng, 'float32', false))));
  const packed = packedStorages(loss);
  loss.backward();
  const grads = [x.grad!, ...layer.parameters().map((p) => p.grad!)].map((g) => Float32Array.from(g.data));
  return { output, finals, grads, packed };
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - b[i]) <= 2e-5 + 2e-5 * Math.abs(b[i]))) assert.fail(`${what}[${i}]: expected ${b[i]}, got ${a[i]}`);
  }
}

// B = 1 too: there the batch-first transpose moves nothing, and must still copy.
const configs: { o: Opts; internal: boolean; B: number }[] = [
  { o: { numLayers: 2, bidirectional: false, batchFirst: true, withInit: false }, internal: true, B: 3 },
  { o: { numLayers: 1, bidirectional: false, batchFirst: true, withInit: false }, internal: true, B: 1 },
  { o: { numLayers: 1, bidirectional: true, batchFirst: false, withInit: false }, internal: true, B: 3 },
  { o: { numLayers: 1, bidirectional: false, batchFirst: false, withInit: false }, internal: false, B: 3 },
];

for (const kind of fusedKinds) {
  for (const { o, internal, B } of configs) {
    const what = `${o.numLayers} layer(s)${o.bidirectional ? ', bidirectional' : ''}${o.batchFirst ? ', batch-first' : ''}, B = ${B}`;
    test(`fused ${kind}, ${what}: a step's outputs survive the next step, which matches the generic path; the output buffer is ${internal ? '' : 'not '}reused`, () => {
      const s: Sizes = { T: 5, B, I: 4, H: 6 };
      const fused = build(kind as FusedKind, s, o, true), generic = build(kind as FusedKind, s, o, false);
      const first = step(fused, s, o, 11);
      const kept = [first.output, ...first.finals].map((t) => Float32Array.from(t.data));
      const second = step(fused, s, o, 12);
      [first.output, ...first.finals].forEach((t, i) => assert.deepEqual(Float32Array.from(t.data), kept[i], `step 1's tensor ${i} changed`));
      const ref = step(generic, s, o, 12);
      close(second.output.data, ref.output.data, 'output');
      second.finals.forEach((f, i) => close(f.data, ref.finals[i].data, `final state ${i}`));
      second.grads.forEach((g, i) => close(g, ref.grads[i], `gradient ${i}`));
      assert.equal(ref.packed.size, 0, 'the generic path has no fused node');
      const fusedNodes = o.numLayers * (o.bidirectional ? 2 : 1);
      assert.equal(first.packed.size, fusedNodes);
      const shared = [...second.packed].filter((p) => first.packed.has(p)).length;
      assert.equal(shared, internal ? fusedNodes : 0);
    });
  }
}

test('without a graph a stack of same-sized layers gets a new output buffer per layer: inner outputs and states stay intact', () => {
  // Without a graph each layer's workspace goes back at once, and the next layer (same sizes) leases
  // it while layer 1's final state, a view of layer 1's buffer, is still to be stacked into the carry.
  const o: Opts = { numLayers: 3, bidirectional: false, batchFirst: true, withInit: false };
  const s: Sizes = { T: 4, B: 2, I: 5, H: 5 };
  for (const kind of fusedKinds) {
    const fused = build(kind, s, o, true), generic = build(kind, s, o, false);
    const x = randT([s.B, s.T, s.I], new Rng(3), 'float32', false);
    const [a, ca] = noGrad(() => fused.forward(x)) as [Tensor, Tensor | Tensor[]];
    const [b, cb] = noGrad(() => generic.forward(x)) as [Tensor, Tensor | Tensor[]];
    close(a.data, b.data, `${kind} output`);
    [ca].flat().forEach((c, i) => close(c.data, [cb].flat()[i].data, `${kind} final state ${i}`));
  }
});
