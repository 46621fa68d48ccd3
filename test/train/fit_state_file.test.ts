// The checkpoint pair (model file + resume state) against a crash at every point of a save, twice
// in a row: whatever was interrupted, the model file loads and a state that belongs to it is found;
// a state of another model of the same step is never taken for it; the model file stays a plain
// state dict. A crash is simulated by failing the save's next rename or removal (a kill would also
// leave the temporary file, which the next write removes: test/io/atomic_write.test.ts).

import { test, mock, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { join } from 'node:path';
import '../../src/autograd/methods.js';
import { tensor } from '../../src/tensor/tensor.js';
import { Linear } from '../../src/nn/layers/linear.js';
import { serializeSafetensors } from '../../src/io/safetensors.js';
import { loadSafetensorsSync } from '../../src/io/checkpoint_file.js';
import type { FitState } from '../../src/train/fit_state.js';
import { fileCheckpoint, loadFitState, modelCheckpoint, prevStatePathFor } from '../../src/train/fit_state_file.js';
import { statePathFor } from '../../src/train/checkpoint.js';
import { tempDir } from '../helpers/files.js';

afterEach(() => mock.restoreAll());

/** A run's state at `step`, its one tensor holding `step + run` (so a state shows whose it is). */
function stateAt(step: number, run = 0): FitState {
  return {
    step, elapsed: step, units: step, options: { run },
    optimizer: { tensors: { 'state.0.v': tensor([step + run]) }, meta: { optimizer: 'SGD', paramGroups: [], state: {} } },
    scheduler: null, resumables: {},
  };
}

/** A checkpoint whose model file holds one tensor `step + run` and the step. */
const checkpointOf = (path: string, run = 0) =>
  fileCheckpoint(path, (step) => serializeSafetensors({ w: tensor([step + run]) }, { step: String(step) }));

type Crash = 'rename 1' | 'rename 2' | 'rename 3' | 'remove' | 'none';
const CRASHES: Crash[] = ['rename 1', 'rename 2', 'rename 3', 'remove', 'none'];

/** Saves `step` with a fresh checkpoint (a new process), failing at `crash`. */
async function saveCrashing(path: string, step: number, crash: Crash): Promise<void> {
  const kill = (): never => { throw new Error('simulated kill'); };
  let renames = 0;
  const rename = fs.promises.rename;
  mock.method(fs.promises, 'rename', (...a: Parameters<typeof rename>) => (crash === `rename ${++renames}` ? kill() : rename(...a)));
  if (crash === 'remove') mock.method(fs.promises, 'rm', kill);
  // A save that renames less (its state file did not belong to its model) may never reach `crash`.
  await checkpointOf(path).capture(stateAt(step))().catch((e: Error) => assert.match(e.message, /simulated kill/));
  mock.restoreAll();
}

/** What a resume finds: the model file's step, and the state loaded for it. */
function resumeFrom(path: string): { step: number; w: number; state: FitState } {
  const { tensors, metadata } = loadSafetensorsSync(path);
  const step = Number(metadata.step);
  return { step, w: tensors.w.data[0], state: loadFitState(path, step) };
}

test('a crash at any point of two saves in a row leaves a model file and the state that belongs to it', async () => {
  for (const first of CRASHES) {
    for (const second of CRASHES) {
      const path = join(tempDir(), 'm.safetensors');
      await checkpointOf(path).capture(stateAt(2))();
      await saveCrashing(path, 4, first);
      await saveCrashing(path, 6, second);
      const where = `crash at ${first}, then at ${second}`;
      const { step, w, state } = resumeFrom(path);
      assert.equal(w, step, where);
      assert.equal(state.step, step, where);
      assert.equal(state.optimizer.tensors['state.0.v'].data[0], step, `${where}: the state of step ${step}`);
      if (second === 'none') {
        assert.equal(step, 6, where);
        assert.deepEqual(fs.readdirSync(join(path, '..')).sort(), ['m.safetensors', 'm.state.safetensors'], `${where}: nothing else left`);
      }
    }
  }
});

test('a state file of another model at the same step is not taken for this one; the kept one is', async () => {
  const dir = tempDir();
  const path = join(dir, 'm.safetensors'), other = join(dir, 'other.safetensors');
  await checkpointOf(path, 0).capture(stateAt(5, 0))();
  await checkpointOf(other, 100).capture(stateAt(5, 100))();
  // The model of run 0 with the state of run 100, both at step 5, and run 0's own state as .prev.
  fs.renameSync(statePathFor(path), prevStatePathFor(path));
  fs.copyFileSync(statePathFor(other), statePathFor(path));
  assert.equal(resumeFrom(path).state.optimizer.tensors['state.0.v'].data[0], 5);
  fs.rmSync(prevStatePathFor(path));
  assert.throws(() => resumeFrom(path), new RegExp(`^Error: ${statePathFor(path)}: expected training state for the model in ${path}, got one for another model file of the same step 5$`));
});

test('a state of another step is refused with both files named', async () => {
  const dir = tempDir();
  const path = join(dir, 'm.safetensors'), other = join(dir, 'x.safetensors');
  await checkpointOf(path).capture(stateAt(2))();
  await saveCrashing(path, 4, 'rename 3');
  // Now the model of step 2, the new state (step 4), and step 2's state as .prev: make that one of step 3.
  await checkpointOf(other).capture(stateAt(3))();
  fs.copyFileSync(statePathFor(other), prevStatePathFor(path));
  assert.throws(() => loadFitState(path, 2), (e: Error) =>
    e.message === `${statePathFor(path)}: expected training state for step 2 (the model checkpoint's), got step 4; `
      + `${prevStatePathFor(path)}: expected training state for step 2 (the model checkpoint's), got step 3`);
});

test("the model file of modelCheckpoint holds the model's state dict and nothing else", async () => {
  const path = join(tempDir(), 'sub', 'lin.safetensors');
  const m = new Linear({ inFeatures: 3, outFeatures: 2 });
  await modelCheckpoint(path, m).capture(stateAt(7))();
  assert.deepEqual(Object.keys(loadSafetensorsSync(path).tensors).sort(), Object.keys(m.stateDict()).sort());
  assert.equal(loadFitState(path, 7).step, 7);
});
