// `unfold esn <file.csv>`: fits an echo state network to a time series from a CSV file (one-step-
// ahead prediction, ridge readout) and forecasts past its end by running free on its own outputs.
// The summary goes to stderr and the forecast, as CSV, to stdout (or to --out), so
// `unfold esn data.csv > forecast.csv` works.

import { Command } from 'commander';
import { statSync } from 'node:fs';
import { readRegularFileSync } from '../io/read_file.js';
import { writeFileAtomicSync } from '../io/atomic_write.js';
import { ESN, ESN_DEFAULTS, esnMemory, parseCsvSeries, timeSeries, type EsnOverrides } from '../esn/index.js';
import { checkMemory, DEFAULT_MAX_MEMORY } from '../nn/memory_estimate.js';
import { filePath, float, int, memorySize } from './parse.js';
import { finiteMetric } from './finite_metric.js';

/** Largest CSV read, so that a wrong path (a disk image, a log) fails fast instead of filling memory. */
const MAX_CSV_BYTES = 512 * 1024 * 1024;
/** Fewest training steps (after the washout) worth fitting a readout on. */
const MIN_TRAIN_STEPS = 20;
/**
 * Most steps forecast past the series: about a second of free running and writing for 100 units
 * (a CSV of some 3 MB). Each step costs the reservoir's weights in work, so a horizon of 10^9 never ends.
 */
export const MAX_HORIZON = 100_000;

/** Flags shared by `unfold esn` and `unfold tasks`: reservoir and readout settings. */
export interface EsnFlags {
  units?: number; spectralRadius?: number; leak?: number; ridge?: number; density?: number;
  inputScaling?: number; biasScaling?: number;
}

/**
 * Adds the reservoir / readout flags to a command; `defaults` fills their help text (null: the
 * command explains its defaults itself).
 */
export function addEsnOptions(cmd: Command, defaults: ({ units: number } & EsnOverrides) | null): Command {
  const d = (v: unknown): string => (defaults ? ` (default ${v})` : '');
  return cmd
    .option('--units <n>', `reservoir units${d(defaults?.units)}`, int(1))
    .option('--spectral-radius <r>', `spectral radius of the recurrent weights${d(defaults?.spectralRadius)}`, float(0, 100))
    .option('--leak <a>', `leak rate in (0, 1]${d(defaults?.leakRate)}`, float(Number.MIN_VALUE, 1))
    .option('--ridge <lambda>', `ridge penalty of the readout${d(defaults?.ridge)}`, float(0))
    .option('--density <p>', `fraction of non-zero recurrent weights${d(defaults?.density)}`, float(Number.MIN_VALUE, 1))
    .option('--input-scaling <s>', `input weights uniform in [-s, s]${d(defaults?.inputScaling)}`, float(0))
    .option('--bias-scaling <s>', `bias uniform in [-s, s]${d(defaults?.biasScaling)}`, float(0));
}

/**
 * Refuses a reservoir of `units` (with the flags' density) whose estimated memory (esn/esn_memory.ts)
 * is over `maxMemory` bytes, before anything is drawn.
 */
export function checkEsnMemory(units: number, f: EsnFlags, size: { inputSize: number; outputSize: number; density: number }, maxMemory = DEFAULT_MAX_MEMORY): void {
  checkMemory(esnMemory({ units, ...size, density: f.density ?? size.density }), maxMemory, 'use fewer --units');
}

/** The overrides a command's flags ask for (undefined ones left to the defaults). */
export function esnOverrides(f: EsnFlags): EsnOverrides {
  const o: EsnOverrides = {};
  if (f.spectralRadius !== undefined) o.spectralRadius = f.spectralRadius;
  if (f.leak !== undefined) o.leakRate = f.leak;
  if (f.ridge !== undefined) o.ridge = f.ridge;
  if (f.density !== undefined) o.density = f.density;
  if (f.inputScaling !== undefined) o.inputScaling = f.inputScaling;
  if (f.biasScaling !== undefined) o.biasScaling = f.biasScaling;
  return o;
}

/** Defaults of `unfold esn`: a general-purpose reservoir for smooth univariate series. */
export const ESN_COMMAND_DEFAULTS = {
  units: 100, spectralRadius: 0.9, leakRate: 0.3, ridge: 1e-6, density: 0.1, inputScaling: 1, biasScaling: 0.2,
  washout: 100, horizon: 20, seed: 0,
};

interface EsnCommandFlags extends EsnFlags {
  column?: string; washout?: number; horizon?: number; seed?: number; out?: string; maxMemory?: number;
}

