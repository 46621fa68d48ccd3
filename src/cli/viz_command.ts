// `unfold viz --checkpoint F [text] --out report.html`: writes one self-contained HTML report of a
// trained character model: loss curves from the run's metrics log, hidden cells over a text, gate
// saturation, gradients through time against a vanilla RNN, next-character predictions, and
// attention heatmaps given as JSON. A seq2seq checkpoint gets attention maps over given source lines,
// a caption checkpoint attention maps over generated held-out images.

import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { readCorpusSync } from '../data/corpus_file.js';
import { prepareCorpus } from '../data/corpus.js';
import { metricsPathFor, type Checkpoint } from '../train/checkpoint.js';
import { expectKind } from './open_checkpoint.js';
import { loadCheckpoint } from '../train/checkpoint_file.js';
import { CharModel } from '../train/char_model.js';
import { Seq2Seq } from '../seq2seq/model.js';
import { CaptionModel } from '../seq2seq/caption_model.js';
import { heldOutSeed } from '../tasks/captions.js';
import { shapesDataset } from '../tasks/shapes_images.js';
import { writeCaptionsReport } from './captions_report.js';
import { seq2seqAttentionMaps } from '../viz/seq2seq_attention.js';
import { emptyReport } from '../viz/report_data.js';
import { writeFileAtomicSync } from '../io/atomic_write.js';
import { buildReportData } from '../viz/report_data.js';
import { renderReportHtml } from '../viz/html_report.js';
import { readMetrics } from '../viz/metrics_reader.js';
import { tailExcerpt } from '../viz/text_excerpt.js';
import { attentionMapFrom, type AttentionMap } from '../viz/attention_section.js';
import { describeValue } from '../tensor/describe_value.js';
import { defaultCorpus } from './default_corpus.js';
import { filePath, float, int } from './parse.js';

/** Most attention maps drawn in one report: each is a table in the page, and caption maps draw their images first. */
export const MAX_MAPS = 1000;

interface VizFlags {
  checkpoint: string; out: string; chars: number; gradientChars: number; top: number; low: number; high: number; attention?: string; maps: number;
}

/** A seq2seq checkpoint's report: loss curves and one attention map per source line of `textPath`. */
function seq2seqReport(f: VizFlags, textPath: string | undefined, model: Seq2Seq, ckpt: Checkpoint): string {
  if (!textPath) throw new Error('a seq2seq report needs a text file of source lines (or TSV source<TAB>target pairs) to translate, got none');
  const { vocabs: { source: srcVocab, target: tgtVocab }, step } = ckpt;
  const sources = readCorpusSync(textPath).split('\n').map((l) => l.split('\t')[0]).filter((l) => l.length > 0).slice(0, f.maps);
  if (sources.length === 0) throw new Error(`${textPath}: expected at least one non-empty source line, got none`);
  const maps = seq2seqAttentionMaps(model, srcVocab, tgtVocab, sources);
  const c = model.config;
  const data = emptyReport(readMetrics(metricsPathFor(f.checkpoint)), `unfold report: ${basename(f.checkpoint)}`);
  data.note = `Seq2seq ${c.cell.toUpperCase()} encoder-decoder, hidden ${c.hiddenSize}, ${c.attention} attention, ${model.numParameters()} parameters, step ${step}; attention of greedy decoding below.`;
  data.attention = f.attention ? [...maps, ...readAttention(f.attention)] : maps;
  writeFileAtomicSync(f.out, new TextEncoder().encode(renderReportHtml(data)));
  return `report: ${f.out} (${maps.length} attention maps)`;
}

/**
 * A caption model's report: attention over the first held-out images of `unfold tasks captions`
 * (generated here from their seed, so the report needs no data file).
 */
function captionsReport(f: VizFlags, textPath: string | undefined, model: CaptionModel, ckpt: Checkpoint): string {
  if (textPath !== undefined) throw new Error(`a caption model's report draws generated images: expected no text argument, got ${textPath}`);
  const vocab = ckpt.vocabs.target;
  const n = writeCaptionsReport(f.out, model, vocab, shapesDataset(f.maps, heldOutSeed(0)), f.maps,
    `step ${ckpt.step}; the first ${f.maps} held-out images of \`unfold tasks captions\` (seed 0).`);
  return `report: ${f.out} (${n} attention maps)`;
}

function readAttention(path: string): AttentionMap[] {
  let maps: unknown;
  try { maps = JSON.parse(readFileSync(path, 'utf8')); } catch (e) {
    throw new Error(`${path}: expected a JSON list of {source, target, weights}, got unreadable JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(maps)) throw new Error(`${path}: expected a JSON list of {source, target, weights}, got ${describeValue(maps)}`);
  try {
    return maps.map((m: unknown, k) => attentionMapFrom(m, k));
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
  }
}

export function vizCommand(): Command {
  return new Command('viz')
    .description('write an HTML report of a trained model: loss curves, hidden cells, gates, gradients through time, predictions')
    .argument('[text]', 'UTF-8 text to analyse (default: the end of the built-in corpus)')
    .requiredOption('--checkpoint <path>', 'model checkpoint (its metrics log beside it gives the loss curves)', filePath())
    .option('--out <path>', 'HTML file to write', filePath(), 'report.html')
    .option('--chars <n>', 'characters of the text to analyse', int(2), 600)
    .option('--gradient-chars <n>', 'steps of the gradient-through-time comparison', int(1), 120)
    .option('--top <n>', 'most feature-correlated cells to show', int(1), 6)
    .option('--low <x>', 'gate saturation threshold (left)', float(0, 1), 0.1)
    .option('--high <x>', 'gate saturation threshold (right)', float(0, 1), 0.9)
    .option('--attention <json>', 'attention maps to draw: JSON list of {title?, source: [...], target: [...], weights: [[...]]}', filePath())
    .option('--maps <n>', `seq2seq checkpoints: source lines to decode and draw attention for; caption checkpoints: images (at most ${MAX_MAPS})`, int(1, MAX_MAPS), 6)
    .action((textPath: string | undefined, f: VizFlags) => {
      const ckpt = loadCheckpoint(f.checkpoint);
      if (ckpt.model instanceof Seq2Seq) { process.stdout.write(`${seq2seqReport(f, textPath, ckpt.model, ckpt)}\n`); return; }
      if (ckpt.model instanceof CaptionModel) { process.stdout.write(`${captionsReport(f, textPath, ckpt.model, ckpt)}\n`); return; }
      const model = expectKind(ckpt, CharModel, 'a character-level language model, seq2seq or caption model', 'unfold viz');
      const { vocabs: { text: vocab }, step } = ckpt;
      const full = textPath ? readCorpusSync(textPath) : prepareCorpus(defaultCorpus().text);
      const text = textPath ? full : tailExcerpt(full, f.chars);
      const curves = readMetrics(metricsPathFor(f.checkpoint));
      const data = buildReportData(model, vocab, text, curves, {
        title: `unfold report: ${basename(f.checkpoint)}`, step, maxChars: f.chars, gradientChars: f.gradientChars, topCells: f.top,
        thresholds: { low: f.low, high: f.high }, attention: f.attention ? readAttention(f.attention) : [],
      });
      writeFileAtomicSync(f.out, new TextEncoder().encode(renderReportHtml(data)));
      process.stdout.write(`report: ${f.out} (${Array.from(text).slice(0, f.chars).length} characters analysed, ${curves.train.length} loss points)\n`);
    });
}
