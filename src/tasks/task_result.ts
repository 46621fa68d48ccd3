// The one result line every task of `unfold tasks` ends with under --json, and that TASKS.md keeps:
//   {"task":"adding","cell":"lstm","length":100,"metric":"mse","value":…,"baseline":0.167,"steps":…,"seconds":…}
// Tasks may add fields of their own after these.

/** The common result line of every task. */
export interface TaskResult {
  task: string;
  cell: string;
  /** The task's horizon, delay or memory length. */
  length: number;
  metric: string;
  value: number;
  /** The published or trivial figure for the same setting, or null. */
  baseline: number | null;
  /** Training steps per run (or time steps, as the task states). */
  steps: number;
  /** Wall time of the whole command. */
  seconds: number;
}
