// The runs `unfold tasks all` makes beyond the sequence suite's grid of tasks × lengths × cells:
// tasks with their own commands and options (the NTM tasks, each against its LSTM baseline, the
// graph, parsing, image, pixel and uncertainty tasks, whose result lines hold both models and whose TASKS.md
// sections are written by hand) and
// suite tasks under a training option (the information-flow regulariser). Each is run as its own
// `unfold tasks …` command in a child process, and its JSON result lines go into TASKS.md beside
// the suite's, one table per task.

import { spawn } from 'node:child_process';
import { NTM_COPY, NTM_RECALL, type BitTask } from '../../tasks/ntm_tasks.js';
import type { ReportedTask, SuiteResult } from '../../tasks/suite_report.js';

/** One command of the extra runs: `unfold tasks <args…> --json --seed <seed>`. */
export interface OtherRun {
  /** The name --only selects it by. */
  name: string;
  args: readonly string[];
  /** Arguments added under --quick: a few steps, short sequences. */
  quickArgs: readonly string[];
}

function bitTaskTable(task: BitTask): ReportedTask {
  return {
    name: task.name, description: task.description, metric: 'bit_errors', higherIsBetter: false, lengthLabel: task.lengthUnit,
    baselineText: 'a coin flip per recalled bit: half of them wrong',
  };
}

/** The tables of the tasks that are not in the sequence suite. */
export const OTHER_TABLES: readonly ReportedTask[] = [bitTaskTable(NTM_COPY), bitTaskTable(NTM_RECALL)];

/**
 * λ of the information-flow run (the weight of Ω in L + λΩ). Ω sums its terms over the T − 1 steps;
 * Pascanu et al.'s code averages them and weighs the average by α = 2, and at T = 100 λ = 1 (α ≈ 100)
 * held the tanh RNN at the baseline for 20,000 steps where λ = 0.002 passed 0.0167 by step 15,000.
 */
export const INFORMATION_FLOW_LAMBDA = 0.002;
/** The information-flow run's step budget: the same for the plain tanh RNN it is compared with (TASKS.md). */
export const INFORMATION_FLOW_STEPS = 15000;

/**
 * The regulariser as Pascanu et al. 2013 train with it, run with and without Ω at equal steps: plain
 * SGD (lr 0.01, batch 20, clip 1), a tanh RNN of 50 units from their sparse W_hh and N(0, 0.01²)
 * inputs and read-out, Ω held (its gradient to W_hh alone) at λ = 0.02 (their α = 2 over the mean of
 * 99 steps), 200,000 steps each (a held-Ω run takes about 11 minutes alone here, the plain one 7).
 * TASKS.md has what the runs gave.
 */
const PASCANU_ADDING = [
  'adding', '--cell', 'rnn', '--length', '100', '--optimizer', 'sgd', '--lr', '0.01', '--batch', '20', '--hidden', '50', '--clip', '1',
  '--recurrent-init', 'sparse', '--io-init-std', '0.01', '--steps', '200000', '--time', '900', '--runs', '3',
] as const;

const NTM_QUICK = ['--steps', '3', '--time', '10', '--test', '4', '--hidden', '8', '--memory', '8', '--width', '4'];
const FLOW_QUICK = ['--length', '12', '--steps', '5', '--time', '10', '--test', '20'];

export const OTHER_RUNS: readonly OtherRun[] = [
  { name: 'ntm-copy', args: ['ntm-copy', '--model', 'ntm'], quickArgs: [...NTM_QUICK, '--train-lengths', '1-3', '--test-lengths', '4'] },
  { name: 'ntm-copy', args: ['ntm-copy', '--model', 'lstm'], quickArgs: [...NTM_QUICK, '--train-lengths', '1-3', '--test-lengths', '4'] },
  { name: 'ntm-recall', args: ['ntm-recall', '--model', 'ntm'], quickArgs: [...NTM_QUICK, '--train-lengths', '2-3', '--test-lengths', '4'] },
  { name: 'ntm-recall', args: ['ntm-recall', '--model', 'lstm'], quickArgs: [...NTM_QUICK, '--train-lengths', '2-3', '--test-lengths', '4'] },
  { name: 'graph-paths', args: ['graph-paths'], quickArgs: ['--steps', '3', '--test', '4'] },
  { name: 'uncertainty', args: ['uncertainty'], quickArgs: ['--steps', '3', '--passes', '4', '--time', '10'] },
  { name: 'shapes-2d', args: ['shapes-2d'], quickArgs: ['--steps', '2', '--test', '4'] },
  { name: 'pixels', args: ['pixels'], quickArgs: ['--steps', '2', '--test', '4'] },
  { name: 'expr-parse', args: ['expr-parse'], quickArgs: ['--steps', '2', '--test', '3'] },
  // The regulariser on the adding problem, tanh RNN with clipping as the plain run (Pascanu et al. 2013, §3.3):
  // under Adam beside the suite's own rnn column, and under their SGD with and without it.
  {
    name: 'info-flow', quickArgs: FLOW_QUICK,
    args: ['adding', '--cell', 'rnn', '--length', '100', '--info-flow', String(INFORMATION_FLOW_LAMBDA), '--steps', String(INFORMATION_FLOW_STEPS), '--time', '600', '--runs', '3'],
  },
  { name: 'info-flow-sgd', quickArgs: FLOW_QUICK, args: PASCANU_ADDING },
  { name: 'info-flow-sgd', quickArgs: FLOW_QUICK, args: [...PASCANU_ADDING, '--info-flow', '0.02', '--info-flow-held'] },
];

/**
 * Runs `unfold tasks <args> --json --seed <seed>` as a child process of this same program and
 * returns its result lines; its progress text goes to this process's stderr. A run that fails
 * (exit status ≠ 0) throws with its status.
 */
export function runOtherTask(args: readonly string[], seed: number): Promise<SuiteResult[]> {
  const argv = [process.argv[1], 'tasks', ...args, '--json', '--seed', String(seed)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => { out += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) { reject(new Error(`unfold tasks ${args.join(' ')}: expected exit status 0, got ${code}`)); return; }
      resolve(out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as SuiteResult));
    });
  });
}