export function esnCommand(): Command {
  const d = ESN_COMMAND_DEFAULTS;
  const cmd = new Command('esn')
    .description('fit an echo state network to a CSV time series and forecast past its end')
    .argument('<file>', 'CSV file: one value per row in the chosen column, optional header row')
    .option('--column <k>', 'column to read: 1-based number or header name (default: the last column)');
  addEsnOptions(cmd, d);
  return cmd
    .option('--washout <n>', `leading steps that only warm the reservoir up (default ${d.washout})`, int(0))
    .option('--horizon <h>', `steps to forecast past the end of the series, at most ${MAX_HORIZON} (default ${d.horizon})`, int(0, MAX_HORIZON))
    .option('--seed <n>', `seed of the reservoir weights (default ${d.seed})`, int(0))
    .option('--out <path>', 'write the forecast CSV here instead of stdout', filePath())
    .option('--max-memory <size>', 'refuse a reservoir estimated to need more memory than this, such as 512M or 16G (default 4G)', memorySize())
    .action((file: string, f: EsnCommandFlags) => {
      const washout = f.washout ?? d.washout, horizon = f.horizon ?? d.horizon, units = f.units ?? d.units;
      checkEsnMemory(units, f, { inputSize: 1, outputSize: 1, density: d.density }, f.maxMemory);
      const series = readSeries(file, f.column);
      const { values } = series;
      const T = values.length;
      // One-step-ahead pairs: T values give T − 1 (input, target) pairs.
      if (T - 1 < washout + MIN_TRAIN_STEPS) {
        throw new Error(`${file}: the series has ${T} values; fitting needs at least ${washout + MIN_TRAIN_STEPS + 1} ` +
          `(washout ${washout} + ${MIN_TRAIN_STEPS} training steps + 1); use a longer series or a smaller --washout`);
      }
      let lo = Infinity, hi = -Infinity;
      for (const v of values) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      if (hi === lo) throw new Error(`${file}: ${describe(series)} is constant (every value is ${lo}); there is nothing to fit`);
      // Rescale to [−1, 1], the range tanh units and the input weights are sized for.
      const scaled = values.map((v) => (2 * (v - lo)) / (hi - lo) - 1);
      const overrides = esnOverrides(f);
      const net = new ESN({
        ...ESN_DEFAULTS, ...pick(d), ...overrides,
        units, inputSize: 1, outputSize: 1, seed: f.seed ?? d.seed,
      });
      const fit = net.fit(timeSeries(scaled.subarray(0, T - 1)), timeSeries(scaled.subarray(1)), { washout });
      // After fitting, the state is the one after the last input and lastOutput is the last value,
      // so free-running generation continues the series.
      const forecast = Array.from(net.generate(horizon).data, (v) => lo + ((v + 1) * (hi - lo)) / 2);
      finiteMetric(fit.nrmse, 'in-sample NRMSE');
      const bad = forecast.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) throw new Error(`expected a finite forecast, got ${forecast[bad]} at step ${bad + 1}: the free-running network diverged (try a smaller --spectral-radius or a larger --ridge)`);
      const c = net.config;
      process.stderr.write(`series: ${T} values from ${describe(series)} of ${file}\n`);
      process.stderr.write(`reservoir: ${units} units, spectral radius ${c.spectralRadius}, leak ${c.leakRate}, density ${c.density}, ` +
        `input scaling ${c.inputScaling}, bias scaling ${c.biasScaling}, ridge ${c.ridge}, seed ${c.seed}\n`);
      process.stderr.write(`in-sample one-step NRMSE ${fmt(fit.nrmse)} over ${fit.steps} steps after a washout of ${washout} ` +
        `(RMSE / std of the target)\n`);
      const csv = `step,${series.name ?? 'forecast'}\n` + forecast.map((v, i) => `${T + i + 1},${v}`).join('\n') + (horizon > 0 ? '\n' : '');
      if (f.out) {
        writeFileAtomicSync(f.out, new TextEncoder().encode(csv));
        process.stderr.write(`forecast: ${horizon} steps written to ${f.out}\n`);
      } else {
        process.stderr.write(`forecast: ${horizon} steps (rows numbered on from the series' last, ${T})\n`);
        process.stdout.write(csv);
      }
    });
}

// The chosen column of the CSV file at `path`, with every file and content error naming the file.
function readSeries(path: string, column: string | undefined): ReturnType<typeof parseCsvSeries> {
  let size = 0;
  try { size = statSync(path).size; } catch { /* readRegularFileSync reports it */ }
  if (size > MAX_CSV_BYTES) throw new Error(`${path}: expected a CSV file of at most ${MAX_CSV_BYTES / 1024 / 1024} MB, got ${(size / 1024 / 1024).toFixed(0)} MB`);
  const bytes = readRegularFileSync(path, 'time series');
  if (bytes.includes(0)) throw new Error(`${path}: expected a CSV text file, got binary data (a NUL byte)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${path}: expected UTF-8 text, got invalid UTF-8`);
  }
  return parseCsvSeries(text, { column, source: path });
}

function describe(s: { column: number; name: string | null }): string {
  return `column ${s.column}${s.name ? ` ('${s.name}')` : ''}`;
}

function fmt(x: number): string {
  return x === 0 ? '0' : Math.abs(x) < 1e-3 ? x.toExponential(3) : x.toFixed(5);
}

function pick(d: typeof ESN_COMMAND_DEFAULTS): EsnOverrides {
  const { spectralRadius, leakRate, ridge, density, inputScaling, biasScaling } = d;
  return { spectralRadius, leakRate, ridge, density, inputScaling, biasScaling };
}
