// Opening a checkpoint in a command: the one reader, then the kind of model the command takes, or
// an error that says which kind the file holds and which command takes that kind (or that none
// does, and the library opens it).

import type { Module } from '../nn/module.js';
import { classNameOf } from '../nn/registry.js';
import { expectModel, type Checkpoint } from '../train/checkpoint.js';
import { loadCheckpoint } from '../train/checkpoint_file.js';

// The commands that open each kind of model.
const TAKEN_BY: Readonly<Record<string, string>> = {
  'train.CharModel': 'use unfold sample, unfold eval or unfold viz',
  'seq2seq.Seq2Seq': 'use unfold seq2seq translate or unfold viz',
  'seq2seq.CaptionModel': 'use unfold viz for its attention maps, or unfold tasks captions --out DIR --resume to train it on',
  'tree.TreeClassifier': 'unfold tasks sentiment-trees --out DIR --resume trains it on; the library\'s loadCheckpoint() opens it',
  'tree.TreeRegressor': 'unfold tasks expr-trees --out DIR --resume trains it on; the library\'s loadCheckpoint() opens it',
  'tasks.SequenceModel': 'the tree tasks\' sequence baseline: unfold tasks expr-trees or sentiment-trees --out DIR --resume trains it on',
  'interop.KerasSequential': 'an imported Keras model: unfold export tfjs takes it; the library\'s loadCheckpoint() opens it',
  'tasks.TaskModel': 'a task suite model: unfold tasks <task> --out DIR --resume trains it on; the library\'s loadCheckpoint() opens it',
  'interop.RecurrentModel': 'an imported model: unfold export onnx writes it back out; the library\'s loadCheckpoint() opens it',
};

/** Where a checkpoint of `c`'s kind can be opened instead, for refusals. */
export function whereOpened(c: Checkpoint): string {
  return TAKEN_BY[classNameOf(c.model)] ?? 'no unfold command takes this kind; the library\'s loadCheckpoint() opens it';
}

/**
 * `c`'s model when it is a `cls` (`expected` says what that is, for the error: "a character-level
 * language model"); otherwise an error naming the kind that came and where it opens.
 */
export function expectKind<M extends Module>(c: Checkpoint, cls: abstract new (...args: never[]) => M, expected: string, command: string): M {
  try {
    return expectModel(c, cls, expected, command);
  } catch (e) {
    throw new Error(`${(e as Error).message} (${whereOpened(c)})`, { cause: e });
  }
}

/** The checkpoint at `path`, whose model must be a `cls` (see expectKind). */
export function openCheckpoint<M extends Module>(path: string, cls: abstract new (...args: never[]) => M, expected: string, command: string): Checkpoint & { model: M } {
  const c = loadCheckpoint(path);
  return { ...c, model: expectKind(c, cls, expected, command) };
}
