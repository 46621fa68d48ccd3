// `unfold tasks counting`: the task defined in src/tasks/counting.ts, with the suite's common flags
// (./suite_command.ts).

import type { Command } from 'commander';
import { COUNTING } from '../../tasks/counting.js';
import { sequenceTaskCommand } from './suite_command.js';

export function countingTask(): Command {
  return sequenceTaskCommand(COUNTING);
}
