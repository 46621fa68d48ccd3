// `unfold tasks parity`: the task defined in src/tasks/parity.ts, with the suite's common flags
// (./suite_command.ts).

import type { Command } from 'commander';
import { PARITY } from '../../tasks/parity.js';
import { sequenceTaskCommand } from './suite_command.js';

export function parityTask(): Command {
  return sequenceTaskCommand(PARITY);
}
