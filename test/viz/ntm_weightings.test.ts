// The NTM report: the views hold the generated sequence and, at every step, each head's weighting
// (a distribution over the memory rows: non-negative, summing to 1); the page draws one grid per
// input, target, output, write and read weighting, cut to the rows some head used; the command
// refuses --report for the LSTM baseline.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BitSequenceModel, NTM_COPY } from '../../src/tasks/ntm_tasks.js';
import { ntmViews } from '../../src/tasks/ntm_views.js';
import { ntmReportHtml, touchedRows } from '../../src/viz/ntm_weightings.js';
import { Rng } from '../../src/tensor/random.js';
import { refusalOf } from '../helpers/cli.js';

test('touchedRows: the span of memory rows with at least 1% weight in any grid', () => {
  assert.deepEqual(touchedRows([[[0, 0.5, 0.5, 0]], [[0, 0, 0.009, 0.02]]]), [1, 3]);
  assert.deepEqual(touchedRows([[[0.001, 0]]]), [0, 0]);
});

test('ntmViews: the inputs of a fresh copy sequence, and weightings that are distributions over N rows at every step', () => {
  const N = 10;
  const model = new BitSequenceModel({ model: 'ntm', inputSize: 9, outputSize: 8, hiddenSize: 6, memorySize: N, memoryWidth: 4 }, 3);
  const [v] = ntmViews(NTM_COPY, model, new Rng(4), [3]);
  const want = NTM_COPY.generate(new Rng(4), 1, 3);
  assert.deepEqual(v.inputs.flat(), Array.from(want.x.dataSync()));
  assert.deepEqual(v.targets.flat(), Array.from(want.y.dataSync()));
  assert.equal(v.inputs.length, 7);                          // 2L + 1 steps
  assert.equal(v.outStart, 4);
  for (const grid of [v.read, v.write]) {
    assert.equal(grid.length, 7);
    for (const row of grid) {
      assert.equal(row.length, N);
      assert.ok(row.every((w) => w >= 0));
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
    }
  }
  for (const row of v.outputs) assert.ok(row.every((p) => p > 0 && p < 1));
  const html = ntmReportHtml('t', 'note', [v]);
  assert.equal((html.match(/<figure class="attention-map">/g) ?? []).length, 5);
  const [lo, hi] = touchedRows([v.read, v.write]);
  // the weighting grids: T rows of (hi − lo + 1) cells each, twice; plus inputs 7×9, targets and outputs 3×8 each
  assert.equal((html.match(/<td /g) ?? []).length, 2 * 7 * (hi - lo + 1) + 7 * 9 + 2 * 3 * 8);
});

test('unfold tasks ntm-copy --report refuses the LSTM baseline', async () => {
  assert.match(await refusalOf(['tasks', 'ntm-copy', '--model', 'lstm', '--steps', '1', '--report', 'x.html']),
    /--report draws the NTM's weightings: expected --model ntm, got lstm/);
});
