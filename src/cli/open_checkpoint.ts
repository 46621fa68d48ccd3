// Opening a checkpoint in a command: the one reader, then the kind of model the command takes, or
// an error that says which kind the file holds and which command takes that kind.

import type { Module } from '../nn/module.js';
import { classNameOf } from '../nn/registry.js';
import { expectModel, type Checkpoint } from '../train/checkpoint.js';
import { loadCheckpoint } from '../train/checkpoint_file.js';

// The commands that open each kind of model.
const TAKEN_BY: Readonly<Record<string, string>> = {
  'train.CharModel': 'unfold sample, unfold eval or unfold viz',
  'seq2seq.Seq2Seq': 'unfold seq2seq translate or unfold viz',
};

/**
 * The checkpoint at `path`, whose model must be a `cls` (`expected` says what that is, for the
 * error: "a character-level language model").
 */
export function openCheckpoint<M extends Module>(path: string, cls: abstract new (...args: never[]) => M, expected: string, command: string): Checkpoint & { model: M } {
  const c = loadCheckpoint(path);
  try {
    return { ...c, model: expectModel(c, cls, expected, command) };
  } catch (e) {
    const hint = TAKEN_BY[classNameOf(c.model)];
    throw new Error(`${(e as Error).message}${hint ? ` (use ${hint})` : ''}`, { cause: e });
  }
}
