// A short version of the image side of captioning: a two-layer convolutional encoder with global
// average pooling and a linear read-out learns, in seconds, to name the kind of the single shape
// in generated images (square / circle / triangle; chance is 1/3) on held-out images.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nn from '../../../src/nn/index.js';
import * as ops from '../../../src/autograd/index.js';
import { Adam } from '../../../src/optim/index.js';
import { Rng } from '../../../src/tensor/random.js';
import { Tensor } from '../../../src/tensor/tensor.js';
import { SHAPE_KINDS, shapesDataset } from '../../../src/tasks/shapes_images.js';

class Encoder extends nn.Module {
  c1: nn.Conv2d; c2: nn.Conv2d; pool = new nn.MaxPool2d({ kernelSize: 2 }); head: nn.Linear;
  constructor(rng: Rng) {
    super();
    this.c1 = this.registerModule('c1', new nn.Conv2d({ inChannels: 3, outChannels: 8, kernelSize: 3, padding: 1 }, { rng }));
    this.c2 = this.registerModule('c2', new nn.Conv2d({ inChannels: 8, outChannels: 16, kernelSize: 3, padding: 1 }, { rng }));
    this.head = this.registerModule('head', new nn.Linear({ inFeatures: 16, outFeatures: 3 }, { rng }));
  }
  getConfig(): Record<string, never> { return {}; }
  forward(x: Tensor): Tensor {
    const h = this.pool.forward(ops.relu(this.c1.forward(x)));            // [N, 8, 12, 12]
    return this.head.forward(nn.globalAvgPool2d(ops.relu(this.c2.forward(h)))); // [N, 3]
  }
}

function kinds(shapes: readonly (readonly { kind: string }[])[]): ops.IndexTensor {
  return ops.indices(shapes.map((s) => SHAPE_KINDS.indexOf(s[0].kind as never)));
}

test('a small conv encoder learns the shape kind of single-shape images in seconds', () => {
  const model = new Encoder(new Rng(3));
  const opt = new Adam(model.parameters(), { lr: 1e-2 });
  const test = shapesDataset(300, 999, { maxShapes: 1 });
  const accuracy = (): number => {
    const pred = ops.argmax(ops.noGrad(() => model.forward(test.images)), -1);
    const want = kinds(test.shapes).data;
    let ok = 0;
    for (let i = 0; i < pred.length; i++) if (pred[i] === want[i]) ok++;
    return ok / pred.length;
  };
  const before = accuracy();
  const t0 = Date.now();
  for (let step = 0; step < 150; step++) {
    const batch = shapesDataset(32, step, { maxShapes: 1 });
    const loss = nn.crossEntropy(model.forward(batch.images), kinds(batch.shapes));
    opt.zeroGrad();
    loss.backward();
    opt.step();
  }
  const after = accuracy();
  console.log(`shape-kind accuracy ${before.toFixed(3)} → ${after.toFixed(3)} in ${Date.now() - t0} ms`);
  assert.ok(after > 0.8, `held-out accuracy ${after} (chance 1/3)`);
});
