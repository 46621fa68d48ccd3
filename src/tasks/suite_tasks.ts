// The task suite in the order `unfold tasks all` runs it and TASKS.md lists it (the order of
// priority: the long-term-dependency benchmarks first).

import type { SequenceTask } from './task_spec.js';
import { ADDING } from './adding.js';
import { COPY_MEMORY } from './copy_memory.js';
import { REBER } from './reber.js';
import { COUNTING } from './counting.js';
import { PARITY } from './parity.js';
import { TAGGING } from './tagging.js';
import { CLASSIFICATION } from './classification.js';
import { WAVEFORM } from './waveform.js';

export const SUITE: readonly SequenceTask[] = [ADDING, COPY_MEMORY, REBER, COUNTING, PARITY, TAGGING, CLASSIFICATION, WAVEFORM];

/** The task named `name`, or an error listing the names there are. */
export function suiteTask(name: string): SequenceTask {
  const t = SUITE.find((s) => s.name === name);
  if (!t) throw new Error(`expected a task among ${SUITE.map((s) => s.name).join(', ')}, got '${name}'`);
  return t;
}
