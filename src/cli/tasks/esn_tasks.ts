// The reservoir tasks of `unfold tasks`: Mackey-Glass forecasting and generation, NARMA10.

import { Command } from 'commander';
import {
  mackeyGlassForecast, mackeyGlassGenerative, narma10,
  MACKEY_GLASS_FORECAST_BASELINES, MACKEY_GLASS_FORECAST_ESN, MACKEY_GLASS_GENERATIVE_BASELINE, MACKEY_GLASS_GENERATIVE_ESN, NARMA10_ESN,
  type EsnOverrides,
} from '../../esn/index.js';
import { addEsnOptions, checkEsnMemory, esnOverrides, MAX_HORIZON, type EsnFlags } from '../esn_command.js';
import { choice, float, int } from '../parse.js';
import { fmt, reportTask, runs, say, seconds, settingsLine, taskOptions, type TaskFlags } from '../task_report.js';
import { maxOf, minOf } from '../../tensor/large_arrays.js';
// ---------------------------------------------------------------------------------------------

interface MackeyGlassFlags extends TaskFlags, EsnFlags {
  mode: 'forecast' | 'generate'; horizon?: number; norm?: 'range' | 'std'; noise?: number;
}

export function mackeyGlassTask(): Command {
  const cmd = new Command('mackey-glass')
    .description('Mackey-Glass (tau = 17): h-step-ahead forecasting (ReservoirPy tutorial) or free-running generation (Jaeger & Haas 2004)')
    .option('--mode <m>', 'forecast (predict x(t+h) from the series up to t) or generate (run free for h steps)', choice('forecast', 'generate'), 'forecast')
    .option('--horizon <h>', 'h: 10 or 100 for forecast (default 10), 84 for generate (default 84)', int(1, MAX_HORIZON))
    .option('--norm <n>', 'forecast NRMSE normalisation: range (ReservoirPy\'s default, the baselines\') or std (default range)', choice('range', 'std'))
    .option('--noise <a>', 'generate: uniform state noise in [-a, a] during training (default 0)', float(0));
  addEsnOptions(cmd, null);
  cmd.addHelpText('after', `
Defaults by mode:
  forecast: --units 100 --runs 10 --horizon 10; ${overridesText(MACKEY_GLASS_FORECAST_ESN)}
  generate: --units 1000 --runs 20 --horizon 84; ${overridesText(MACKEY_GLASS_GENERATIVE_ESN)}, solver qr

NRMSE: forecast reports RMSE / (max - min) of the test targets (ReservoirPy's nrmse default, under
which its tutorial reports 0.0069 at h = 10 and 0.054 at h = 100) and also RMSE / std; generate
reports NRMSE84 = sqrt(mean over runs of e^2) / std(x) at the last step (Jaeger & Haas: ~10^-4.2).`);
  return taskOptions(cmd, '10 for forecast, 20 for generate')
    .action((f: MackeyGlassFlags) => {
      const start = performance.now();
      const esn = esnOverrides(f);
      const onRun = (r: number, v: number): void => { process.stderr.write(`run ${r + 1}: ${fmt(v)}\n`); };
      if (f.mode === 'forecast') {
        const horizon = f.horizon ?? 10, norm = f.norm ?? 'range';
        checkEsnMemory(f.units ?? 100, f, { inputSize: 1, outputSize: 1, density: MACKEY_GLASS_FORECAST_ESN.density ?? 0.1 }, f.maxMemory);
        const res = mackeyGlassForecast({ units: f.units ?? 100, runs: f.runs ?? 10, seed: f.seed, horizon, norm, esn, onRun });
        say(f.json, `settings: ${settingsLine(res.settings)}`);
        const baseline = norm === 'range' ? MACKEY_GLASS_FORECAST_BASELINES[horizon] ?? null : null;
        const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
        reportTask({
          task: 'mackey-glass', cell: 'esn', length: horizon, metric: `nrmse_${norm}`, value: res.value, baseline,
          steps: res.trainSteps, seconds: seconds(start),
        }, f.json, `${horizon}-step-ahead test NRMSE, mean of ${runs(res.perRun.length)}: ${fmt(mean(res.nrmseRange))} (RMSE / range), ` +
          `${fmt(mean(res.nrmseStd))} (RMSE / std); worst run ${fmt(maxOf(res.perRun))} (${norm})` +
          (baseline !== null ? `; ReservoirPy tutorial: ${baseline} (RMSE / range)` : ''));
      } else {
        const horizon = f.horizon ?? 84;
        checkEsnMemory(f.units ?? 1000, f, { inputSize: 0, outputSize: 1, density: MACKEY_GLASS_GENERATIVE_ESN.density ?? 0.1 }, f.maxMemory);
        const res = mackeyGlassGenerative({ units: f.units ?? 1000, runs: f.runs ?? 20, seed: f.seed, horizon, stateNoise: f.noise, esn, onRun });
        say(f.json, `settings: ${settingsLine(res.settings)}`);
        const baseline = horizon === 84 ? MACKEY_GLASS_GENERATIVE_BASELINE : null;
        const sorted = [...res.perRun].sort((a, b) => a - b);
        reportTask({
          task: 'mackey-glass-generate', cell: 'esn', length: horizon, metric: `nrmse${horizon}`, value: res.value, baseline,
          steps: res.trainSteps, seconds: seconds(start),
        }, f.json, `NRMSE${horizon} over ${runs(res.perRun.length)}: ${fmt(res.value)} (10^${Math.log10(res.value).toFixed(2)}); ` +
          `median run ${fmt(sorted[Math.floor(sorted.length / 2)])}, worst ${fmt(sorted[sorted.length - 1])}` +
          (baseline !== null ? `; Jaeger & Haas (2004): 10^-4.2 = ${fmt(baseline)}` : ''));
      }
    });
}

