// `unfold tasks all`: runs the sequence-task suite — every task at its suite lengths with each
// cell (tanh RNN, LSTM, GRU; the tagging task also bidirectionally) — and writes TASKS.md after
// every run, merging into the results an earlier TASKS.md holds. --only and --cells pick a part of
// the suite; --quick runs very short versions (a few steps, short sequences) to check that
// everything runs, and writes a file only when --out is given. --collect merges result lines saved
// from `unfold tasks <name> --json` runs (made one by one, or on other machines) without running.
// After the grid come the other runs (./other_runs.ts: the NTM tasks against their LSTMs, the
// information-flow regulariser), each its own command in a child process.

import { Command } from 'commander';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SUITE, suiteTask } from '../../tasks/suite_tasks.js';
import { SUITE_CELLS, TASK_CELLS, type TaskCell } from '../../tasks/task_model.js';
import { markdownPreamble, markdownTail, mergeResults, parseResults, suiteMarkdown, type SuiteResult } from '../../tasks/suite_report.js';
import { OTHER_RUNS, OTHER_TABLES, runOtherTask } from './other_runs.js';
import type { SequenceTask, TaskSettings } from '../../tasks/task_spec.js';
import { runSequenceTask } from './suite_command.js';
import { fmt, say } from '../task_report.js';
import { filePath, int } from '../parse.js';

interface AllFlags { quick?: boolean; only?: string; cells?: string; out?: string; seed: number; json?: boolean; collect?: string[]; note?: string }

/** The sequence length a --quick run uses: short, but at least what the task needs. */
export function quickLength(task: SequenceTask, T: number): number {
  if (T === 0) return 0;
  return Math.max(Math.min(T, 12), task.name === 'classification' ? 10 : 4);
}

const QUICK: Partial<TaskSettings> = { steps: 5, time: 10, testSize: 20, evalEvery: 0 };

/** How many runs the suite's grid makes at its defaults. */
function suiteRuns(): number {
  return SUITE.reduce((n, t) => n + t.suiteLengths.length * (t.bidirectional ? 2 : 1) * (t.suiteCells ?? SUITE_CELLS).length, 0);
}

/** What --only picks from: the suite's tasks, then the other runs' names. */
const ALL_NAMES: readonly string[] = [...SUITE.map((t) => t.name), ...new Set(OTHER_RUNS.map((r) => r.name))];

function list<T extends string>(text: string | undefined, all: readonly T[], what: string): T[] {
  if (text === undefined) return [...all];
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const i of items) if (!(all as readonly string[]).includes(i)) throw new Error(`--${what}: expected names among ${all.join(', ')}, got '${i}'`);
  return items as T[];
}

