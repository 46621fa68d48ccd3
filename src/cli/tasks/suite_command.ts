// The shape every sequence task of the suite shares on the command line:
//   unfold tasks <name> [--cell rnn|lstm|gru] [--length T] [--steps n] [--time s] [--hidden n]
//                       [--lr x] [--batch n] [--test n] [--runs n] [--seed n] [--json]
// Each task's own file (adding.ts, copy_memory.ts, …) only names its SequenceTask.

import { RECURRENT_INITS, type RecurrentInit } from '../../nn/init.js';
import { Command } from 'commander';
import { TASK_OPTIMIZERS, type SequenceTask, type TaskOptimizerName, type TaskSettings } from '../../tasks/task_spec.js';
import { runTask, type TaskRunResult } from '../../tasks/task_train.js';
import { TASK_CELLS, type TaskCell } from '../../tasks/task_model.js';
import type { SuiteResult } from '../../tasks/suite_report.js';
import { choice, float, int, learningRate } from '../parse.js';
import { fmt, reportTask, say, seconds, taskOptions, type TaskFlags } from '../task_report.js';
import { onInterrupt } from '../interrupt.js';
import { checkpointOptions, runFolder, stoppedEarly, type CheckpointFlags } from '../task_checkpoints.js';
import { join } from 'node:path';

export interface SequenceTaskFlags extends TaskFlags, CheckpointFlags {
  cell: TaskCell; length?: number; steps?: number; time?: number; hidden?: number; lr?: number; batch?: number; test?: number;
  direction?: 'uni' | 'bi'; chrono?: number; infoFlow?: number; infoFlowHeld?: boolean; recurrentInit?: RecurrentInit; ioInitStd?: number; lrOrth?: number;
  optimizer?: TaskOptimizerName; momentum?: number; clip?: number;
}

/** Most --test sequences: scored in chunks, so memory stays flat, but 10^9 of them would never finish. */
export const MAX_TEST_SEQUENCES = 1_000_000;

/**
 * The cell name of the result line: 'bi-lstm' for a bidirectional LSTM, 'rnn+flow' for a tanh RNN
 * trained with the information-flow regulariser ('+flow-held' with the states held), 'rnn@orthogonal'
 * for one whose W_hh started orthogonal, 'rnn~io0.01' for one whose W_ih and read-out started
 * N(0, 0.01²) (so TASKS.md keeps each beside the plain run).
 */
export function cellLabel(cell: TaskCell, bidirectional: boolean, s: Partial<TaskSettings> = {}): string {
  const flow = (s.informationFlow ?? 0) > 0 ? (s.informationFlowHeld ? '+flow-held' : '+flow') : '';
  const init = `${s.recurrentInit && s.recurrentInit !== 'uniform' ? `@${s.recurrentInit}` : ''}${s.ioInitStd ? `~io${s.ioInitStd}` : ''}`;
  return `${bidirectional ? 'bi-' : ''}${cell}${init}${flow}`;
}

/** Settings overrides from the flags that were given. */
export function settingsFromFlags(f: SequenceTaskFlags): Partial<TaskSettings> {
  const s: Partial<TaskSettings> = {};
  if (f.steps !== undefined) s.steps = f.steps;
  if (f.time !== undefined) s.time = f.time;
  if (f.hidden !== undefined) s.hiddenSize = f.hidden;
  if (f.lr !== undefined) s.lr = f.lr;
  if (f.batch !== undefined) s.batchSize = f.batch;
  if (f.test !== undefined) s.testSize = f.test;
  if (f.chrono !== undefined) s.chrono = f.chrono;
  if (f.infoFlow !== undefined) s.informationFlow = f.infoFlow;
  if (f.infoFlowHeld) s.informationFlowHeld = true;
  if (f.recurrentInit !== undefined) s.recurrentInit = f.recurrentInit;
  if (f.ioInitStd !== undefined) s.ioInitStd = f.ioInitStd;
  if (f.lrOrth !== undefined) s.lrOrth = f.lrOrth;
  if (f.optimizer !== undefined) s.optimizer = f.optimizer;
  if (f.momentum !== undefined) s.momentum = f.momentum;
  if (f.clip !== undefined) s.clip = f.clip;
  return s;
}

