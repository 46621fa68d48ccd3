// Reading safetensors files by path: the errors name the file, and a file holding NaN or ±Infinity
// is refused by default (the training-state file of a run is read this way, so a diverged optimizer
// state cannot be resumed from silently).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tensor } from '../../src/tensor/tensor.js';
import { loadSafetensors, loadSafetensorsSync, saveSafetensorsSync } from '../../src/io/checkpoint_file.js';
import { tempDir } from '../helpers/files.js';

test('a file with a non-finite value is refused with its path, the tensor and the element, unless allowed', async () => {
  const path = join(tempDir(), 'm.state.safetensors');
  saveSafetensorsSync(path, { 'optimizer.exp_avg_sq.0': tensor([[1, 2], [Infinity, 4]]), 'optimizer.step': tensor([3]) });
  const pattern = new RegExp(`^SafetensorsError: ${path.replace(/[.]/g, '\\.')} is not a valid safetensors file: expected finite values, got tensor "optimizer\\.exp_avg_sq\\.0" holds Infinity at \\[1, 0\\] \\(flat index 2\\)`);
  assert.throws(() => loadSafetensorsSync(path), pattern);
  await assert.rejects(loadSafetensors(path), pattern);
  assert.deepEqual(loadSafetensorsSync(path, { allowNonFinite: true }).tensors['optimizer.exp_avg_sq.0'].toArray(), [1, 2, Infinity, 4]);
});
