// The whole `unfold` command tree, built in one place: main.ts runs it, and tests walk it (every
// command's options, nested task subcommands included) without starting a process.

import { Command } from 'commander';
import { trainCommand } from './train_command.js';
import { sampleCommand } from './sample_command.js';
import { evalCommand } from './eval_command.js';
import { esnCommand } from './esn_command.js';
import { tasksCommand } from './tasks_command.js';
import { vizCommand } from './viz_command.js';
import { seq2seqCommand } from './seq2seq_command.js';
import { exportCommand } from './export_command.js';
import { importCommand } from './import_command.js';
import { ngramCommand } from './ngram_command.js';
import { addBackendOption } from './backend_option.js';

/** The command and every command under it, depth-first. */
export function everyCommand(c: Command): Command[] {
  return [c, ...c.commands.flatMap(everyCommand)];
}

// Commander quotes a refused value whole, and a flag's value may be megabytes long.
function shortened(text: string): string {
  return text.replace(/(argument ')([\s\S]*?)(' is invalid)/, (_, a: string, v: string, b: string) => a + (v.length > 40 ? `${v.slice(0, 37)}...` : v) + b);
}

/**
 * The `unfold` program. Every command, nested ones too, throws instead of exiting and reports a bad
 * flag or argument as the one line other errors use: "unfold: error: …".
 */
export function unfoldProgram(): Command {
  const program = new Command('unfold')
    .description('recurrent and recursive neural networks in TypeScript: train, sample and evaluate models, run the task suite, draw reports')
    .showHelpAfterError();
  for (const make of [trainCommand, sampleCommand, evalCommand, esnCommand, tasksCommand, vizCommand, seq2seqCommand, ngramCommand, exportCommand, importCommand]) program.addCommand(make());
  // --backend on every command that runs a model: all but the converters and the n-gram counts.
  for (const top of program.commands) {
    if (['export', 'import', 'ngram'].includes(top.name())) continue;
    for (const c of everyCommand(top)) if (c.commands.length === 0) addBackendOption(c, ['train', 'eval', 'sample'].includes(top.name()) ? 'device' : 'host');
  }
  for (const c of everyCommand(program)) c.exitOverride().configureOutput({ outputError: (text, write) => write(`unfold: ${shortened(text)}`) });
  return program;
}
