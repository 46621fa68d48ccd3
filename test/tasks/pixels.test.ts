// pixels: the binarised images are the shapes' covered pixels, grey levels round the mean of R, G, B;
// the independent-pixel baseline's NLL counted by hand; a short PixelRNN run whose loss falls and
// that draws images of the right size; the command's result line and its report of samples.

import '../../src/autograd/methods.js';
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PIXEL_SHAPES, independentPixelNll, pixelImages, runPixels } from '../../src/tasks/pixels.js';
import { shapeCovers, shapesDataset } from '../../src/tasks/shapes_images.js';
import { indices } from '../../src/autograd/ops/gather.js';
import { assertClose } from '../helpers/tensors.js';
import { runCommand } from '../helpers/command.js';

test('pixelImages with 2 levels: 1 exactly where a shape covers the pixel; with 4 levels a shape keeps one grey level', () => {
  const n = 5, img = pixelImages(n, 3, 2), data = shapesDataset(n, 3, PIXEL_SHAPES);
  assert.deepEqual([...img.shape], [n, 16, 16]);
  for (let i = 0; i < n; i++) {
    const want = new Int32Array(256);
    for (const s of data.shapes[i]) {
      for (let y = 0; y < s.size; y++) for (let x = 0; x < s.size; x++) if (shapeCovers(s.kind, s.size, x, y)) want[(s.y0 + y) * 16 + s.x0 + x] = 1;
    }
    assert.deepEqual([...img.data.subarray(i * 256, (i + 1) * 256)], [...want]);
  }
  const grey = pixelImages(n, 3, 4);
  grey.data.forEach((v, i) => assert.equal(v > 0, img.data[i] === 1));
  // red is (0.9 + 0.1 + 0.1) / 3 = 0.367 → round(0.367 · 3) = 1; yellow (0.633) → 2
  assert.ok(grey.data.every((v) => v <= 3));
});

test('independentPixelNll: −mean log((count + 1) / (n + L)) per pixel, counted by hand', () => {
  // two training images of 1×2 pixels: pixel 0 is 1 then 1, pixel 1 is 0 then 1
  const train = indices([1, 0, 1, 1], [2, 1, 2]), test1 = indices([1, 0], [1, 1, 2]);
  const want = -(Math.log(3 / 4) + Math.log(2 / 4)) / 2;
  assertClose([independentPixelNll(train, test1, 2)], [want], 1e-15);
  // three levels: every unseen level gets 1 / (n + 3)
  assertClose([independentPixelNll(train, indices([2, 2], [1, 1, 2]), 3)], [-Math.log(1 / 5)], 1e-15);
});

test('runPixels: a short run lowers the NLL, scores both models and draws images', async () => {
  const res = await runPixels({ hiddenSize: 6, steps: 20, batchSize: 6, lr: 1e-2, testSize: 10, baselineSize: 100, samples: 2, seed: 1 });
  assert.equal(res.steps, 20);
  assert.ok(res.loss < 0.85 * res.firstLoss, `loss ${res.firstLoss} → ${res.loss}`);
  assert.ok(res.nll > 0 && res.baselineNll > 0);
  assert.deepEqual([...res.samples.shape], [2, 16, 16]);
  assert.ok(res.samples.data.every((v) => v === 0 || v === 1));
});

test('unfold tasks pixels --json --report: the result line, and a page with the drawn images', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unfold-pixels-'));
  try {
    const report = join(dir, 'pixels.html');
    const c = runCommand('tasks/pixels', 'pixelsTask', '--steps', '2', '--hidden', '4', '--levels', '3', '--test', '4', '--samples', '3', '--batch', '4', '--report', report, '--json');
    assert.equal(c.status, 0, c.stderr);
    const r = JSON.parse(c.stdout.trim()) as Record<string, number | string>;
    assert.deepEqual([r.task, r.cell, r.length, r.metric, r.steps, r.levels], ['pixels', 'row-lstm', 256, 'nll_nats_per_pixel', 2, 3]);
    assertClose([r.bitsPerPixel as number], [(r.value as number) / Math.LN2], 1e-12);
    const html = readFileSync(report, 'utf8');
    assert.match(html, /<h2>Samples<\/h2>/);
    assert.equal(html.match(/<svg /g)?.length, 3 + 3); // the samples, then as many held-out images
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
