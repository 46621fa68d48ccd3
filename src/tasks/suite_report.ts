// TASKS.md: the suite's results as Markdown, one table per task with the lengths as rows and the
// cells (or models) as columns (each entry: the metric, training steps and seconds), beside the
// baseline. The raw result lines are kept in a fenced block, so a later `unfold tasks all` that
// re-runs only some settings keeps the others; whatever follows that block (notes written by hand
// on tasks with results of another shape) is kept as it is.

import type { TaskResult } from './task_result.js';

/** What a table of TASKS.md says about its task: a SequenceTask is one, and so is every other task with result lines. */
export interface ReportedTask {
  name: string;
  description: string;
  metric: string;
  higherIsBetter: boolean;
  baselineText: string;
  /** The heading of the length column (default 'T'). */
  lengthLabel?: string;
}

/** The JSON result line of one task run (the shape `unfold tasks <name> --json` prints). */
export type SuiteResult = TaskResult;

const RAW_START = '```jsonl results';

/** The text after the raw results block of an earlier TASKS.md ('' when there is none). */
export function markdownTail(markdown: string): string {
  const at = markdown.indexOf(RAW_START);
  if (at < 0) return '';
  const end = markdown.indexOf('```', at + RAW_START.length);
  return end < 0 ? '' : markdown.slice(end + 3).replace(/^\n+/, '');
}

const TITLE = '# Task suite results';

/**
 * The text written by hand between an earlier TASKS.md's generated first paragraph and its first
 * table ('' when there is none), so that rewriting the tables keeps dated notes added above them.
 */
export function markdownPreamble(markdown: string): string {
  if (!markdown.startsWith(`${TITLE}\n\n`)) return '';
  const headerEnd = markdown.indexOf('\n\n', TITLE.length + 2);
  const firstSection = markdown.indexOf('\n## ', TITLE.length);
  if (headerEnd < 0 || firstSection < 0 || headerEnd >= firstSection) return '';
  return markdown.slice(headerEnd + 2, firstSection + 1).trim();
}

/** The result lines kept in an earlier TASKS.md (none when there is no such block). */
export function parseResults(markdown: string): SuiteResult[] {
  const at = markdown.indexOf(RAW_START);
  if (at < 0) return [];
  const end = markdown.indexOf('```', at + RAW_START.length);
  const block = markdown.slice(at + RAW_START.length, end < 0 ? undefined : end);
  const out: SuiteResult[] = [];
  for (const line of block.split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as SuiteResult;
    if (typeof r.task !== 'string' || typeof r.cell !== 'string' || typeof r.length !== 'number') {
      throw new Error(`TASKS.md: expected result lines with task, cell and length, got ${line}`);
    }
    out.push(r);
  }
  return out;
}

/**
 * `older` with every entry of `newer` replacing the one of the same task, cell and length; within
 * `newer`, a later entry replaces an earlier one.
 */
export function mergeResults(older: readonly SuiteResult[], newer: readonly SuiteResult[]): SuiteResult[] {
  const key = (r: SuiteResult): string => `${r.task}/${r.cell}/${r.length}`;
  const merged = new Map<string, SuiteResult>();
  for (const r of older) merged.set(key(r), r);
  for (const r of newer) { merged.delete(key(r)); merged.set(key(r), r); }
  return [...merged.values()];
}

function fmt(x: number | null): string {
  if (x === null) return '—';
  if (!Number.isFinite(x)) return String(x);
  // Four digits, so that a result just under or over a baseline (copy memory) shows which.
  return Math.abs(x) < 1e-3 && x !== 0 ? x.toExponential(3) : x.toPrecision(4);
}

const CELL_ORDER = ['rnn', 'rnn+flow', 'lstm', 'gru', 'irnn', 'irnn+flow', 'orth', 'clockwork', 'bi-rnn', 'bi-lstm', 'bi-gru', 'bi-irnn', 'bi-orth', 'bi-clockwork'];

/**
 * The whole TASKS.md for `results`, with the tasks described by `tasks`, `preamble` (kept text) after
 * the header paragraph and `tail` (kept text) at the end.
 */
export function suiteMarkdown(tasks: readonly ReportedTask[], results: readonly SuiteResult[], header: string, tail = '', preamble = ''): string {
  const lines: string[] = [TITLE, '', header, '', ...(preamble === '' ? [] : [preamble, ''])];
  for (const task of tasks) {
    const rs = results.filter((r) => r.task === task.name);
    if (rs.length === 0) continue;
    const cells = [...new Set(rs.map((r) => r.cell))].sort((a, b) => rank(a) - rank(b));
    const lengths = [...new Set(rs.map((r) => r.length))].sort((a, b) => a - b);
    lines.push(`## ${task.name}`, '', `${task.description}.`, '',
      `Metric: ${task.metric} (${task.higherIsBetter ? 'higher' : 'lower'} is better). Baseline: ${task.baselineText}.`, '');
    lines.push(`| ${task.lengthLabel ?? 'T'} | baseline | ${cells.join(' | ')} |`, `|---|---|${cells.map(() => '---').join('|')}|`);
    for (const T of lengths) {
      const row = rs.filter((r) => r.length === T);
      const entries = cells.map((c) => {
        const r = row.find((x) => x.cell === c);
        return r ? `${fmt(r.value)} (${r.steps} steps, ${Math.round(r.seconds)} s)` : '';
      });
      lines.push(`| ${T === 0 ? 'natural' : T} | ${fmt(row[0].baseline)} | ${entries.join(' | ')} |`);
    }
    lines.push('');
  }
  lines.push('## Raw results', '', 'The JSON result lines the tables are made from (`unfold tasks all` merges new runs into these).', '',
    RAW_START, ...results.map((r) => JSON.stringify(r)), '```', '');
  return lines.join('\n') + (tail === '' ? '' : `\n${tail}`);
}

function rank(cell: string): number {
  const i = CELL_ORDER.indexOf(cell);
  return i < 0 ? CELL_ORDER.length : i;
}
