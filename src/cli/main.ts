#!/usr/bin/env node
// The `unfold` command line: train, sample and eval character-level models. Errors print as one
// line naming what was expected and what came (set UNFOLD_DEBUG=1 for the stack).

import { CommanderError } from 'commander';
import '../autograd/methods.js';
import { unfoldProgram } from './program.js';

try {
  await unfoldProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  const e = err as Error;
  process.stderr.write(`\nunfold: error: ${e.message}\n`);
  if (process.env.UNFOLD_DEBUG) process.stderr.write(`${e.stack}\n`);
  process.exit(1);
}
