// `unfold tasks adding`: the task defined in src/tasks/adding.ts, with the suite's common flags
// (./suite_command.ts).

import type { Command } from 'commander';
import { ADDING } from '../../tasks/adding.js';
import { sequenceTaskCommand } from './suite_command.js';

export function addingTask(): Command {
  return sequenceTaskCommand(ADDING);
}
