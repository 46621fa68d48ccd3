// `unfold tasks <task>`: the task suite. Each task is a subcommand defined in its own file under
// ./tasks/ (common flags and the JSON result line: ./task_report.ts); TASKS lists them in help order.
//
// Adding a task: write src/cli/tasks/<name>.ts exporting a function that returns its Command, and
// append it to TASKS.

import { Command } from 'commander';
import { mackeyGlassTask, narma10Task } from './tasks/esn_tasks.js';
import { sentimentTreesTask } from './tasks/sentiment_trees.js';
import { exprTreesTask } from './tasks/expr_trees.js';
import { addingTask } from './tasks/adding.js';
import { copyMemoryTask } from './tasks/copy_memory.js';
import { reberTask } from './tasks/reber.js';
import { countingTask } from './tasks/counting.js';
import { parityTask } from './tasks/parity.js';
import { taggingTask } from './tasks/tagging.js';
import { classificationTask } from './tasks/classification.js';
import { waveformTask } from './tasks/waveform.js';
import { allTasks } from './tasks/all.js';
import { datesTask } from './tasks/dates.js';
import { captionsTask } from './tasks/captions.js';
import { ntmCopyTask, ntmRecallTask } from './tasks/ntm.js';
import { graphPathsTask } from './tasks/graph_paths.js';
import { deepLmTask } from './tasks/deep_lm.js';
import { uncertaintyTask } from './tasks/uncertainty.js';
import { shapes2dTask } from './tasks/shapes_2d.js';
import { pixelsTask } from './tasks/pixels.js';
import { exprParseTask } from './tasks/expr_parse.js';

/** The subcommands of `unfold tasks`, in help order. */
export const TASKS: Array<() => Command> = [
  mackeyGlassTask,
  narma10Task,
  sentimentTreesTask,
  exprTreesTask,
  addingTask, copyMemoryTask, reberTask, countingTask, parityTask, taggingTask, classificationTask, waveformTask, allTasks,
  datesTask,
  captionsTask,
  ntmCopyTask, ntmRecallTask,
  graphPathsTask,
  deepLmTask, uncertaintyTask,
  shapes2dTask, pixelsTask,
  exprParseTask,
];

export function tasksCommand(): Command {
  const cmd = new Command('tasks')
    .description('the task suite: long-term dependencies, trees, reservoirs, seq2seq (run `unfold tasks <task> --help`)');
  for (const make of TASKS) cmd.addCommand(make().exitOverride());
  return cmd;
}
