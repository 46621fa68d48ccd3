// `unfold tasks ntm-copy` and `unfold tasks ntm-recall`: the neural Turing machine's tasks
// (src/tasks/ntm_tasks.ts), the NTM or the LSTM baseline trained on short lengths and tested on
// longer ones; one result line per test length, bit errors per sequence against a coin flip's.
// --out DIR keeps each run's model (DIR/run<k>/<task>-<model>.safetensors) and --resume continues it.
// --report F.html draws where the first run's NTM heads looked on a fresh sequence of each test length.

import { Command, InvalidArgumentError } from 'commander';
import { BIT_TASK_DEFAULTS, NTM_COPY, NTM_RECALL, runBitTask, type BitTask, type BitTaskResult } from '../../tasks/ntm_tasks.js';
import { choice, filePath, float, int, learningRate } from '../parse.js';
import { ntmViews } from '../../tasks/ntm_views.js';
import { ntmReportHtml } from '../../viz/ntm_weightings.js';
import { writeFileAtomicSync } from '../../io/atomic_write.js';
import { Rng } from '../../tensor/random.js';
import { fmt, reportTask, say, seconds, taskOptions } from '../task_report.js';
import { onInterrupt } from '../interrupt.js';
import { checkpointOptions, runFolder, stoppedEarly, type CheckpointFlags } from '../task_checkpoints.js';
import { join } from 'node:path';

interface BitFlags extends CheckpointFlags {
  model: 'ntm' | 'lstm'; trainLengths?: [number, number]; testLengths?: number[]; steps?: number; time?: number; hidden?: number;
  memory?: number; width?: number; lr?: number; batch?: number; test?: number; seed: number; json?: boolean; runs?: number; report?: string;
}

function lengthRange(v: string): [number, number] {
  const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(v);
  if (!m || !(Number(m[1]) >= 1 && Number(m[2]) >= Number(m[1]))) throw new InvalidArgumentError(`expected lengths a-b with 1 <= a <= b, got '${v}'`);
  return [Number(m[1]), Number(m[2])];
}

function lengthList(v: string): number[] {
  const xs = v.split(',').map((s) => s.trim());
  if (xs.some((s) => !/^\d+$/.test(s) || Number(s) < 1)) throw new InvalidArgumentError(`expected comma-separated lengths >= 1, got '${v}'`);
  return xs.map(Number);
}

function bitTaskCommand(task: BitTask): Command {
  const d = BIT_TASK_DEFAULTS;
  const cmd = new Command(task.name)
    .description(task.description)
    .option('--model <m>', 'ntm (LSTM controller, one read and one write head) or lstm (the baseline)', choice('ntm', 'lstm'), 'ntm')
    .option('--train-lengths <a-b>', `${task.lengthUnit} per training sequence (default ${task.trainLengths.join('-')})`, lengthRange)
    .option('--test-lengths <list>', `${task.lengthUnit} of the test sequences (default ${task.testLengths.join(',')})`, lengthList)
    .option('--steps <n>', `training steps at most (default ${d.steps})`, int(1))
    .option('--time <s>', `seconds of training at most (default ${d.time})`, float(0.01))
    .option('--hidden <n>', `controller (or LSTM) units (default ${d.hiddenSize})`, int(1))
    .option('--memory <n>', `NTM memory rows N (default ${d.memorySize})`, int(3))
    .option('--width <n>', `NTM row width M (default ${d.memoryWidth})`, int(1))
    .option('--lr <x>', `Adam learning rate (default ${d.lr})`, learningRate())
    .option('--batch <n>', `sequences per batch (default ${d.batchSize})`, int(1))
    .option('--test <n>', `fresh test sequences per test length (default ${d.testSize})`, int(1))
    .option('--report <file>', 'write an HTML page of the NTM\'s read and write weightings on one fresh sequence per test length (first run)', filePath());
  return checkpointOptions(taskOptions(cmd, '1')).action(async (f: BitFlags) => {
    if (f.report !== undefined && f.model !== 'ntm') throw new Error(`--report draws the NTM's weightings: expected --model ntm, got ${f.model}`);
    const start = performance.now();
    say(f.json, `${task.name}: ${f.model}, trained on ${(f.trainLengths ?? task.trainLengths).join('-')} ${task.lengthUnit}`);
    const interrupt = onInterrupt((t) => process.stderr.write(`${t}\n`));
    // --runs: fresh models from seeds seed, seed + 1, …; the result lines give the mean over them
    const runs: BitTaskResult[] = [];
    try {
      for (let r = 0; r < (f.runs ?? 1) && !interrupt.requested(); r++) {
        const folder = runFolder(f, r);
        runs.push(await runBitTask(task, {
          checkpoint: folder === undefined ? undefined : join(folder, `${task.name}-${f.model}.safetensors`), resume: f.resume,
          model: f.model, trainLengths: f.trainLengths, testLengths: f.testLengths, steps: f.steps, time: f.time, hiddenSize: f.hidden,
          memorySize: f.memory, memoryWidth: f.width, lr: f.lr, batchSize: f.batch, testSize: f.test, seed: f.seed + r, shouldStop: interrupt.requested,
          onEval: (e) => process.stderr.write(`  step ${e.step}: loss ${fmt(e.loss)}, validation bit errors ${fmt(e.errors)} (${e.elapsed.toFixed(0)} s)\n`),
        }));
      }
    } finally {
      interrupt.close();
    }
    if (stoppedEarly(f, runs.some((r) => r.interrupted))) return;
    if (f.report !== undefined && runs.length > 0) {
      const r = runs[0], lengths = f.testLengths ?? task.testLengths;
      const views = ntmViews(task, r.model, new Rng(f.seed * 7 + 5), lengths);
      const c = r.model.config;
      const note = `NTM: LSTM controller of ${c.hiddenSize} units, memory ${c.memorySize} × ${c.memoryWidth}, one read and one write head, `
        + `${r.model.numParameters()} parameters, trained ${r.steps} steps on lengths ${(f.trainLengths ?? task.trainLengths).join('-')}.`;
      writeFileAtomicSync(f.report, new TextEncoder().encode(ntmReportHtml(`unfold: ${task.name}, where the NTM's heads looked`, note, views)));
      say(f.json, `report: ${f.report} (${views.length} sequences)`);
    }
    const steps = Math.round(runs.reduce((a, r) => a + r.steps, 0) / runs.length);
    runs[0].errors.forEach((e, k) => {
      const value = runs.reduce((a, r) => a + r.errors[k].value, 0) / runs.length;
      reportTask({ task: task.name, cell: f.model, length: e.length, metric: 'bit_errors', value, baseline: e.baseline, steps, seconds: seconds(start) },
        f.json, `${task.name} ${e.length} ${task.lengthUnit} ${f.model}: ${fmt(value)} bit errors per sequence (coin flip ${fmt(e.baseline)}), ${steps} steps`);
    });
  });
}

export function ntmCopyTask(): Command {
  return bitTaskCommand(NTM_COPY);
}

export function ntmRecallTask(): Command {
  return bitTaskCommand(NTM_RECALL);
}
