// The resume state of a fit() run on disk (node-only), and the checkpoint pair it makes with the
// model file. The state is a safetensors file beside the model (model.safetensors →
// model.state.safetensors), tensors as tensors and the rest as JSON in `__metadata__`, so that the
// model file stays a clean state dict that PyTorch reads and `unfold sample` loads on its own.
//
// The pair is written so that a kill at any moment leaves a model file that loads and a state file
// that resumes it (each file is itself written atomically: temporary file, fsync, rename):
//   1. the state file that belongs to the model on disk is renamed to model.state.safetensors.prev;
//   2. the new state is written to model.state.safetensors;
//   3. the new model is written to model.safetensors;
//   4. model.state.safetensors.prev is removed.
// Before 3 the old model is on disk and its state is in .prev (or, before 1, in the state file);
// from 3 on the new state file belongs to the new model. A state names the model it belongs to by
// its step and the SHA-256 of the model file's bytes; loading takes whichever of the two state files
// belongs to the model file, so neither an interrupted save nor another run's state for the same
// step is taken for it. Step 1 moves the state file only when it belongs to the model (after a kill
// between 2 and 3 it does not, and .prev must stay): the first save of a process checks the files,
// later saves know they wrote the pair themselves.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { dirname } from 'node:path';
import type { Tensor } from '../tensor/tensor.js';
import type { OptimizerStateDict } from '../optim/state_dict.js';
import type { SchedulerStateDict } from '../optim/lr_scheduler.js';
import { parseSafetensorsHeader, serializeSafetensors } from '../io/safetensors.js';
import { loadSafetensorsSync } from '../io/checkpoint_file.js';
import { readRegularFileSync } from '../io/read_file.js';
import { writeFileAtomic } from '../io/atomic_write.js';
import type { FitCheckpoint } from './fit.js';
import type { Module } from '../nn/module.js';
import type { Vocab } from '../data/vocab.js';
import { classNameOf } from '../nn/registry.js';
import { serializeCheckpoint, statePathFor } from './checkpoint.js';
import { loadCheckpoint } from './checkpoint_file.js';
import type { FitState, SavedState } from './fit_state.js';

const META_KEY = 'unfold.fit_state';
const OLD_META_KEY = 'unfold.train_state';

/** Where the state of the model on disk waits while a new pair is written (see the file's opening). */
export function prevStatePathFor(modelPath: string): string {
  return `${statePathFor(modelPath)}.prev`;
}

/**
 * A checkpoint for fit() as a pair of files (their folder made when missing): the model file at
 * `path`, whose bytes for a step `modelBytes` gives, and the resume state at statePathFor(path).
 */
export function fileCheckpoint(
  path: string, modelBytes: (step: number) => Uint8Array, extra: Omit<FitCheckpoint, 'path' | 'capture'> = {},
): FitCheckpoint {
  // Whether the pair on disk is the one this checkpoint last wrote (then its state file belongs to its model).
  let wrotePair = false;
  return {
    path, ...extra,
    capture: (state) => {
      const model = modelBytes(state.step);
      const saved = serializeFitState(state, model);
      return async () => {
        const paired = wrotePair;
        wrotePair = false;
        await writePair(path, model, saved, paired);
        wrotePair = true;
      };
    },
  };
}

/**
 * The usual checkpoint of a run: `model` (with `vocabs`) in the one checkpoint format at `path`, and
 * its resume state beside it.
 */
export function modelCheckpoint(
  path: string, model: Module, vocabs: Readonly<Record<string, Vocab>> = {}, extra: Omit<FitCheckpoint, 'path' | 'capture'> = {},
): FitCheckpoint {
  return fileCheckpoint(path, (step) => serializeCheckpoint({ model, vocabs, step }), extra);
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

// Steps 1 to 4 of the file's opening. `paired`: the state file is known to belong to the model file.
async function writePair(path: string, model: Uint8Array, state: Uint8Array, paired: boolean): Promise<void> {
  await fs.promises.mkdir(dirname(path), { recursive: true });
  const statePath = statePathFor(path), prev = prevStatePathFor(path);
  if (paired || belongsTo(statePath, path)) {
    await fs.promises.rename(statePath, prev).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e; });
  }
  await writeFileAtomic(statePath, state);
  await writeFileAtomic(path, model);
  await fs.promises.rm(prev, { force: true });
}

