// `unfold tasks copy`: the task defined in src/tasks/copy_memory.ts, with the suite's common flags
// (./suite_command.ts).

import type { Command } from 'commander';
import { COPY_MEMORY } from '../../tasks/copy_memory.js';
import { sequenceTaskCommand } from './suite_command.js';

export function copyMemoryTask(): Command {
  return sequenceTaskCommand(COPY_MEMORY);
}
