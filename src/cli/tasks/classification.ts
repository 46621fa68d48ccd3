// `unfold tasks classification`: the task defined in src/tasks/classification.ts, with the suite's common flags
// (./suite_command.ts).

import type { Command } from 'commander';
import { CLASSIFICATION } from '../../tasks/classification.js';
import { sequenceTaskCommand } from './suite_command.js';

export function classificationTask(): Command {
  return sequenceTaskCommand(CLASSIFICATION);
}
