// `unfold tasks captions`: synthetic RGB images with one to three coloured shapes, captioned like
// "a red square left of a blue circle" by a small CNN encoder and a word-level LSTM decoder;
// exact-caption accuracy and BLEU-1…4 on held-out images, with attention over the encoder's grid
// ("show, attend and tell") and, beside it, the same model without attention (same budget in steps).
// --report F.html draws where the attention model looked for each word of a few held-out captions.

import { Command } from 'commander';
import { LONGEST_CAPTION, runCaptions, type CaptionsOptions, type CaptionsResult } from '../../tasks/captions.js';
import { captionVocab } from '../../tasks/shapes_images.js';
import { writeCaptionsReport } from '../captions_report.js';
import { MAX_MAPS } from '../viz_command.js';
import { parseSamplingSchedule } from '../../seq2seq/schedule_spec.js';
import { createProgress } from '../progress.js';
import { join } from 'node:path';
import { choice, filePath, float, int, learningRate } from '../parse.js';
import { MAX_BEAM_WIDTH } from '../../seq2seq/beam_search.js';
import { onInterrupt } from '../interrupt.js';
import { checkpointOptions, runFolder, stoppedEarly, type CheckpointFlags } from '../task_checkpoints.js';
import { reportTask, say, seconds, taskOptions, type TaskFlags, type TaskResult } from '../task_report.js';

interface CaptionsFlags extends TaskFlags, CheckpointFlags {
  attention: CaptionsOptions['attention']; cell: 'rnn' | 'lstm' | 'gru'; hidden: number; context: 'init' | 'input' | 'both'; batch: number; lr: number;
  time?: number; steps?: number; test: number; beam: number; teacherForcing: string; baseline: boolean;
  report?: string; maps: number;
}

/** The result line: the common fields, then BLEU and the figures of the model without attention. */
export interface CaptionsTaskResult extends TaskResult {
  attention: string;
  /** Where the pooled image vector enters the decoder (both models). */
  context: string;
  test: number;
  /** BLEU-1 … BLEU-4 of the model with attention (mean over runs). */
  bleu: number[];
  /** Exact match among held-out images with 1, 2 and 3 shapes. */
  byShapes: number[];
  /** Exact match and BLEU-1 … BLEU-4 without attention (null with --no-baseline or --attention none). */
  withoutAttention: number | null;
  withoutAttentionBleu: number[] | null;
  withoutAttentionByShapes: number[] | null;
  trainSeconds: number;
}


const pct = (x: number): string => (Number.isNaN(x) ? '–' : `${(100 * x).toFixed(1)}%`);
const bleuText = (b: number[]): string => b.map((x, i) => `BLEU-${i + 1} ${x.toFixed(3)}`).join(', ');
const meanOf = (rows: number[][]): number[] => rows[0].map((_, j) => rows.reduce((s, r) => s + r[j], 0) / rows.length);

