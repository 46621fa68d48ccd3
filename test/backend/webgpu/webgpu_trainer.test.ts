// `unfold train`'s training function (trainCharModel: AdamW, clipping, schedule, evaluations and
// samples at intervals) on the webgpu backend in headless Chromium, against the same run on wasm.
// The page is ./browser_trainer.ts (see ./page.ts). Skipped, saying why, where Chromium or its
// WebGPU adapter is missing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { CHROMIUM } from '../../viz/browser.js';
import { onPage } from './page.js';
import type { TrainerRun } from './browser_trainer.js';

test('`unfold train`\'s training function runs on the webgpu backend in Chromium as on wasm', { skip: !existsSync(CHROMIUM) && 'needs Chromium at /usr/bin/chromium', timeout: 240_000 }, async (t) => {
  await onPage<{ webgpu: TrainerRun; wasm: TrainerRun } | { error: string } | { skipped: string }>('browser_trainer.ts', 'unfoldTrainer', [], (r, errors) => {
    if ('skipped' in r) { t.skip(`Chromium has no WebGPU adapter here: ${r.skipped}`); return; }
    if ('error' in r) assert.fail(`the page failed: ${r.error}`);
    const { webgpu, wasm } = r;
    assert.equal(webgpu.steps, 6);
    assert.equal(webgpu.evals.length, 2, 'two evaluations during the run');
    assert.ok(Math.abs(webgpu.trainLoss - wasm.trainLoss) <= 1e-4 * wasm.trainLoss, `training loss: webgpu ${webgpu.trainLoss}, wasm ${wasm.trainLoss}`);
    assert.ok(Math.abs(webgpu.valLoss - wasm.valLoss) <= 1e-4 * wasm.valLoss, `validation loss: webgpu ${webgpu.valLoss}, wasm ${wasm.valLoss}`);
    assert.equal(webgpu.sample.length, 20);
    assert.deepEqual(errors, []);
  });
});

