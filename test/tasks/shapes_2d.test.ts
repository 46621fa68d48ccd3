// shapes-2d: region labels of hand-placed shapes, the all-'none' accuracy counted by hand and equal
// to what a classifier that always says 'none' scores, a short 2-D LSTM run whose loss falls, and
// the command's result line.

import '../../src/autograd/methods.js';
import test from 'node:test';
import assert from 'node:assert/strict';
import { REGION_CLASSES, RegionClassifier, SHAPES_2D_DEFAULTS, noneAccuracy, regionAccuracy, regionLabels, runShapes2d } from '../../src/tasks/shapes_2d.js';
import { shapesDataset, type PlacedShape } from '../../src/tasks/shapes_images.js';
import { Rng } from '../../src/tensor/random.js';
import { runCommand } from '../helpers/command.js';

const shape = (kind: PlacedShape['kind'], row: number, col: number): PlacedShape => ({ kind, colour: 'red', row, col, x0: col * 8, y0: row * 8, size: 5 });

test('regionLabels: 0 for an empty cell, 1 + the kind index (square, circle, triangle) where a shape is', () => {
  assert.deepEqual([...regionLabels([shape('circle', 0, 2), shape('triangle', 2, 0), shape('square', 1, 1)], 3)], [0, 0, 2, 0, 1, 0, 3, 0, 0]);
  assert.deepEqual([...regionLabels([shape('triangle', 1, 0)], 2)], [0, 0, 3, 0]);
  assert.equal(REGION_CLASSES, 4);
});

test('all-none accuracy is 1 − shapes / regions, and a classifier that always says none scores exactly it', () => {
  const data = shapesDataset(30, 5);
  const shapes = data.shapes.reduce((s, x) => s + x.length, 0);
  const none = noneAccuracy(data, 3);
  assert.equal(none.cells, 1 - shapes / (30 * 9));
  assert.equal(none.images, 0);
  const model = new RegionClassifier({ encoder: { kind: 'mdlstm', patch: 4, hiddenSize: 2 }, regions: 9, classes: REGION_CLASSES }, { rng: new Rng(1) });
  model.head.weight.data.fill(0);
  for (let r = 0; r < 9; r++) model.head.bias!.data.set([5, 0, 0, 0], r * 4);
  assert.deepEqual(regionAccuracy(model, data, 3), none);
});

test('runShapes2d: a short 2-D LSTM run lowers the loss and scores held-out images', async () => {
  const res = await runShapes2d({ encoder: 'mdlstm', hiddenSize: 6, steps: 40, batchSize: 16, lr: 1e-2, testSize: 40, seed: 2 });
  assert.equal(res.steps, 40);
  assert.ok(res.loss < 0.7 * res.firstLoss, `loss ${res.firstLoss} → ${res.loss}`);
  assert.ok(res.cells >= 0 && res.cells <= 1 && res.images >= 0 && res.images <= 1);
  assert.equal(res.parameters, res.model.numParameters());
});

test('runShapes2d: each encoder starts at its own default learning rate unless given one; the 2-D LSTM reads blocks through its embedding', async () => {
  const firstLr = async (encoder: 'mdlstm' | 'conv', lr?: number): Promise<{ lr: number; model: RegionClassifier }> => {
    const lrs: number[] = [];
    const res = await runShapes2d({ encoder, lr, hiddenSize: 2, channels: [2, 2, 2], embedding: 3, steps: 2, batchSize: 2, testSize: 2, onStep: (i) => lrs.push(i.lr) });
    return { lr: lrs[0], model: res.model };
  };
  const md = await firstLr('mdlstm'), conv = await firstLr('conv');
  // the cosine schedule's first value, peak · (1 + cos 0) / 2 … up to rounding
  assert.ok(Math.abs(md.lr - SHAPES_2D_DEFAULTS.lr) < 1e-12, `${md.lr}`);
  assert.ok(Math.abs(conv.lr - SHAPES_2D_DEFAULTS.convLr) < 1e-12, `${conv.lr}`);
  for (const encoder of ['mdlstm', 'conv'] as const) {
    const given = await firstLr(encoder, 3e-3);
    assert.ok(Math.abs(given.lr - 3e-3) < 1e-12, `${encoder}: expected the given peak 0.003, got ${given.lr}`);
  }
  const enc = md.model.encoder.getConfig() as { embedding: number; hiddenSize: number };
  assert.deepEqual([enc.embedding, enc.hiddenSize], [3, 2]);
});

test('unfold tasks shapes-2d --json: the result line with both encoders', () => {
  const c = runCommand('tasks/shapes_2d', 'shapes2dTask', '--steps', '2', '--hidden', '3', '--test', '6', '--json');
  assert.equal(c.status, 0, c.stderr);
  const r = JSON.parse(c.stdout.trim()) as Record<string, unknown>;
  assert.deepEqual([r.task, r.cell, r.length, r.metric, r.steps, r.test], ['shapes-2d', 'mdlstm', 9, 'region_accuracy', 2, 6]);
  assert.equal(typeof r.baseline, 'number');
  assert.equal(typeof r.convImageAccuracy, 'number');
  const bad = runCommand('tasks/shapes_2d', 'shapes2dTask', '--patch', '5', '--steps', '1', '--test', '2');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /expected image sides divisible by the patch 5, got 24×24/);
});
