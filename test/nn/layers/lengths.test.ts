// Variable-length batches through RNN / LSTM / GRU with 2 layers, both directions: the outputs and
// final states equal the plain per-row reference run to each row's own length (the reverse
// direction from each row's own end); padded outputs are 0 and padded inputs get zero gradient;
// the batch equals each sequence run alone (values and weight gradients); the mask form equals the
// lengths form; gradcheck in float64.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ops from '../../../src/autograd/index.js';
import { Tensor, tensor } from '../../../src/tensor/tensor.js';
import { gradcheck } from '../../../src/autograd/index.js';
import { runStack, type Kind } from '../../helpers/reference_rnn.js';
import { close, inputTBI, rowOf, weightsOf, flatAll, makeLayer, project, runLayer } from '../../helpers/recurrent_layers.js';

const T = 5, B = 3, I = 2, H = 3;
const lengths = [5, 1, 3];
const kinds: Kind[] = ['rnn_tanh', 'lstm', 'gru', 'gru_reset_before'];
const cfg = { inputSize: I, hiddenSize: H, numLayers: 2, bidirectional: true, fused: false };

for (const kind of kinds) {
  test(`${kind}: 2-layer bidirectional with lengths equals the per-row reference, padded outputs 0`, () => {
    const layer = makeLayer(kind, cfg).layer;
    const x = inputTBI(T, B, I, false);
    const { output, finals } = runLayer(layer, x, null, { lengths });
    const weights = layer.cells.map((row) => row.map(weightsOf));
    for (let b = 0; b < B; b++) {
      const ref = runStack(kind, weights, H, rowOf(x, b), lengths[b]);
      close(rowOf(output, b), ref.out, 1e-12, `output row ${b}`);
      for (let t = lengths[b]; t < T; t++) assert.ok(rowOf(output, b)[t].every((v) => v === 0), `padded output (t=${t}, b=${b}) is 0`);
      finals.forEach((f, j) => {
        for (let ld = 0; ld < 4; ld++) {
          const got = Array.from(f.data.subarray((ld * B + b) * H, (ld * B + b + 1) * H));
          close(got, ref.finals[ld][j], 1e-12, `final ${j} of layer·dir ${ld}, row ${b}`);
        }
      });
    }
  });

  test(`${kind}: a padded batch equals each sequence run alone, values and gradients; padded inputs get 0 gradient`, () => {
    const layer = makeLayer(kind, cfg).layer;
    const x = inputTBI(T, B, I);
    const nc = kind === 'lstm' ? 2 : 1;
    const init = Array.from({ length: nc }, (_, j) => tensor(Array.from({ length: 4 * B * H }, (_, k) => ((k * 3 + j) % 7 - 3) / 7), [4, B, H], { dtype: 'float64' }));
    const { output, finals } = runLayer(layer, x, init, { lengths });
    // Padding is filled with garbage-free but nonzero values: their gradient must still be 0.
    const loss = (o: Tensor, fs: Tensor[], b: number): Tensor => ops.add(project(o, b), project(flatAll(fs), b + 10));
    let total: Tensor | null = null;
    for (let b = 0; b < B; b++) {
      const ob = ops.slice(ops.slice(output, 1, b, b + 1), 0, 0, lengths[b]);
      const fb = finals.map((f) => ops.slice(f, 1, b, b + 1));
      const l = loss(ob, fb, b);
      total = total ? ops.add(total, l) : l;
    }
    layer.zeroGrad();
    total!.backward();
    const gx = x.grad!.data;
    const gW = layer.parameters().map((p) => Float64Array.from(p.grad!.data));
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) {
      for (let i = 0; i < I; i++) if (t >= lengths[b]) assert.equal(gx[(t * B + b) * I + i], 0, `gradient of padded x (t=${t}, b=${b})`);
    }
    // Each row alone, at its own length, with the same losses: outputs, finals and gradients add up.
    layer.zeroGrad();
    const sumW = layer.parameters().map((p) => new Float64Array(p.size));
    for (let b = 0; b < B; b++) {
      const xb = tensor(Array.from(ops.slice(ops.slice(x, 1, b, b + 1), 0, 0, lengths[b]).data), [lengths[b], 1, I], { dtype: 'float64', requiresGrad: true });
      const ib = init.map((s) => ops.slice(s, 1, b, b + 1));
      const alone = runLayer(layer, xb, ib);
      close(alone.output.data, ops.slice(ops.slice(output, 1, b, b + 1), 0, 0, lengths[b]).data, 1e-12, `row ${b} output alone`);
      alone.finals.forEach((f, j) => close(f.data, ops.slice(finals[j], 1, b, b + 1).data, 1e-12, `row ${b} final ${j} alone`));
      layer.zeroGrad();
      loss(alone.output, alone.finals, b).backward();
      layer.parameters().forEach((p, k) => p.grad!.data.forEach((v, i) => { sumW[k][i] += v; }));
      for (let t = 0; t < lengths[b]; t++) for (let i = 0; i < I; i++) {
        const a = xb.grad!.data[t * I + i], e = gx[(t * B + b) * I + i];
        assert.ok(Math.abs(a - e) < 1e-12, `input gradient (t=${t}, b=${b}): ${e} in the batch, ${a} alone`);
      }
    }
    gW.forEach((g, k) => close(g, sumW[k], 1e-11, `weight gradient ${k}`));
  });

  test(`${kind}: gradcheck with lengths (2 layers, bidirectional) w.r.t. input, initial state and weights`, () => {
    const layer = makeLayer(kind, { ...cfg, hiddenSize: 2 }).layer;
    const x = inputTBI(4, 2, I);
    const nc = kind === 'lstm' ? 2 : 1;
    const init = Array.from({ length: nc }, (_, j) => tensor(Array.from({ length: 16 }, (_, k) => ((k + j) % 5 - 2) / 5), [4, 2, 2], { dtype: 'float64', requiresGrad: true }));
    const res = gradcheck((xx, ...rest) => {
      const { output, finals } = runLayer(layer, xx, rest.slice(0, nc), { lengths: [2, 4] });
      return flatAll([output, ...finals]);
    }, [x, ...init, ...layer.parameters()]);
    assert.ok(res.ok);
  });
}

