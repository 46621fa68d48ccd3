// What every `unfold tasks <name>` command shares: the common flags (--runs, --seed, --json), the
// one JSON result line of the task suite, and small formatting helpers. Each task lives in its own
// file under ./tasks/ and is listed in TASKS in ./tasks_command.ts.
//
// The result line under --json (stdout carries exactly this line; human-readable text goes to stderr):
//   {"task":"adding","cell":"lstm","length":100,"metric":"mse","value":…,"baseline":0.167,"steps":…,"seconds":…}
// length: the task's horizon or memory length; steps: training steps (or time steps, as the task
// states) per run; seconds: wall time of the whole command; baseline: the published or trivial
// figure for the same setting, or null.

import { Command } from 'commander';
import type { BenchmarkResult } from '../esn/index.js';
import { int, memorySize } from './parse.js';
import { finiteMetric } from './finite_metric.js';
import type { TaskResult } from '../tasks/task_result.js';

export type { TaskResult };

/** Flags every task has: --runs, --seed, --json, --max-memory. */
export interface TaskFlags { runs?: number; seed: number; json?: boolean; maxMemory?: number }

/** Most --runs of one command: each is a whole training run, so more is a typo, not a plan. */
export const MAX_RUNS = 1000;

/** Adds --runs, --seed, --json and --max-memory to a task command. */
export function taskOptions(cmd: Command, defaultRuns: string): Command {
  return cmd
    .option('--runs <n>', `independent runs, each with a fresh network and fresh data (default ${defaultRuns})`, int(1, MAX_RUNS))
    .option('--seed <n>', 'seed of the first run', int(0), 0)
    .option('--json', 'print only a JSON result line on stdout (the rest goes to stderr)')
    .option('--max-memory <size>', 'refuse a run estimated to need more memory than this, such as 512M or 16G (default 4G)', memorySize());
}

/** A line of human-readable output: stdout normally, stderr under --json. */
export function say(json: boolean | undefined, text: string): void {
  (json ? process.stderr : process.stdout).write(`${text}\n`);
}

/** Prints the result line (JSON under --json, a sentence otherwise); a value that is not finite is an error instead. */
export function reportTask(r: TaskResult, json: boolean | undefined, summary: string): void {
  finiteMetric(r.value, `test ${r.metric} of ${r.task}`);
  say(json, summary);
  if (json) process.stdout.write(`${JSON.stringify(r)}\n`);
}

export function runs(n: number): string {
  return `${n} run${n === 1 ? '' : 's'}`;
}

export function seconds(start: number): number {
  return Math.round((performance.now() - start) / 10) / 100;
}

export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) < 1e-3 && x !== 0 ? x.toExponential(3) : x.toPrecision(4);
}

export function settingsLine(s: BenchmarkResult['settings']): string {
  return Object.entries(s).map(([k, v]) => `${k} ${v}`).join(', ');
}

