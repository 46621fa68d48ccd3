// `unfold tasks uncertainty`: a short run whose 90 % interval covers most held-out observations;
// with dropout 0 the passes agree, so the model-only interval collapses onto the deterministic
// forecast; the HTML report holds the forecasts it was given; the command's result line.

import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runUncertainty } from '../../src/tasks/uncertainty.js';
import { intervalReportHtml } from '../../src/viz/interval_report.js';
import { runCommand } from '../helpers/command.js';

const small = { trainSize: 300, valSize: 150, testSize: 150, hiddenSize: 12, window: 16, steps: 120, time: 0, passes: 30, batchSize: 32, lr: 1e-2 };

test('a short MC-dropout run forecasts better than the series spread and its interval covers most held-out points', async () => {
  const r = await runUncertainty({ ...small, dropout: 0.1 });
  assert.ok(r.rmse < 0.5, `RMSE ${r.rmse} (the series has standard deviation 1)`);
  assert.ok(r.coverage > 0.7 && r.coverage <= 1, `coverage ${r.coverage}`);
  assert.ok(r.modelCoverage <= r.coverage, 'the noise widens the interval');
  r.lower.forEach((lo, i) => assert.ok(lo <= r.upper[i]));
});

test('with dropout 0 the passes agree: the model-only interval collapses onto the MC mean, which is the deterministic forecast', async () => {
  const r = await runUncertainty({ ...small, steps: 20, dropout: 0 });
  r.mean.forEach((m, i) => {
    assert.ok(Math.abs(r.modelLower[i] - m) < 1e-6 && Math.abs(r.modelUpper[i] - m) < 1e-6);
  });
  assert.ok(Math.abs(r.rmse - r.deterministicRmse) < 1e-6);
});

test('the interval report carries the forecasts as given', () => {
  const html = intervalReportHtml('t', 'note <b>', { observed: [1, 2], mean: [1.5, 2.5], band: [[0, 1], [3, 4]], bandLabel: '90 %' });
  assert.match(html, /note &lt;b&gt;/);
  const json = /<script type="application\/json" id="interval-data">(.*?)<\/script>/s.exec(html)![1];
  const d = JSON.parse(json);
  assert.deepEqual([d.observed, d.mean, d.lower, d.upper, d.innerLower], [[1, 2], [1.5, 2.5], [0, 1], [3, 4], null]);
});

test('unfold tasks uncertainty: the result line and the report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'uncertainty-'));
  const report = join(dir, 'r.html');
  const c = runCommand('tasks/uncertainty', 'uncertaintyTask', '--steps', '3', '--hidden', '4', '--passes', '5', '--report', report, '--json');
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stdout.trim(), /^\{"task":"uncertainty","cell":"lstm","length":4,"metric":"coverage90","value":[\d.]+,"baseline":0.9,"steps":3,/);
  assert.match(readFileSync(report, 'utf8'), /id="interval-chart"/);
});
