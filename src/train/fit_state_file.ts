// The resume state of a fit() run on disk (node-only): a safetensors file beside the model checkpoint
// (model.safetensors → model.state.safetensors), tensors as tensors and the rest as JSON in
// `__metadata__`, so that the model file stays a clean state dict that PyTorch reads. Saved before
// the model file, so a crash between the two leaves a model of an older step, which loading detects.

import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Tensor } from '../tensor/tensor.js';
import type { OptimizerStateDict } from '../optim/state_dict.js';
import type { SchedulerStateDict } from '../optim/lr_scheduler.js';
import { saveSafetensors, loadSafetensorsSync } from '../io/checkpoint_file.js';
import type { FitCheckpoint } from './fit.js';
import type { Module } from '../nn/module.js';
import type { Vocab } from '../data/vocab.js';
import { classNameOf } from '../nn/registry.js';
import { statePathFor } from './checkpoint.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint_file.js';
import type { FitState, SavedState } from './fit_state.js';

const META_KEY = 'unfold.fit_state';
const OLD_META_KEY = 'unfold.train_state';

/**
 * A checkpoint for fit() as two files (their folder made when missing): the resume state at
 * statePathFor(path), then the model file written by `saveModel` (the one checkpoint format).
 */
export function fileCheckpoint(
  path: string, saveModel: (step: number) => Promise<void>, extra: Omit<FitCheckpoint, 'path' | 'save'> = {},
): FitCheckpoint {
  return {
    path, ...extra,
    save: async (state) => {
      await mkdir(dirname(path), { recursive: true });
      await saveFitState(path, state);
      await saveModel(state.step);
    },
  };
}

/**
 * The usual checkpoint of a run: `model` (with `vocabs`) in the one checkpoint format at `path`, and
 * its resume state beside it.
 */
export function modelCheckpoint(
  path: string, model: Module, vocabs: Readonly<Record<string, Vocab>> = {}, extra: Omit<FitCheckpoint, 'path' | 'save'> = {},
): FitCheckpoint {
  return fileCheckpoint(path, (step) => saveCheckpoint(path, { model, vocabs, step }), extra);
}

/**
 * Continues a run saved at `path` in a model built as the run built it: copies the checkpoint's
 * weights into `model` (which must be of the same class and shapes) and returns the resume state
 * for fit().
 */
export function resumeInto(path: string, model: Module): FitState {
  const c = loadCheckpoint(path);
  if (classNameOf(c.model) !== classNameOf(model)) {
    throw new Error(`${path}: expected a checkpoint of a ${classNameOf(model)} model to resume, got a ${classNameOf(c.model)} model`);
  }
  try { model.loadStateDict(c.model.stateDict()); } catch (e) { throw new Error(`${path}: ${(e as Error).message}`, { cause: e }); }
  return loadFitState(path, c.step);
}

/** Writes the state of the run whose model file is `modelPath` (atomically). */
export async function saveFitState(modelPath: string, s: FitState): Promise<void> {
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(s.optimizer.tensors)) tensors[`optimizer.${k}`] = t;
  const saved: Record<string, unknown> = {};
  for (const [name, r] of Object.entries(s.resumables)) {
    for (const [k, t] of Object.entries(r.tensors ?? {})) tensors[`${name}.${k}`] = t;
    saved[name] = { meta: r.meta ?? null, tensors: Object.keys(r.tensors ?? {}) };
  }
  const meta = {
    step: s.step, elapsed: s.elapsed, units: s.units, options: s.options,
    optimizer: s.optimizer.meta, scheduler: s.scheduler, resumables: saved,
  };
  await saveSafetensors(statePathFor(modelPath), tensors, { [META_KEY]: JSON.stringify(meta) });
}

/** Reads the state saved with the model checkpoint at `modelPath`, checking it belongs to step `modelStep`. */
export function loadFitState(modelPath: string, modelStep: number): FitState {
  const path = statePathFor(modelPath);
  const { tensors, metadata } = loadSafetensorsSync(path);
  const raw = metadata[META_KEY];
  if (raw === undefined) {
    const older = metadata[OLD_META_KEY] !== undefined ? ' (this file was written by an older unfold, whose runs cannot be resumed)' : '';
    throw new Error(`${path}: expected training state metadata '${META_KEY}', got none${older}`);
  }
  let m: Record<string, unknown>;
  try { m = JSON.parse(raw) as Record<string, unknown>; } catch { throw new Error(`${path}: training state metadata is not valid JSON`); }
  if (m === null || typeof m !== 'object') throw new Error(`${path}: expected training state as a JSON object, got ${raw.slice(0, 40)}`);
  if (m.step !== modelStep) {
    throw new Error(`${path}: expected training state for step ${modelStep} (the model checkpoint's), got step ${String(m.step)}; the save was interrupted`);
  }
  for (const k of ['elapsed', 'units'] as const) {
    if (typeof m[k] !== 'number' || !(m[k] as number >= 0)) throw new Error(`${path}: expected ${k} to be a number >= 0, got ${JSON.stringify(m[k])}`);
  }
  const under = (prefix: string): Record<string, Tensor> => {
    const out: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(tensors)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = t;
    return out;
  };
  const resumables: Record<string, SavedState> = {};
  const saved = (m.resumables ?? {}) as Record<string, { meta: unknown; tensors: unknown }>;
  for (const [name, r] of Object.entries(saved)) {
    const names = Array.isArray(r?.tensors) ? (r.tensors as string[]) : [];
    const own: Record<string, Tensor> = {};
    for (const k of names) {
      const t = tensors[`${name}.${k}`];
      if (t === undefined) throw new Error(`${path}: expected tensor ${name}.${k}, got none`);
      own[k] = t;
    }
    resumables[name] = { meta: r?.meta ?? null, tensors: own };
  }
  return {
    step: modelStep, elapsed: m.elapsed as number, units: m.units as number, options: m.options ?? null,
    optimizer: { tensors: under('optimizer.'), meta: m.optimizer as OptimizerStateDict['meta'] },
    scheduler: (m.scheduler ?? null) as SchedulerStateDict | null, resumables,
  };
}
