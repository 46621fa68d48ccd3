// `unfold tasks pixels`: a PixelRNN (row LSTMs) learns the distribution of 16×16 images of shapes
// reduced to a few grey levels (default 2: binary); held-out negative log-likelihood per pixel in
// nats and bits against independent per-pixel distributions counted on training images, and
// --report F.html draws images the trained model generates pixel by pixel.

import { Command } from 'commander';
import { join } from 'node:path';
import { PIXELS_DEFAULTS, PIXEL_SIDE, runPixels, type PixelsResult } from '../../tasks/pixels.js';
import { filePath, float, int, learningRate } from '../parse.js';
import { createProgress } from '../progress.js';
import { onInterrupt } from '../interrupt.js';
import { checkpointOptions, runFolder, stoppedEarly, type CheckpointFlags } from '../task_checkpoints.js';
import { fmt, reportTask, say, seconds, taskOptions, type TaskFlags, type TaskResult } from '../task_report.js';
import { writePixelsReport } from '../pixels_report.js';

interface PixelsFlags extends TaskFlags, CheckpointFlags {
  levels: number; hidden: number; layers: number; lr: number; batch: number; time?: number; steps?: number; test: number; samples: number; report?: string;
}

/** The result line: NLL per pixel in nats (value, baseline), then the same in bits. */
export interface PixelsTaskResult extends TaskResult {
  levels: number;
  bitsPerPixel: number;
  baselineBitsPerPixel: number;
  parameters: number;
  test: number;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export function pixelsTask(): Command {
  const d = PIXELS_DEFAULTS;
  const cmd = new Command('pixels')
    .description('PixelRNN (row LSTM) on 16×16 images of shapes: held-out NLL per pixel vs independent pixels; samples drawn pixel by pixel')
    .option('--levels <n>', 'grey levels per pixel (2: binary)', int(2, 256), d.levels)
    .option('--hidden <n>', 'units of each row LSTM (and channels of the masked convolution)', int(1), d.hiddenSize)
    .option('--layers <n>', 'row LSTM layers', int(1, 16), d.numLayers)
    .option('--lr <x>', 'peak learning rate of Adam, cosine-decayed to a tenth', learningRate(), d.lr)
    .option('--batch <n>', 'images per batch', int(1), d.batchSize)
    .option('--time <seconds>', 'training seconds (default 420 unless --steps is given)', float(0))
    .option('--steps <n>', 'training steps', int(1))
    .option('--test <n>', 'held-out images scored', int(1), d.testSize)
    .option('--samples <n>', 'images drawn from the trained model', int(1, 1000), d.samples)
    .option('--report <file>', 'write an HTML page of drawn and held-out images (first run)', filePath());
  return checkpointOptions(taskOptions(cmd, '1')).action(async (f: PixelsFlags) => {
    const start = performance.now();
    const interrupt = onInterrupt((t) => process.stderr.write(`${t}\n`));
    const time = f.time ?? (f.steps === undefined ? 420 : 0);
    const done: PixelsResult[] = [];
    try {
      for (let r = 0; r < (f.runs ?? 1); r++) {
        const seed = f.seed + r, folder = runFolder(f, r), progress = createProgress();
        progress.log(`PixelRNN, ${f.levels} levels, run seed ${seed}`);
        let res: PixelsResult;
        try {
          res = await runPixels({
            levels: f.levels, hiddenSize: f.hidden, numLayers: f.layers, lr: f.lr, batchSize: f.batch, time, steps: f.steps, testSize: f.test,
            samples: f.samples, seed, checkpoint: folder === undefined ? undefined : join(folder, 'pixelrnn.safetensors'), resume: f.resume,
            shouldStop: interrupt.requested, onStep: (i) => progress.update(i),
          });
        } finally { progress.stop(); }
        if (stoppedEarly(f, res.interrupted)) return;
        done.push(res);
        say(f.json, `held-out NLL per pixel: ${fmt(res.nll)} nats (${fmt(res.nll / Math.LN2)} bits); independent pixels ${fmt(res.baselineNll)} nats `
          + `(${fmt(res.baselineNll / Math.LN2)} bits); ${res.steps} steps (${res.trainSeconds.toFixed(0)} s), ${res.parameters} parameters`);
        if (r === 0 && f.report !== undefined) {
          writePixelsReport(f.report, res, f.samples);
          say(f.json, `report: ${f.report} (${f.samples} samples)`);
        }
      }
    } finally {
      interrupt.close();
    }
    const value = mean(done.map((x) => x.nll)), baseline = mean(done.map((x) => x.baselineNll));
    const result: PixelsTaskResult = {
      task: 'pixels', cell: 'row-lstm', length: PIXEL_SIDE * PIXEL_SIDE, metric: 'nll_nats_per_pixel', value, baseline,
      steps: Math.round(mean(done.map((x) => x.steps))), seconds: seconds(start),
      levels: f.levels, bitsPerPixel: value / Math.LN2, baselineBitsPerPixel: baseline / Math.LN2, parameters: done[0].parameters, test: f.test,
    };
    reportTask(result, f.json, `held-out NLL per pixel: ${fmt(value)} nats = ${fmt(value / Math.LN2)} bits with the PixelRNN, `
      + `${fmt(baseline)} nats = ${fmt(baseline / Math.LN2)} bits with independent pixels (mean of ${done.length} run${done.length === 1 ? '' : 's'})`);
  });
}
