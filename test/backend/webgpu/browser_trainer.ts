// A second page for ./webgpu_browser.test.ts: `unfold train`'s own training function (trainCharModel:
// AdamW, clipping, a cosine schedule, evaluations and samples at intervals) on the webgpu backend
// and on wasm, from the same seed, leaving both results in `window.unfoldTrainer`. The trainer's
// module imports Node's file functions for checkpoints; the bundle stubs them (no checkpoint here).

import { initWebGPU } from '../../../src/backend/webgpu/init.js';
import { webgpuBackend } from '../../../src/backend/webgpu/webgpu_backend.js';
import { setBackend, wasmBackend, type Backend } from '../../../src/backend/backend.js';
import { trainCharModel } from '../../../src/train/trainer.js';

export interface TrainerRun { steps: number; trainLoss: number; valLoss: number; sample: string; evals: number[] }

async function run(be: Backend): Promise<TrainerRun> {
  setBackend(be);
  const text = 'the quick brown fox jumps over the lazy dog.\n'.repeat(40);
  const evals: number[] = [];
  const r = await trainCharModel({
    text, out: null,
    options: { steps: 6, hiddenSize: 24, embeddingSize: 8, batchSize: 4, seqLen: 16, evalEvery: 3, evalChars: 200, sampleLength: 20, clip: 0.5, seed: 3, time: 0 },
    callbacks: { onEval: (e) => { evals.push(e.valLoss); } },
  });
  return { steps: r.steps, trainLoss: r.trainLoss, valLoss: r.valLoss, sample: r.sample, evals };
}

const w = globalThis as unknown as { unfoldTrainer?: { webgpu: TrainerRun; wasm: TrainerRun } | { error: string } | { skipped: string } };
(async () => {
  if (!(await initWebGPU())) return { skipped: 'no WebGPU adapter' };
  return { webgpu: await run(webgpuBackend), wasm: await run(wasmBackend) };
})().then((r) => { w.unfoldTrainer = r; }, (e: Error) => { w.unfoldTrainer = { error: String(e.stack ?? e) }; });
