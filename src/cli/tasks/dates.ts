// `unfold tasks dates`: human-written dates ("21 Nov 2026", "Saturday, November 21, 2026",
// "11/21/26", …, 20 formats) to ISO YYYY-MM-DD with a character-level encoder-decoder; exact match on
// held-out dates, with attention and, beside it, the same model without attention (same budget).

import { Command } from 'commander';
import { runDates, type DatesOptions, type DatesResult } from '../../tasks/dates_experiment.js';
import { DATE_FORMATS } from '../../tasks/dates.js';
import { parseSamplingSchedule } from '../../seq2seq/schedule_spec.js';
import { createProgress } from '../progress.js';
import { choice, float, int, learningRate } from '../parse.js';
import { MAX_BEAM_WIDTH } from '../../seq2seq/beam_search.js';
import { reportTask, say, seconds, taskOptions, type TaskFlags, type TaskResult } from '../task_report.js';

interface DatesFlags extends TaskFlags {
  attention: 'additive' | 'general' | 'dot'; cell: 'rnn' | 'lstm' | 'gru'; hidden: number; batch: number; lr: number;
  time?: number; steps?: number; test: number; beam: number; teacherForcing: string; baseline: boolean; baselineBudget: 'steps' | 'time';
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

export function datesTask(): Command {
  const cmd = new Command('dates')
    .description(`dates in ${DATE_FORMATS.length} human formats to ISO YYYY-MM-DD: exact match on held-out dates, with attention vs without`)
    .option('--attention <kind>', 'score function: additive, general or dot', choice('additive', 'general', 'dot'), 'general')
    .option('--cell <type>', 'rnn, lstm or gru', choice('rnn', 'lstm', 'gru'), 'lstm')
    .option('--hidden <n>', 'hidden units', int(1), 64)
    .option('--batch <n>', 'pairs per batch', int(1), 64)
    .option('--lr <x>', 'peak learning rate of Adam, cosine-decayed', learningRate(), 3e-3)
    .option('--time <seconds>', 'training seconds of the model with attention (default 600 unless --steps is given)', float(0))
    .option('--steps <n>', 'training steps of the model with attention', int(1))
    .option('--test <n>', 'held-out dates scored', int(1), 1000)
    .option('--beam <k>', `beam width at test time (0: greedy; at most ${MAX_BEAM_WIDTH})`, int(0, MAX_BEAM_WIDTH), 0)
    .option('--teacher-forcing <schedule>', 'probability of feeding the true previous character: a number, constant:P, linear:SLOPE[:MIN], exponential:K[:MIN] or inverse-sigmoid:K', '1')
    .option('--no-baseline', 'skip the model without attention')
    .option('--baseline-budget <b>', 'train the model without attention for as many steps as the one with it (steps: the same examples seen) or for the same time', choice('steps', 'time'), 'steps');
  cmd.addHelpText('after', `\nFormats (examples for 2026-11-21):\n${DATE_FORMATS.map((f) => `  ${f.example}`).join('\n')}`);
  return taskOptions(cmd, '1')
    .action(async (f: DatesFlags) => {
      const start = performance.now();
      const runs = f.runs ?? 1;
      const time = f.time ?? (f.steps === undefined ? 600 : 0);
      const teacherForcing = parseSamplingSchedule(f.teacherForcing);
      const run = async (attention: DatesOptions['attention'], seed: number, steps?: number): Promise<DatesResult> => {
        const progress = createProgress();
        progress.log(`${attention === 'none' ? 'without attention' : `with ${attention} attention`}, run seed ${seed}`);
        try {
          return await runDates({
            attention, cell: f.cell, hiddenSize: f.hidden, batchSize: f.batch, lr: f.lr, testSize: f.test,
            ...(steps !== undefined ? { steps, time: 0 } : { time, steps: f.steps }),
            beamWidth: f.beam, teacherForcing, seed, callbacks: { onStep: (i) => progress.update(i) }, maxMemory: f.maxMemory,
          });
        } finally { progress.stop(); }
      };
      const withAtt: DatesResult[] = [], without: DatesResult[] = [];
      for (let r = 0; r < runs; r++) {
        const a = await run(f.attention, f.seed + r);
        withAtt.push(a);
        say(f.json, `with ${f.attention} attention: ${pct(a.accuracy)} exact match on ${f.test} held-out dates after ${a.steps} steps (${a.trainSeconds.toFixed(0)} s), ${a.parameters} parameters`);
        const worst = a.perFormat.map((acc, i) => ({ acc, i })).filter((x) => x.acc < 1).sort((x, y) => x.acc - y.acc).slice(0, 3);
        if (worst.length) say(f.json, `  weakest formats: ${worst.map((x) => `"${DATE_FORMATS[x.i].example}" ${pct(x.acc)}`).join(', ')}`);
        for (const e of a.examples.slice(0, 3)) say(f.json, `  ${JSON.stringify(e.source)} -> ${e.output}${e.output === e.target ? '' : ` (expected ${e.target})`}`);
        if (f.baseline) {
          const b = await run('none', f.seed + r, f.baselineBudget === 'steps' ? a.steps : undefined);
          without.push(b);
          say(f.json, `without attention: ${pct(b.accuracy)} exact match after ${b.steps} steps (${b.trainSeconds.toFixed(0)} s), ${b.parameters} parameters`);
        }
      }
      const mean = (xs: DatesResult[]): number => xs.reduce((s, x) => s + x.accuracy, 0) / xs.length;
      const value = mean(withAtt), baseline = without.length ? mean(without) : null;
      const result: TaskResult & { attention: string; test: number; withoutAttention: number | null; trainSeconds: number } = {
        task: 'dates', cell: f.cell, length: 10, metric: 'exact_match', value, baseline,
        steps: Math.round(withAtt.reduce((s, x) => s + x.steps, 0) / runs), seconds: seconds(start),
        attention: f.attention, test: f.test, withoutAttention: baseline, trainSeconds: Math.round(withAtt.reduce((s, x) => s + x.trainSeconds, 0) / runs),
      };
      reportTask(result, f.json, `exact match on ${f.test} held-out dates: ${pct(value)} with ${f.attention} attention` +
        (baseline !== null ? `, ${pct(baseline)} without` : '') + ` (mean of ${runs} run${runs === 1 ? '' : 's'})`);
    });
}
