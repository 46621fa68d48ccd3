// The training state that --resume needs beyond the model: optimizer buffers, the random generators'
// states, the stream position and carried hidden state (stateful mode), and progress counters.
// Stored as a safetensors file beside the model checkpoint (tensors + JSON in __metadata__).

import { Tensor } from '../tensor/tensor.js';
import { saveSafetensors, loadSafetensorsSync } from '../io/checkpoint_file.js';
import type { OptimizerStateDict } from '../optim/state_dict.js';
import type { StreamBatcherState } from '../data/batches.js';
import type { CharModelState } from './char_model.js';
import { statePathFor } from './checkpoint.js';
import type { TrainOptions } from './options.js';

export interface ResumePoint {
  options: TrainOptions;
  step: number;
  elapsed: number;
  tokens: number;
  optimizer: OptimizerStateDict;
  batchRng: number[];
  dropoutRng: number[];
  stream: StreamBatcherState | null;
  carried: CharModelState | null;
}

const META_KEY = 'unfold.train_state';

export async function saveTrainState(modelPath: string, p: ResumePoint): Promise<void> {
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(p.optimizer.tensors)) tensors[`optimizer.${k}`] = t;
  p.carried?.forEach((t, i) => { tensors[`carried.${i}`] = t; });
  const meta = {
    options: p.options, step: p.step, elapsed: p.elapsed, tokens: p.tokens, optimizer: p.optimizer.meta,
    // NaN (no spare normal) does not survive JSON; null stands for it.
    batchRng: p.batchRng.map((v) => (Number.isNaN(v) ? null : v)),
    dropoutRng: p.dropoutRng.map((v) => (Number.isNaN(v) ? null : v)),
    stream: p.stream, carried: p.carried?.length ?? 0,
  };
  await saveSafetensors(statePathFor(modelPath), tensors, { [META_KEY]: JSON.stringify(meta) });
}

/** Loads the state saved with the model checkpoint at `modelPath`, checking it belongs to step `modelStep`. */
export function loadTrainState(modelPath: string, modelStep: number): ResumePoint {
  const path = statePathFor(modelPath);
  const { tensors, metadata } = loadSafetensorsSync(path);
  const raw = metadata[META_KEY];
  if (raw === undefined) throw new Error(`${path}: expected training state metadata '${META_KEY}', got none`);
  let m: Record<string, unknown>;
  try { m = JSON.parse(raw) as Record<string, unknown>; } catch { throw new Error(`${path}: training state metadata is not valid JSON`); }
  if (m.step !== modelStep) {
    throw new Error(`${path}: expected training state for step ${modelStep} (the model checkpoint's), got step ${String(m.step)}; the save was interrupted`);
  }
  const rng = (v: unknown, name: string): number[] => {
    if (!Array.isArray(v) || v.length !== 5) throw new Error(`${path}: expected ${name} as 5 numbers, got ${JSON.stringify(v)}`);
    return v.map((x) => (x === null ? NaN : Number(x)));
  };
  const optTensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(tensors)) if (k.startsWith('optimizer.')) optTensors[k.slice('optimizer.'.length)] = t;
  const nCarried = Number(m.carried ?? 0);
  const carried = nCarried > 0 ? Array.from({ length: nCarried }, (_, i) => {
    const t = tensors[`carried.${i}`];
    if (!t) throw new Error(`${path}: expected tensor carried.${i}, got none`);
    return t;
  }) : null;
  return {
    options: m.options as TrainOptions,
    step: Number(m.step), elapsed: Number(m.elapsed), tokens: Number(m.tokens),
    optimizer: { tensors: optTensors, meta: m.optimizer as OptimizerStateDict['meta'] },
    batchRng: rng(m.batchRng, 'batchRng'), dropoutRng: rng(m.dropoutRng, 'dropoutRng'),
    stream: (m.stream ?? null) as StreamBatcherState | null, carried,
  };
}
