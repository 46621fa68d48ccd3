// Checkpoints of the task commands that train models (captions, sentiment-trees, expr-trees):
// `--out DIR` keeps each trained model as DIR/run<k>/<model>.safetensors with its resume state, and
// `--resume` continues an interrupted command from there (models already done are not retrained).

import { join } from 'node:path';
import type { Command } from 'commander';
import { interruptExitStatus } from './interrupt.js';

export interface CheckpointFlags { out?: string; resume?: boolean }

/** Adds --out and --resume to a task command. */
export function checkpointOptions(cmd: Command): Command {
  return cmd
    .option('--out <dir>', 'save every trained model (and what resumes it) in this folder')
    .option('--resume', 'continue the interrupted command whose models are in --out');
}

/** The folder of run `run` (0-based), or undefined without --out. */
export function runFolder(f: CheckpointFlags, run: number): string | undefined {
  if (f.resume && f.out === undefined) throw new Error('--resume: expected --out <dir> with the interrupted run\'s models, got none');
  return f.out === undefined ? undefined : join(f.out, `run${run + 1}`);
}

/**
 * After an interrupted model: says where the models are and sets the exit status (130 after Ctrl-C,
 * 143 after SIGTERM: see ./interrupt.ts); the command then stops without training or reporting the
 * rest. Returns whether it was interrupted.
 */
export function stoppedEarly(f: CheckpointFlags & { json?: boolean }, interrupted: boolean): boolean {
  if (!interrupted) return false;
  const where = f.out === undefined ? 'nothing was saved (no --out)' : `the models so far are in ${f.out}; continue with --resume`;
  (f.json ? process.stderr : process.stdout).write(`stopped early: ${where}\n`);
  process.exitCode = interruptExitStatus();
  return true;
}
