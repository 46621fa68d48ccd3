// `unfold tasks reber`: the task defined in src/tasks/reber.ts, with the suite's common flags
// (./suite_command.ts).

import type { Command } from 'commander';
import { REBER } from '../../tasks/reber.js';
import { sequenceTaskCommand } from './suite_command.js';

export function reberTask(): Command {
  return sequenceTaskCommand(REBER);
}