// Whether the state file at `statePath` belongs to the model file at `modelPath` (false when either
// is missing or unreadable). Only the header is parsed; a state from before model hashes is taken
// as belonging, as the save order then guaranteed.
function belongsTo(statePath: string, modelPath: string): boolean {
  if (!fs.existsSync(statePath) || !fs.existsSync(modelPath)) return false;
  try {
    const raw = parseSafetensorsHeader(readRegularFileSync(statePath, 'training state')).metadata[META_KEY];
    if (raw === undefined) return false;
    const meta = JSON.parse(raw) as { modelSha256?: unknown } | null;
    if (meta === null || typeof meta !== 'object') return false;
    return meta.modelSha256 === undefined || meta.modelSha256 === sha256(readRegularFileSync(modelPath, 'checkpoint'));
  } catch {
    return false;
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The bytes of the state file of `s`, for the model file whose bytes are `model`. */
export function serializeFitState(s: FitState, model: Uint8Array): Uint8Array {
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(s.optimizer.tensors)) tensors[`optimizer.${k}`] = t;
  const saved: Record<string, unknown> = {};
  for (const [name, r] of Object.entries(s.resumables)) {
    for (const [k, t] of Object.entries(r.tensors ?? {})) tensors[`${name}.${k}`] = t;
    saved[name] = { meta: r.meta ?? null, tensors: Object.keys(r.tensors ?? {}) };
  }
  const meta = {
    step: s.step, modelSha256: sha256(model), elapsed: s.elapsed, units: s.units, options: s.options,
    optimizer: s.optimizer.meta, scheduler: s.scheduler, resumables: saved,
  };
  return serializeSafetensors(tensors, { [META_KEY]: JSON.stringify(meta) });
}

/**
 * Reads the state saved with the model checkpoint at `modelPath`, whose step is `modelStep`: the
 * state file, or the one kept while a save was interrupted (prevStatePathFor), whichever belongs to
 * that model file.
 */
export function loadFitState(modelPath: string, modelStep: number): FitState {
  const statePath = statePathFor(modelPath), prev = prevStatePathFor(modelPath);
  const paths = fs.existsSync(prev) ? [statePath, prev] : [statePath];
  let modelHash: string | undefined;
  const hashOfModel = (): string => (modelHash ??= sha256(readRegularFileSync(modelPath, 'checkpoint')));
  const refusals: string[] = [];
  for (const path of paths) {
    let file: StateFile;
    try { file = readStateFile(path); } catch (e) {
      // An unreadable state file is only fatal when no other one may belong to the model.
      if (paths.length === 1) throw e;
      refusals.push((e as Error).message);
      continue;
    }
    const { meta } = file;
    if (meta.step !== modelStep) {
      refusals.push(`${path}: expected training state for step ${modelStep} (the model checkpoint's), got step ${String(meta.step)}`);
    } else if (meta.modelSha256 !== undefined && meta.modelSha256 !== hashOfModel()) {
      refusals.push(`${path}: expected training state for the model in ${modelPath}, got one for another model file of the same step ${modelStep}`);
    } else {
      return fitStateOf(path, file, modelStep);
    }
  }
  throw new Error(refusals.join('; '));
}

interface StateFile { meta: Record<string, unknown>; tensors: Record<string, Tensor> }

// A state file as serializeFitState writes it, as far as its metadata is a JSON object.
function readStateFile(path: string): StateFile {
  const { tensors, metadata } = loadSafetensorsSync(path);
  const raw = metadata[META_KEY];
  if (raw === undefined) {
    const older = metadata[OLD_META_KEY] !== undefined ? ' (this file was written by an older unfold, whose runs cannot be resumed)' : '';
    throw new Error(`${path}: expected training state metadata '${META_KEY}', got none${older}`);
  }
  let meta: Record<string, unknown>;
  try { meta = JSON.parse(raw) as Record<string, unknown>; } catch { throw new Error(`${path}: training state metadata is not valid JSON`); }
  if (meta === null || typeof meta !== 'object') throw new Error(`${path}: expected training state as a JSON object, got ${raw.slice(0, 40)}`);
  return { meta, tensors };
}

// The FitState of a state file that belongs to the model, checked.
function fitStateOf(path: string, { meta: m, tensors }: StateFile, modelStep: number): FitState {
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
