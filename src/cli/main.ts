#!/usr/bin/env node
// The `unfold` command line: train, sample and eval character-level models. Errors print as one
// line naming what was expected and what came (set UNFOLD_DEBUG=1 for the stack).

import { Command, CommanderError } from 'commander';
import '../autograd/methods.js';
import { trainCommand } from './train_command.js';
import { sampleCommand } from './sample_command.js';
import { evalCommand } from './eval_command.js';
import { esnCommand } from './esn_command.js';
import { tasksCommand } from './tasks_command.js';
import { vizCommand } from './viz_command.js';
import { seq2seqCommand } from './seq2seq_command.js';

const program = new Command('unfold')
  .description('recurrent and recursive neural networks in TypeScript: train, sample and evaluate models, run the task suite, draw reports')
  .showHelpAfterError()
  .exitOverride();
program.addCommand(trainCommand());
program.addCommand(sampleCommand());
program.addCommand(evalCommand());
program.addCommand(esnCommand());
program.addCommand(tasksCommand());
program.addCommand(vizCommand());
program.addCommand(seq2seqCommand());
// Every command, nested ones too, reports a bad flag or argument as the one line other errors use,
// with the value cut short (commander quotes it whole, and it may be megabytes long).
const everyCommand = (c: Command): Command[] => [c, ...c.commands.flatMap(everyCommand)];
const shortened = (text: string): string =>
  text.replace(/(argument ')([\s\S]*?)(' is invalid)/, (_, a: string, v: string, b: string) => a + (v.length > 40 ? `${v.slice(0, 37)}...` : v) + b);
for (const c of everyCommand(program)) c.exitOverride().configureOutput({ outputError: (text, write) => write(`unfold: ${shortened(text)}`) });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  const e = err as Error;
  process.stderr.write(`\nunfold: error: ${e.message}\n`);
  if (process.env.UNFOLD_DEBUG) process.stderr.write(`${e.stack}\n`);
  process.exit(1);
}