// ---------------------------------------------------------------------------------------------

interface Narma10Flags extends TaskFlags, EsnFlags {}

export function narma10Task(): Command {
  const cmd = new Command('narma10')
    .description('NARMA10: output y(t+1) from inputs u(t) of the tenth-order NARMA system; NMSE on 2000 test steps');
  addEsnOptions(cmd, { units: 100, ...NARMA10_ESN });
  return taskOptions(cmd, '10')
    .action((f: Narma10Flags) => {
      const start = performance.now();
      checkEsnMemory(f.units ?? 100, f, { inputSize: 1, outputSize: 1, density: NARMA10_ESN.density ?? 0.1 }, f.maxMemory);
      const res = narma10({
        units: f.units ?? 100, runs: f.runs ?? 10, seed: f.seed, esn: esnOverrides(f),
        onRun: (r, v) => { process.stderr.write(`run ${r + 1}: ${fmt(v)}\n`); },
      });
      say(f.json, `settings: ${settingsLine(res.settings)}`);
      reportTask({
        task: 'narma10', cell: 'esn', length: 10, metric: 'nmse', value: res.value, baseline: null,
        steps: res.trainSteps, seconds: seconds(start),
      }, f.json, `NARMA10 test NMSE, mean of ${runs(res.perRun.length)}: ${fmt(res.value)} (MSE / variance of the target); ` +
        `best ${fmt(minOf(res.perRun))}, worst ${fmt(maxOf(res.perRun))}`);
    });
}

function overridesText(o: EsnOverrides): string {
  const names: Record<string, string> = {
    spectralRadius: 'spectral-radius', leakRate: 'leak', ridge: 'ridge', density: 'density', inputScaling: 'input-scaling',
    biasScaling: 'bias-scaling', feedbackScaling: 'feedback scaling',
  };
  return Object.entries(o).map(([k, v]) => `${names[k] ?? k} ${v}`).join(', ');
}
