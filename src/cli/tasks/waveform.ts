// `unfold tasks waveform`: the task defined in src/tasks/waveform.ts (the clockwork RNN's waveform
// generation), with the suite's common flags (./suite_command.ts).

import type { Command } from 'commander';
import { WAVEFORM } from '../../tasks/waveform.js';
import { sequenceTaskCommand } from './suite_command.js';

export function waveformTask(): Command {
  return sequenceTaskCommand(WAVEFORM);
}
