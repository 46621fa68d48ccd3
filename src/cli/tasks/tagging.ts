// `unfold tasks tagging`: the task defined in src/tasks/tagging.ts, with the suite's common flags
// (./suite_command.ts).

import type { Command } from 'commander';
import { TAGGING } from '../../tasks/tagging.js';
import { sequenceTaskCommand } from './suite_command.js';

export function taggingTask(): Command {
  return sequenceTaskCommand(TAGGING);
}