test('the mask form equals the lengths form, time-major and batch-first; full lengths equal no lengths', () => {
  const layer = makeLayer('lstm', cfg).layer;
  const x = inputTBI(T, B, I, false);
  const a = runLayer(layer, x, null, { lengths: Int32Array.from(lengths) });
  const mask = Array.from({ length: T * B }, (_, k) => (Math.floor(k / B) < lengths[k % B] ? 1 : 0));
  const m = runLayer(layer, x, null, { mask });
  close(m.output.data, a.output.data, 0, 'mask output');
  m.finals.forEach((f, j) => close(f.data, a.finals[j].data, 0, `mask final ${j}`));
  const bf = makeLayer('lstm', { ...cfg, batchFirst: true }).layer;
  const xb = ops.transpose(x, 0, 1);
  const maskBT = tensor(Array.from({ length: B * T }, (_, k) => (k % T < lengths[Math.floor(k / T)] ? 1 : 0)), [B, T]);
  const c = runLayer(bf, xb, null, { mask: maskBT });
  close(ops.transpose(c.output, 0, 1).data, a.output.data, 0, 'batch-first output');
  const d = runLayer(bf, xb, null, { lengths });
  close(d.output.data, c.output.data, 0, 'batch-first lengths');
  const full = runLayer(layer, x, null, { lengths: [T, T, T] }), none = runLayer(layer, x);
  close(full.output.data, none.output.data, 0, 'full lengths');
});

test('a mask with holes skips those steps in both directions: equals the sequence with the holes removed', () => {
  const layer = makeLayer('gru', cfg).layer;
  const x = inputTBI(T, 1, I, false);
  const keep = [1, 0, 1, 1, 0];
  const { output, finals } = runLayer(layer, x, null, { mask: keep });
  const kept = keep.flatMap((k, t) => (k ? [t] : []));
  const xc = tensor(kept.flatMap((t) => Array.from(x.data.subarray(t * I, (t + 1) * I))), [kept.length, 1, I], { dtype: 'float64' });
  const ref = runLayer(layer, xc);
  kept.forEach((t, s) => close(output.data.subarray(t * 2 * H, (t + 1) * 2 * H), ref.output.data.subarray(s * 2 * H, (s + 1) * 2 * H), 1e-12, `step ${t}`));
  assert.ok(Array.from(output.data.subarray(1 * 2 * H, 2 * 2 * H)).every((v) => v === 0), 'hole output is 0');
  close(finals[0].data, ref.finals[0].data, 1e-12, 'finals');
});

for (const kind of kinds) {
  test(`${kind}: with lengths the fused path (where the cell has one) equals the generic path, values and gradients`, () => {
    const generic = makeLayer(kind, cfg).layer, fused = makeLayer(kind, { ...cfg, fused: true }).layer;
    const x = inputTBI(T, B, I, false);
    const xa = x.detach().requiresGrad_(), xb = x.detach().requiresGrad_();
    const a = runLayer(generic, xa, null, { lengths }), b = runLayer(fused, xb, null, { lengths });
    close(b.output.data, a.output.data, 1e-12, 'output');
    b.finals.forEach((f, j) => close(f.data, a.finals[j].data, 1e-12, `final ${j}`));
    project(flatAll([a.output, ...a.finals])).backward();
    project(flatAll([b.output, ...b.finals])).backward();
    close(xb.grad!.data, xa.grad!.data, 1e-12, 'input gradient');
    const ga = generic.parameters(), gb = fused.parameters();
    ga.forEach((p, i) => close(gb[i].grad!.data, p.grad!.data, 1e-12, `parameter ${i} gradient`));
  });
}

test('unbatched input takes one length', () => {
  const layer = makeLayer('rnn_tanh', cfg).layer;
  const x = inputTBI(T, 1, I, false);
  const u = runLayer(layer, ops.reshape(x, [T, I]), null, { lengths: [3] });
  const b = runLayer(layer, x, null, { lengths: [3] });
  close(u.output.data, b.output.data, 0, 'output');
  assert.deepEqual([...u.output.shape], [T, 2 * H]);
});

test('bad lengths and masks get clear errors', () => {
  const layer = makeLayer('rnn_tanh', cfg).layer;
  const x = inputTBI(T, B, I, false);
  assert.throws(() => runLayer(layer, x, null, { lengths: [5, 1] }), /expected 3 lengths \(one per batch row\), got 2/);
  assert.throws(() => runLayer(layer, x, null, { lengths: [5, 0, 3] }), /expected lengths to be integers in \[1, 5\], got 0 for batch row 1/);
  assert.throws(() => runLayer(layer, x, null, { lengths: [6, 1, 3] }), /in \[1, 5\], got 6/);
  assert.throws(() => runLayer(layer, x, null, { lengths: [5, 1.5, 3] }), /got 1.5/);
  assert.throws(() => runLayer(layer, x, null, { mask: new Tensor(new Float64Array(15), [3, 5]) }), /expected a mask of shape \[5, 3\], got \[3, 5\]/);
  assert.throws(() => runLayer(layer, x, null, { mask: new Array<number>(15).fill(2) }), /expected mask entries 0 or 1, got 2/);
  assert.throws(() => runLayer(layer, x, null, { lengths, mask: new Array<number>(15).fill(1) }), /either lengths or mask, got both/);
});