/**
 * Runs `task` `runs` times (seeds seed, seed + 1, …) and returns the result line with the mean
 * metric; progress goes to stderr.
 */
export async function runSequenceTask(task: SequenceTask, o: {
  cell: TaskCell; length: number; bidirectional: boolean; runs: number; seed: number; settings: Partial<TaskSettings>;
  log: (text: string) => void;
  /** --out and --resume: each run's model in <out>/run<k>/<task>-<cell>.safetensors. */
  checkpoints?: CheckpointFlags;
  /** Polled after every step (Ctrl-C): true stops the run, saved, and the runs after it. */
  shouldStop?: () => boolean;
  /** --max-memory: refuse a run estimated to need more bytes. */
  maxMemory?: number;
}): Promise<{ result: SuiteResult; runs: TaskRunResult[]; interrupted: boolean }> {
  const start = performance.now();
  const done: TaskRunResult[] = [];
  let interrupted = false;
  for (let r = 0; r < o.runs && !interrupted; r++) {
    const folder = o.checkpoints ? runFolder(o.checkpoints, r) : undefined;
    const res = await runTask(task, {
      cell: o.cell, length: o.length, seed: o.seed + r, settings: o.settings, bidirectional: o.bidirectional,
      checkpoint: folder === undefined ? undefined : join(folder, `${task.name}-${cellLabel(o.cell, o.bidirectional, o.settings)}.safetensors`),
      resume: o.checkpoints?.resume, shouldStop: o.shouldStop, maxMemory: o.maxMemory,
      onEval: (e) => o.log(`  step ${e.step}: loss ${fmt(e.loss)}, validation ${task.metric} ${fmt(e.metric)} (${e.elapsed.toFixed(0)} s)`),
    });
    o.log(`run ${r + 1}: test ${task.metric} ${fmt(res.value)} after ${res.steps} steps (${res.trainSeconds.toFixed(0)} s)` +
      (res.stoppedEarly ? ', stopped early: validation passed' : '') + (res.interrupted ? ', interrupted' : ''));
    done.push(res);
    interrupted = res.interrupted;
  }
  const mean = done.reduce((s, r) => s + r.value, 0) / done.length;
  const steps = Math.round(done.reduce((s, r) => s + r.steps, 0) / done.length);
  return {
    result: {
      task: task.name, cell: cellLabel(o.cell, o.bidirectional, o.settings), length: o.length, metric: task.metric, value: mean,
      baseline: task.baseline(o.length), steps, seconds: seconds(start),
    },
    runs: done, interrupted,
  };
}

