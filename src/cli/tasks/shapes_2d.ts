// `unfold tasks shapes-2d`: which shape (square, circle, triangle or none) is in each of the nine
// regions of the captions task's images, read from one pooled vector of a 2-D LSTM encoder, and
// beside it the same classifier on the convolutional encoder (similar parameter count, the same
// training budget: --time seconds each, or --steps steps each); region and whole-image accuracy on
// held-out images.

import { Command } from 'commander';
import { join } from 'node:path';
import { SHAPES_2D_DEFAULTS, runShapes2d, type Shapes2dOptions, type Shapes2dResult } from '../../tasks/shapes_2d.js';
import { choice, float, int, learningRate } from '../parse.js';
import { createProgress } from '../progress.js';
import { onInterrupt } from '../interrupt.js';
import { checkpointOptions, runFolder, stoppedEarly, type CheckpointFlags } from '../task_checkpoints.js';
import { reportTask, say, seconds, taskOptions, type TaskFlags, type TaskResult } from '../task_report.js';

interface Shapes2dFlags extends TaskFlags, CheckpointFlags {
  hidden: number; embed: number; patch: number; summary: 'mean' | 'max'; lr: number; convLr: number; batch: number; time?: number; steps?: number; test: number; baseline: boolean;
}

/** The result line: region accuracy of the 2-D LSTM (value) and of the conv encoder (baseline), then image accuracies. */
export interface Shapes2dTaskResult extends TaskResult {
  /** Fraction of held-out images with all nine regions right: 2-D LSTM, conv encoder (or null). */
  imageAccuracy: number;
  convImageAccuracy: number | null;
  /** Region accuracy of labelling every region 'none'. */
  noneAccuracy: number;
  parameters: number;
  convParameters: number | null;
  test: number;
}

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export function shapes2dTask(): Command {
  const d = SHAPES_2D_DEFAULTS;
  const cmd = new Command('shapes-2d')
    .description('which shape is in each of the 9 regions of a shapes image, from one pooled vector: 2-D LSTM encoder vs convolutional encoder')
    .option('--hidden <n>', 'units per scan direction of the 2-D LSTM', int(1), d.hiddenSize)
    .option('--embed <n>', 'width of the tanh layer each block passes through before the 2-D LSTM (0: none)', int(0), d.embedding)
    .option('--patch <p>', 'side of the pixel blocks each 2-D LSTM cell reads (must divide 24)', int(1, 24), d.patch)
    .option('--summary <how>', 'how both encoders pool their grid into one vector: mean or max', choice('mean', 'max'), 'mean')
    .option('--lr <x>', 'peak learning rate of Adam for the 2-D LSTM, cosine-decayed to a tenth', learningRate(), d.lr)
    .option('--conv-lr <x>', 'the same for the convolutional encoder', learningRate(), d.convLr)
    .option('--batch <n>', 'images per batch', int(1), d.batchSize)
    .option('--time <seconds>', 'training seconds of each model (default 240 unless --steps is given)', float(0))
    .option('--steps <n>', 'training steps of each model', int(1))
    .option('--test <n>', 'held-out images scored', int(1), d.testSize)
    .option('--no-baseline', 'skip the convolutional encoder');
  return checkpointOptions(taskOptions(cmd, '1')).action(async (f: Shapes2dFlags) => {
    const start = performance.now();
    const interrupt = onInterrupt((t) => process.stderr.write(`${t}\n`));
    const time = f.time ?? (f.steps === undefined ? 240 : 0);
    const run = async (encoder: Shapes2dOptions['encoder'], r: number): Promise<Shapes2dResult> => {
      const seed = f.seed + r, folder = runFolder(f, r);
      const progress = createProgress();
      progress.log(`${encoder === 'mdlstm' ? '2-D LSTM' : 'convolutional'} encoder, run seed ${seed}`);
      try {
        return await runShapes2d({
          encoder, hiddenSize: f.hidden, embedding: f.embed, patch: f.patch, summary: f.summary, lr: encoder === 'mdlstm' ? f.lr : f.convLr, batchSize: f.batch, testSize: f.test, seed,
          time, steps: f.steps,
          checkpoint: folder === undefined ? undefined : join(folder, `${encoder}.safetensors`), resume: f.resume,
          shouldStop: interrupt.requested, onStep: (i) => progress.update(i),
        });
      } finally { progress.stop(); }
    };
    const describe = (r: Shapes2dResult, what: string): void => say(f.json,
      `${what}: ${pct(r.cells)} of regions and ${pct(r.images)} of images right on ${f.test} held-out images `
      + `(all 'none': ${pct(r.baseline.cells)}); ${r.steps} steps (${r.trainSeconds.toFixed(0)} s), ${r.parameters} parameters, final loss ${r.loss.toFixed(3)}`);
    const md: Shapes2dResult[] = [], conv: Shapes2dResult[] = [];
    try {
      for (let r = 0; r < (f.runs ?? 1); r++) {
        const a = await run('mdlstm', r);
        if (stoppedEarly(f, a.interrupted)) return;
        md.push(a);
        describe(a, '2-D LSTM encoder');
        if (!f.baseline) continue;
        const b = await run('conv', r);
        if (stoppedEarly(f, b.interrupted)) return;
        conv.push(b);
        describe(b, 'convolutional encoder');
      }
    } finally {
      interrupt.close();
    }
    const value = mean(md.map((x) => x.cells)), baseline = conv.length ? mean(conv.map((x) => x.cells)) : null;
    const result: Shapes2dTaskResult = {
      task: 'shapes-2d', cell: 'mdlstm', length: 9, metric: 'region_accuracy', value, baseline,
      steps: Math.round(mean(md.map((x) => x.steps))), seconds: seconds(start),
      imageAccuracy: mean(md.map((x) => x.images)), convImageAccuracy: conv.length ? mean(conv.map((x) => x.images)) : null,
      noneAccuracy: md[0].baseline.cells, parameters: md[0].parameters, convParameters: conv.length ? conv[0].parameters : null, test: f.test,
    };
    reportTask(result, f.json, `regions right on ${f.test} held-out images: ${pct(value)} with the 2-D LSTM encoder`
      + (baseline !== null ? `, ${pct(baseline)} with the convolutional one` : '') + ` (mean of ${md.length} run${md.length === 1 ? '' : 's'})`);
  });
}
