// A stand-in for the `unfold` command holding only `import keras` and `export tfjs`, wired as
// main.ts wires its commands (one-line errors, exit status 1), so that the tests run these two
// subcommands end to end until main.ts registers them under `unfold import` and `unfold export`.

import { Command, CommanderError } from 'commander';
import '../../src/autograd/methods.js';
import { importKerasCommand } from '../../src/cli/import_keras.js';
import { exportTfjsCommand } from '../../src/cli/export_tfjs.js';

const program = new Command('unfold').exitOverride();
program.addCommand(new Command('import').addCommand(importKerasCommand()));
program.addCommand(new Command('export').addCommand(exportTfjsCommand()));

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  process.stderr.write(`\nunfold: error: ${(err as Error).message}\n`);
  process.exit(1);
}