/** The `unfold tasks <task.name>` command. */
export function sequenceTaskCommand(task: SequenceTask): Command {
  const cmd = new Command(task.name)
    .description(task.description)
    .option('--cell <cell>', `recurrent cell: ${TASK_CELLS.join(', ')} (rnn: tanh; irnn: ReLU from the identity; orth: expRNN; clockwork: Koutník et al.)`, choice(...TASK_CELLS), 'lstm')
    .option('--length <T>', `sequence length or delay T (default ${task.defaultLength}${task.name === 'reber' ? ': the strings\' own lengths' : ''})`, int(0))
    .option('--steps <n>', 'training steps at most (defaults below)', int(1))
    .option('--time <s>', 'seconds of training at most, per run', float(0.01))
    .option('--hidden <n>', 'hidden units', int(1))
    .option('--lr <x>', 'learning rate', learningRate())
    .option('--optimizer <name>', `${TASK_OPTIMIZERS.join(', ')} (default: as set below, else adam)`, choice(...TASK_OPTIMIZERS))
    .option('--momentum <m>', 'momentum of the sgd optimizer (default 0: plain SGD)', float(0, 0.999999))
    .option('--clip <norm>', 'clip gradients to this global norm (0: none; default as set below)', float(0))
    .option('--lr-orth <x>', 'learning rate of the orth cell\'s A = log W_hh (expRNN trains it 10× slower; default: as set below, else --lr)', learningRate())
    .option('--batch <n>', 'sequences per training batch', int(1))
    .option('--test <n>', `fresh test sequences the metric is measured on (at most ${MAX_TEST_SEQUENCES})`, int(1, MAX_TEST_SEQUENCES))
    .option('--info-flow <lambda>', 'weight of the information-flow regulariser Ω (Pascanu et al. 2013; tanh RNN and IRNN, 0: off)', float(0))
    .option('--info-flow-held', 'differentiate Ω with the states held constant: its gradient reaches W_hh alone, as in Pascanu et al.\'s code (Ω is not backpropagated through the recorded net)')
    .option('--recurrent-init <init>', `W_hh's initialisation in the rnn, lstm and gru cells: ${RECURRENT_INITS.join(', ')} (default uniform)`, choice(...RECURRENT_INITS))
    .option('--io-init-std <s>', 'start W_ih and the read-out N(0, s²) and every bias at zero, as Pascanu et al. 2013 (0.01; rnn and irnn cells; default: PyTorch\'s uniform)', float(0))
    .option('--chrono <n>', 'chrono initialisation of the LSTM/GRU gate biases for dependencies up to n steps (0: off)', int(0))
    .option('--direction <d>', `uni or bi(directional) (default ${task.bidirectional ? 'bi' : 'uni'})`, choice('uni', 'bi'));
  const defaults = TASK_CELLS.map((c) => {
    const d = task.settings(c, task.defaultLength);
    return `  ${c.padEnd(5)} hidden ${d.hiddenSize}, lr ${d.lr}, batch ${d.batchSize}, steps ${d.steps}, time ${d.time} s, ` +
      `clip ${d.clip}, test ${d.testSize}${d.chrono ? `, chrono ${d.chrono}` : ''}` +
      `${d.optimizer && d.optimizer !== 'adam' ? `, ${d.optimizer}` : ''}${d.lrOrth !== undefined ? `, lr-orth ${d.lrOrth}` : ''}`;
  }).join('\n');
  cmd.addHelpText('after', `
Defaults at T = ${task.defaultLength}:
${defaults}

Metric: ${task.metric} (${task.higherIsBetter ? 'higher' : 'lower'} is better) on fresh test sequences.
Baseline: ${task.baselineText}.
Training: Adam unless listed above, gradient clipping at the listed global norm (0: none), a fresh
batch every step; stops at --steps or --time${task.stopAt === null ? '' : `, or early once a validation batch passes ${task.stopAt}`}.`);
  return checkpointOptions(taskOptions(cmd, '1'))
    .action(async (f: SequenceTaskFlags) => {
      const length = f.length ?? task.defaultLength;
      const bidirectional = f.direction === undefined ? task.bidirectional : f.direction === 'bi';
      const s = { ...task.settings(f.cell, length), ...settingsFromFlags(f) };
      say(f.json, `${task.name}: ${cellLabel(f.cell, bidirectional, s)}, T ${length}, hidden ${s.hiddenSize}, ${s.optimizer ?? 'adam'}${s.momentum ? ` (momentum ${s.momentum})` : ''} lr ${s.lr}${s.lrOrth !== undefined ? ` (A: ${s.lrOrth})` : ''}, batch ${s.batchSize}, clip ${s.clip}, ${s.ioInitStd ? `W_ih and read-out N(0, ${s.ioInitStd}²), ` : ''}` +
        `at most ${s.steps} steps / ${s.time} s`);
      const interrupt = onInterrupt((t) => process.stderr.write(`${t}\n`));
      const { result, interrupted } = await runSequenceTask(task, {
        cell: f.cell, length, bidirectional, runs: f.runs ?? 1, seed: f.seed, settings: settingsFromFlags(f),
        log: (t) => { process.stderr.write(`${t}\n`); }, checkpoints: f, shouldStop: interrupt.requested, maxMemory: f.maxMemory,
      }).finally(() => interrupt.close());
      if (stoppedEarly(f, interrupted)) return;
      reportTask(result, f.json, `${task.name} T ${length} ${result.cell}: test ${task.metric} ${fmt(result.value)}` +
        (result.baseline !== null ? ` (baseline ${fmt(result.baseline)})` : '') + `, ${result.steps} steps, ${result.seconds} s`);
    });
}
