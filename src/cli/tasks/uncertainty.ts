// `unfold tasks uncertainty`: Monte-Carlo dropout forecasts of a noisy Mackey–Glass series
// (src/tasks/uncertainty.ts); the result line is the coverage of the 90 % interval on held-out
// points (calibrated: about 0.9), and --report draws the forecasts with their interval.

import { Command } from 'commander';
import { UNCERTAINTY_DEFAULTS, runUncertainty, type UncertaintyResult } from '../../tasks/uncertainty.js';
import { intervalReportHtml } from '../../viz/interval_report.js';
import { writeFileAtomicSync } from '../../io/atomic_write.js';
import { filePath, float, int, learningRate } from '../parse.js';
import { fmt, reportTask, say, seconds, taskOptions, type TaskResult } from '../task_report.js';
import { onInterrupt } from '../interrupt.js';

interface UncertaintyFlags {
  steps?: number; time?: number; hidden?: number; layers?: number; dropout?: number; lr?: number; batch?: number; passes?: number;
  noise?: number; horizon?: number; window?: number; report?: string; seed: number; json?: boolean; runs?: number;
}

export function uncertaintyTask(): Command {
  const d = UNCERTAINTY_DEFAULTS;
  const cmd = new Command('uncertainty')
    .description('MC-dropout forecast intervals of a noisy Mackey-Glass series: coverage of the 90 % interval on held-out points')
    .option('--steps <n>', `training steps at most (default ${d.steps})`, int(1))
    .option('--time <s>', `seconds of training at most (default ${d.time})`, float(0.01))
    .option('--hidden <n>', `LSTM units (default ${d.hiddenSize})`, int(1, 4096))
    .option('--layers <n>', `LSTM layers (default ${d.numLayers})`, int(1, 64))
    .option('--dropout <p>', `dropout between layers and before the head, in training and in the passes (default ${d.dropout})`, float(0, 0.95))
    .option('--lr <x>', `Adam learning rate (default ${d.lr})`, learningRate())
    .option('--batch <n>', `windows per batch (default ${d.batchSize})`, int(1))
    .option('--passes <n>', `Monte-Carlo passes at test time (default ${d.passes})`, int(2, 100000))
    .option('--noise <x>', `observation noise, in standard deviations of the series (default ${d.noise})`, float(0, 10))
    .option('--horizon <n>', `steps ahead forecast (default ${d.horizon})`, int(1, 1000))
    .option('--window <n>', `observations read per forecast (default ${d.window})`, int(1, 10000))
    .option('--report <file.html>', 'write the held-out forecasts and their intervals as an HTML page', filePath());
  return taskOptions(cmd, '1').action(async (f: UncertaintyFlags) => {
    const start = performance.now();
    const interrupt = onInterrupt((t) => process.stderr.write(`${t}\n`));
    const results: UncertaintyResult[] = [];
    try {
      for (let r = 0; r < (f.runs ?? 1) && !interrupt.requested(); r++) {
        results.push(await runUncertainty({
          steps: f.steps, time: f.time, hiddenSize: f.hidden, numLayers: f.layers, dropout: f.dropout, lr: f.lr, batchSize: f.batch,
          passes: f.passes, noise: f.noise, horizon: f.horizon, window: f.window, seed: f.seed + r, shouldStop: interrupt.requested,
        }));
      }
    } finally {
      interrupt.close();
    }
    if (results.length === 0) return;
    const mean = (pick: (x: UncertaintyResult) => number): number => results.reduce((a, x) => a + pick(x), 0) / results.length;
    const first = results[0];
    const coverage = mean((x) => x.coverage), modelCoverage = mean((x) => x.modelCoverage), steps = Math.round(mean((x) => x.steps));
    const horizon = f.horizon ?? d.horizon;
    const about = `${steps} training steps, ${f.passes ?? d.passes} passes with dropout ${f.dropout ?? d.dropout}; held-out coverage of the 90 % interval ${fmt(coverage)} `
      + `(model spread alone ${fmt(modelCoverage)}), RMSE of the MC mean ${fmt(mean((x) => x.rmse))} (dropout off ${fmt(mean((x) => x.deterministicRmse))}), `
      + `noise ${fmt(first.noise)} (estimated ${fmt(mean((x) => x.estimatedNoise))})`;
    if (f.report) {
      writeFileAtomicSync(f.report, new TextEncoder().encode(intervalReportHtml('unfold: Monte-Carlo dropout forecast intervals',
        `LSTM forecasts ${horizon} steps ahead of a noisy Mackey-Glass series (standardized), run ${f.seed}: ${about}.`,
        { observed: first.observed, clean: first.clean, mean: first.mean, band: [first.lower, first.upper], bandLabel: '90 % predictive interval',
          inner: [first.modelLower, first.modelUpper], innerLabel: '90 % interval of the passes alone' })));
      say(f.json, `report written to ${f.report}`);
    }
    const result: TaskResult & { modelCoverage: number; width: number; rmse: number; deterministicRmse: number; estimatedNoise: number } = {
      task: 'uncertainty', cell: 'lstm', length: horizon, metric: 'coverage90', value: coverage, baseline: 0.9, steps, seconds: seconds(start),
      modelCoverage, width: mean((x) => x.width), rmse: mean((x) => x.rmse), deterministicRmse: mean((x) => x.deterministicRmse),
      estimatedNoise: mean((x) => x.estimatedNoise),
    };
    reportTask(result, f.json, `uncertainty: ${about}`);
  });
}