export function allTasks(): Command {
  return new Command('all')
    .description('run the sequence-task suite and write TASKS.md (a table per task, cells as columns); ' +
      `${suiteRuns()} runs of the suite and ${OTHER_RUNS.length} others, each capped at 4 to 10 minutes, so hours in all: --only, --cells and --collect split it up`)
    .option('--quick', 'very short versions of every run, to check that everything runs (writes only with --out)')
    .option('--only <tasks>', `comma-separated tasks among ${ALL_NAMES.join(', ')} (default all)`)
    .option('--cells <cells>', `comma-separated cells among ${TASK_CELLS.join(', ')} (default: each task's own, ${SUITE_CELLS.join(', ')} for most)`)
    .option('--out <file>', 'the Markdown file to write (default TASKS.md; none under --quick)', filePath())
    .option('--seed <n>', 'seed of every run', int(0), 0)
    .option('--json', 'print each run\'s JSON result line on stdout (the rest goes to stderr)')
    .option('--collect <files...>', 'run nothing: merge the result lines in these files (saved from `unfold tasks <name> --json`) into the Markdown file')
    .option('--note <text>', 'a paragraph to add under the header of the Markdown file (how and where the runs were made)')
    .action(async (f: AllFlags) => {
      const only = list(f.only, ALL_NAMES, 'only');
      const tasks = only.filter((n) => SUITE.some((t) => t.name === n)).map(suiteTask);
      const others = OTHER_RUNS.filter((r) => only.includes(r.name));
      const tables = [...SUITE, ...OTHER_TABLES];
      const chosen = f.cells === undefined ? null : list<TaskCell>(f.cells, TASK_CELLS, 'cells');
      const out = f.out ?? (f.quick ? null : 'TASKS.md');
      const before = out && existsSync(out) ? readFileSync(out, 'utf8') : '';
      let results: SuiteResult[] = parseResults(before);
      const tail = markdownTail(before), preamble = keptPreamble(before, f.note);
      const log = (t: string): void => { process.stderr.write(`${t}\n`); };
      const header = 'Written by `unfold tasks all` on a 2-core machine shared with other jobs (so the seconds are ' +
        'wall time under load). Each entry: the test metric on fresh sequences, the training steps taken and the ' +
        'seconds of the whole run (training and test). Runs stop early once a validation batch passes the task\'s ' +
        'target. Re-run one entry with `unfold tasks <task> --cell <cell> --length <T>`.' + (f.note ? `\n\n${f.note}` : '');
      if (f.collect) {
        const target = f.out ?? 'TASKS.md';
        const added = f.collect.flatMap((file) => readResultLines(file));
        const old = existsSync(target) ? readFileSync(target, 'utf8') : '';
        results = mergeResults(parseResults(old), added);
        writeFileSync(target, suiteMarkdown(tables, results, header, markdownTail(old), keptPreamble(old, f.note)));
        say(f.json, `${target}: merged ${added.length} result line(s); ${results.length} in all`);
        return;
      }
      for (const task of tasks) {
        for (const T0 of task.suiteLengths) {
          const T = f.quick ? quickLength(task, T0) : T0;
          const directions = task.bidirectional ? [false, true] : [false];
          for (const bidirectional of directions) {
            for (const cell of chosen ?? task.suiteCells ?? SUITE_CELLS) {
              log(`== ${task.name} T ${T} ${bidirectional ? 'bi-' : ''}${cell}`);
              const { result } = await runSequenceTask(task, {
                cell, length: T, bidirectional, runs: 1, seed: f.seed, settings: f.quick ? QUICK : {}, log,
              });
              if (!Number.isFinite(result.value)) {
                // One diverged run does not end a suite of hours, but it is not a result: not printed
                // as one, not written, and the command ends with exit status 1.
                log(`${task.name} T ${T} ${result.cell}: expected a finite test ${task.metric}, got ${result.value}; not recorded`);
                process.exitCode = 1;
                continue;
              }
              say(f.json, `${task.name} T ${T} ${result.cell}: ${task.metric} ${fmt(result.value)} (${result.steps} steps, ${result.seconds} s)`);
              if (f.json) process.stdout.write(`${JSON.stringify(result)}\n`);
              results = mergeResults(results, [result]);
              if (out) writeFileSync(out, suiteMarkdown(tables, results, header, tail, preamble));
            }
          }
        }
      }
      for (const run of others) {
        const args = [...run.args, ...(f.quick ? run.quickArgs : [])];
        log(`== unfold tasks ${args.join(' ')}`);
        const lines = await runOtherTask(args, f.seed);
        for (const r of lines) {
          say(f.json, `${r.task} ${r.length} ${r.cell}: ${r.metric} ${fmt(r.value)} (${r.steps} steps, ${r.seconds} s)`);
          if (f.json) process.stdout.write(`${JSON.stringify(r)}\n`);
        }
        results = mergeResults(results, lines);
        if (out) writeFileSync(out, suiteMarkdown(tables, results, header, tail, preamble));
      }
      if (!out && !f.json) process.stdout.write(suiteMarkdown(tables, results, '(--quick: smoke-test settings, not results)'));
    });
}

/** The hand-written text above an earlier file's tables, less a --note given again (the header carries it). */
function keptPreamble(markdown: string, note: string | undefined): string {
  const p = markdownPreamble(markdown);
  return note !== undefined && p.startsWith(note) ? p.slice(note.length).trim() : p;
}

/** The JSON result lines in a file (other lines, such as progress text, are skipped). */
function readResultLines(file: string): SuiteResult[] {
  const out: SuiteResult[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    const r = JSON.parse(line) as SuiteResult;
    if (typeof r.task !== 'string' || typeof r.cell !== 'string' || typeof r.length !== 'number' || typeof r.value !== 'number') {
      throw new Error(`${file}: expected result lines {"task", "cell", "length", "metric", "value", …}, got ${line}`);
    }
    out.push(r);
  }
  if (out.length === 0) throw new Error(`${file}: expected JSON result lines from \`unfold tasks <name> --json\`, found none`);
  return out;
}