export function captionsTask(): Command {
  const cmd = new Command('captions')
    .description('caption images of coloured shapes ("a red square left of a blue circle"): exact match and BLEU on held-out images, with attention vs without')
    .option('--attention <kind>', 'score function over the image grid: additive, general, dot, or none (then only the model without attention)', choice('additive', 'general', 'dot', 'none'), 'general')
    .option('--cell <type>', 'decoder cell: rnn, lstm or gru', choice('rnn', 'lstm', 'gru'), 'lstm')
    .option('--hidden <n>', 'decoder hidden units', int(1), 96)
    .option('--context <mode>', 'where the pooled image vector enters the decoder: init (initial state), input (every step) or both', choice('init', 'input', 'both'), 'both')
    .option('--batch <n>', 'images per batch', int(1), 32)
    .option('--lr <x>', 'peak learning rate of Adam, cosine-decayed', learningRate(), 3e-3)
    .option('--time <seconds>', 'training seconds of the first model (default 270 unless --steps is given)', float(0))
    .option('--steps <n>', 'training steps of the first model', int(1))
    .option('--test <n>', 'held-out images scored', int(1), 500)
    .option('--beam <k>', `beam width at test time (0: greedy; at most ${MAX_BEAM_WIDTH})`, int(0, MAX_BEAM_WIDTH), 0)
    .option('--teacher-forcing <schedule>', 'probability of feeding the true previous word: a number, constant:P, linear:SLOPE[:MIN], exponential:K[:MIN] or inverse-sigmoid:K', '1')
    .option('--no-baseline', 'skip the model without attention')
    .option('--report <file>', 'write an HTML page of attention heatmaps over a few held-out images (first run)', filePath())
    .option('--maps <n>', `held-out images drawn in the report (at most ${MAX_MAPS})`, int(1, MAX_MAPS), 6);
  return checkpointOptions(taskOptions(cmd, '1'))
    .action(async (f: CaptionsFlags) => {
      const start = performance.now();
      const interrupt = onInterrupt((t) => process.stderr.write(`${t}\n`));
      const runs = f.runs ?? 1;
      const time = f.time ?? (f.steps === undefined ? 270 : 0);
      const teacherForcing = parseSamplingSchedule(f.teacherForcing);
      if (f.report !== undefined && f.attention === 'none') throw new Error('--report draws attention maps: expected --attention additive, general or dot, got none');
      const run = async (attention: CaptionsOptions['attention'], r: number, steps?: number): Promise<CaptionsResult> => {
        const seed = f.seed + r, folder = runFolder(f, r);
        const progress = createProgress();
        progress.log(`${attention === 'none' ? 'without attention' : `with ${attention} attention`}, run seed ${seed}`);
        try {
          return await runCaptions({
            attention, cell: f.cell, hiddenSize: f.hidden, context: f.context, batchSize: f.batch, lr: f.lr, testSize: f.test,
            ...(steps !== undefined ? { steps, time: 0 } : { time, steps: f.steps }),
            beamWidth: f.beam, teacherForcing, seed, callbacks: { onStep: (i) => progress.update(i), shouldStop: interrupt.requested },
            checkpoint: folder === undefined ? undefined : join(folder, `${attention}.safetensors`), resume: f.resume, maxMemory: f.maxMemory,
          });
        } finally { progress.stop(); }
      };
      const describe = (r: CaptionsResult, what: string): void => {
        say(f.json, `${what}: ${pct(r.exactMatch)} exact captions on ${f.test} held-out images (1/2/3 shapes: ${r.byShapes.map(pct).join(' / ')}), ${bleuText(r.bleu)}; ${r.steps} steps (${r.trainSeconds.toFixed(0)} s), ${r.parameters} parameters`);
      };
      const main: CaptionsResult[] = [], without: CaptionsResult[] = [];
      const hasBaseline = f.baseline && f.attention !== 'none';
      for (let r = 0; r < runs; r++) {
        const a = await run(f.attention, r);
        if (stoppedEarly(f, a.interrupted)) { interrupt.close(); return; }
        main.push(a);
        describe(a, f.attention === 'none' ? 'without attention' : `with ${f.attention} attention`);
        for (const e of a.examples.slice(0, 3)) say(f.json, `  "${e.output}"${e.output === e.reference ? '' : ` (expected "${e.reference}")`}`);
        if (r === 0 && f.report !== undefined) {
          const drawn = writeCaptionsReport(f.report, a.model, captionVocab(), a.heldOut, Math.min(f.maps, f.test),
            `${a.steps} steps; ${pct(a.exactMatch)} exact captions on ${f.test} held-out images.`);
          say(f.json, `report: ${f.report} (${drawn} attention maps)`);
        }
        if (hasBaseline) {
          const b = await run('none', r, a.steps);
          if (stoppedEarly(f, b.interrupted)) { interrupt.close(); return; }
          without.push(b);
          describe(b, 'without attention');
        }
      }
      const value = main.reduce((s, x) => s + x.exactMatch, 0) / runs;
      const baseline = without.length ? without.reduce((s, x) => s + x.exactMatch, 0) / without.length : null;
      const result: CaptionsTaskResult = {
        task: 'captions', cell: f.cell, length: LONGEST_CAPTION, metric: 'exact_match', value, baseline,
        steps: Math.round(main.reduce((s, x) => s + x.steps, 0) / runs), seconds: seconds(start),
        attention: f.attention, context: f.context, test: f.test, bleu: meanOf(main.map((x) => x.bleu)), byShapes: meanOf(main.map((x) => x.byShapes)),
        withoutAttention: baseline, withoutAttentionBleu: without.length ? meanOf(without.map((x) => x.bleu)) : null,
        withoutAttentionByShapes: without.length ? meanOf(without.map((x) => x.byShapes)) : null,
        trainSeconds: Math.round(main.reduce((s, x) => s + x.trainSeconds, 0) / runs),
      };
      reportTask(result, f.json, `exact captions on ${f.test} held-out images: ${pct(value)} ${f.attention === 'none' ? 'without attention' : `with ${f.attention} attention`}`
        + (baseline !== null ? `, ${pct(baseline)} without` : '') + ` (mean of ${runs} run${runs === 1 ? '' : 's'})`);
      interrupt.close();
    });
}
