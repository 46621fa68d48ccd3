// The fused whole-sequence ops against the generic per-step autograd path (layer option
// fused: false) on random inputs of awkward sizes: every T ∈ {1, 2, 7}, B ∈ {1, 3, 5},
// I ∈ {1, 4, 13}, H ∈ {1, 3, 17} for RNN (tanh, relu), LSTM and GRU, with the layer options
// (numLayers 1/2, bidirectional, batchFirst, initial states) rotating over those cases, and all 16
// option combinations at one size. Outputs, final states and the gradients of the input, the
// initial states and every parameter must agree to float32 tolerance (float64: to rounding).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClose } from '../../helpers/tensors.js';
import { build, forwardBackward, fusedKinds, type FusedKind, type Opts, type Sizes } from '../../helpers/fused_layers.js';
import type { DType } from '../../../src/backend/dtype.js';
import { setFusedRecurrent } from '../../../src/nn/index.js';

setFusedRecurrent(true); // also under UNFOLD_FUSED=0, which runs the rest of the suite on the generic path

function compare(kind: FusedKind, s: Sizes, o: Opts, dtype: DType = 'float32'): void {
  const fused = build(kind, s, o, true, dtype);
  const generic = build(kind, s, o, false, dtype);
  generic.loadStateDict(fused.stateDict());
  const a = forwardBackward(fused, kind, s, o);
  const b = forwardBackward(generic, kind, s, o);
  assert.ok(fused.workspaces.created > 0, 'the fused layer used the fused ops');
  assert.equal(generic.workspaces.created, 0, 'the generic layer did not');
  const [atol, rtol] = dtype === 'float32' ? [2e-5, 2e-4] : [1e-12, 1e-10];
  assert.deepEqual([...a.output.shape], [...b.output.shape]);
  assertClose(a.output.data, b.output.data, atol, rtol, 'output');
  a.finals.forEach((f, j) => {
    assert.deepEqual([...f.shape], [...b.finals[j].shape]);
    assertClose(f.data, b.finals[j].data, atol, rtol, `final state ${j}`);
  });
  assert.deepEqual([...a.grads.keys()], [...b.grads.keys()]);
  for (const [name, g] of a.grads) assertClose(g, b.grads.get(name)!, atol, rtol, `d/d ${name}`);
}

const optionSets: Opts[] = [];
for (const numLayers of [1, 2]) for (const bidirectional of [false, true]) for (const batchFirst of [false, true]) {
  for (const withInit of [false, true]) optionSets.push({ numLayers, bidirectional, batchFirst, withInit });
}
const label = (o: Opts): string =>
  `L=${o.numLayers}${o.bidirectional ? ' bidir' : ''}${o.batchFirst ? ' batchFirst' : ''}${o.withInit ? ' init' : ''}`;

for (const kind of fusedKinds) {
  test(`fused ${kind} equals the generic path over all sizes T×B×I×H ∈ {1,2,7}×{1,3,5}×{1,4,13}×{1,3,17}`, () => {
    let n = 0;
    for (const T of [1, 2, 7]) for (const B of [1, 3, 5]) for (const I of [1, 4, 13]) for (const H of [1, 3, 17]) {
      const o = optionSets[n++ % optionSets.length];
      try {
        compare(kind, { T, B, I, H }, o);
      } catch (e) {
        throw new Error(`T=${T} B=${B} I=${I} H=${H} ${label(o)}: ${(e as Error).message}`);
      }
    }
  });

  test(`fused ${kind} equals the generic path for every layer option, float32 and float64`, () => {
    for (const o of optionSets) {
      for (const dtype of ['float32', 'float64'] as DType[]) {
        try {
          compare(kind, { T: 7, B: 3, I: 13, H: 17 }, o, dtype);
        } catch (e) {
          throw new Error(`${dtype} ${label(o)}: ${(e as Error).message}`);
        }
      }
    }
  });
}

test('a GRU in reset-before form falls back to the generic path', async () => {
  const { GRU } = await import('../../../src/nn/index.js');
  const g = new GRU({ inputSize: 2, hiddenSize: 3, resetAfter: false });
  const { tensor } = await import('../../../src/tensor/tensor.js');
  g.forward(tensor(new Float32Array(2 * 1 * 2), [2, 1, 2]));
  assert.equal(g.workspaces.created, 0);
});
