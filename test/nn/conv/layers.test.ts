// nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d, nn.GlobalAvgPool2d, nn.Flatten and nn.spatialToSequence:
// PyTorch's parameter names, shapes and init bound, forwards equal to the ops / the definitions,
// 'same' padding, gradients through a small stack, and config errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nn from '../../../src/nn/index.js';
import * as ops from '../../../src/autograd/index.js';
import { Rng } from '../../../src/tensor/random.js';
import { assertClose, check, rand64 } from '../../helpers/tensors.js';
import { referenceConv2d, referencePool2d } from '../../helpers/reference_conv.js';

test('Conv2d has weight [C_out, C_in/groups, kH, kW] and bias [C_out], U(±1/√fan_in) like PyTorch', () => {
  const conv = new nn.Conv2d({ inChannels: 6, outChannels: 8, kernelSize: [3, 5], groups: 2 }, { rng: new Rng(1) });
  assert.deepEqual(conv.namedParameters().map(([n, p]) => [n, [...p.shape]]), [['weight', [8, 3, 3, 5]], ['bias', [8]]]);
  const bound = 1 / Math.sqrt(3 * 3 * 5);
  for (const p of conv.parameters()) {
    const a = p.toArray();
    assert.ok(a.every((v) => Math.abs(v) <= bound), 'inside the bound');
    assert.ok(Math.max(...a.map(Math.abs)) > 0.8 * bound, 'spread over the bound');
  }
  const noBias = new nn.Conv2d({ inChannels: 1, outChannels: 2, kernelSize: 1, bias: false });
  assert.deepEqual(Object.keys(noBias.stateDict()), ['weight']);
});

test('Conv2d forward equals the definition with its parameters; padding same keeps the size', () => {
  const conv = new nn.Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3, stride: 2, padding: 1, dilation: 1 }, { dtype: 'float64', rng: new Rng(2) });
  const x = rand64([2, 3, 9, 9], 3, { grad: false });
  const y = conv.forward(x);
  const ref = referenceConv2d(x.data, x.shape, conv.weight.data, conv.weight.shape, conv.bias!.data,
    { stride: [2, 2], padding: [1, 1], dilation: [1, 1], groups: 1 });
  assert.deepEqual([...y.shape], ref.shape);
  assertClose(y.data, ref.data, 1e-13);

  const same = new nn.Conv2d({ inChannels: 2, outChannels: 2, kernelSize: [3, 5], padding: 'same', dilation: 2 });
  assert.deepEqual(same.config.padding, [2, 4]);
  assert.deepEqual([...same.forward(ops.astype(rand64([1, 2, 7, 11], 4, { grad: false }), 'float32')).shape], [1, 2, 7, 11]);
});

test('pooling layers equal the definitions and use the kernel as the default stride', () => {
  const x = rand64([2, 3, 7, 6], 5, { grad: false });
  const mp = new nn.MaxPool2d({ kernelSize: 2 });
  assert.deepEqual(mp.config.stride, [2, 2]);
  assert.deepEqual(mp.forward(x).toArray(), referencePool2d(x.data, x.shape, 'max', [2, 2], [2, 2], [0, 0]).data);
  const ap = new nn.AvgPool2d({ kernelSize: 3, stride: 2, padding: 1, countIncludePad: false });
  assertClose(ap.forward(x).data, referencePool2d(x.data, x.shape, 'avg', [3, 3], [2, 2], [1, 1], false).data, 1e-14);
  assert.equal(mp.parameters().length + ap.parameters().length, 0);
});

test('global average pooling, spatialToSequence and Flatten move the right numbers', () => {
  const x = rand64([2, 3, 2, 4], 6, { grad: false });
  const at = (n: number, c: number, h: number, w: number) => x.data[((n * 3 + c) * 2 + h) * 4 + w];
  const v = new nn.GlobalAvgPool2d().forward(x);
  assert.deepEqual([...v.shape], [2, 3]);
  for (let n = 0; n < 2; n++) {
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let h = 0; h < 2; h++) for (let w = 0; w < 4; w++) s += at(n, c, h, w);
      assert.ok(Math.abs(v.data[n * 3 + c] - s / 8) < 1e-14);
    }
  }
  const seq = nn.spatialToSequence(x);
  assert.deepEqual([...seq.shape], [2, 8, 3]);
  for (let n = 0; n < 2; n++) for (let h = 0; h < 2; h++) for (let w = 0; w < 4; w++) for (let c = 0; c < 3; c++) {
    assert.equal(seq.data[(n * 8 + h * 4 + w) * 3 + c], at(n, c, h, w));
  }
  assert.deepEqual([...new nn.Flatten().forward(x).shape], [2, 24]);
  assert.deepEqual([...new nn.Flatten(2).forward(x).shape], [2, 3, 8]);
  assert.throws(() => new nn.Flatten(4).forward(x), /Flatten: expected startDim in \[0, 3\] for input \[2, 3, 2, 4\], got 4/);
  assert.throws(() => nn.globalAvgPool2d(rand64([2, 3], 1)), /globalAvgPool2d: expected input of shape \[N, C, H, W\], got \[2, 3\]/);
});

test('gradcheck through a small encoder: conv → relu → maxpool → conv → avgpool → global pool', () => {
  const c1 = new nn.Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3, padding: 1 }, { dtype: 'float64', rng: new Rng(7) });
  const c2 = new nn.Conv2d({ inChannels: 4, outChannels: 5, kernelSize: 3, stride: 2, padding: 1 }, { dtype: 'float64', rng: new Rng(8) });
  const mp = new nn.MaxPool2d({ kernelSize: 2 }), ap = new nn.AvgPool2d({ kernelSize: 2, stride: 1 });
  const x = rand64([2, 3, 8, 8], 9);
  check((t, w1, b1, w2, b2) => {
    const h = mp.forward(ops.relu(ops.conv2d(t, w1, b1, { padding: 1 })));
    return nn.globalAvgPool2d(ap.forward(ops.conv2d(h, w2, b2, { stride: 2, padding: 1 })));
  }, [x, c1.weight, c1.bias!, c2.weight, c2.bias!]);
});

test('layer configs are checked', () => {
  assert.throws(() => new nn.Conv2d({ inChannels: 0, outChannels: 2, kernelSize: 3 }), /Conv2d: expected inChannels to be an integer >= 1, got 0/);
  assert.throws(() => new nn.Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3, groups: 2 }), /expected groups to divide inChannels \(3\) and outChannels \(4\), got 2/);
  assert.throws(() => new nn.Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 2, padding: 'same' }), /padding 'same' needs stride 1 and an odd dilated kernel/);
  assert.throws(() => new nn.MaxPool2d({ kernelSize: [2, -1] }), /MaxPool2d: expected kernelSize to be an integer >= 1, got \[2,-1\]/);
  const conv = new nn.Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3 });
  assert.throws(() => conv.forward(ops.astype(rand64([1, 1, 5, 5], 1, { grad: false }), 'float32')), /expected input of shape \[N, 3, H, W\].*got \[1, 1, 5, 5\]/);
});
