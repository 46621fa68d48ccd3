// `unfold seq2seq train <pairs.tsv>` and `unfold seq2seq translate --checkpoint F [text...]`: the
// general character-level sequence-to-sequence case on a user's file of source<TAB>target pairs,
// with a progress bar, periodic validation (exact match on held-out pairs) and checkpoints, and
// translation of arguments or of stdin lines (greedy, sampled or beam search).

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command } from 'commander';
import { readRegularFileSync } from '../io/read_file.js';
import { Rng } from '../tensor/random.js';
import { Seq2Seq, type Seq2SeqConfig } from '../seq2seq/model.js';
import { parsePairs } from '../seq2seq/tsv.js';
import { encodePair, randomBatch, vocabsFor, type TextPair } from '../seq2seq/pairs.js';
import { trainSeq2Seq } from '../train/decoder_trainer.js';
import { exactMatch, translate } from '../seq2seq/translate.js';
import { MAX_BEAM_WIDTH } from '../seq2seq/beam_search.js';
import { parseSamplingSchedule } from '../seq2seq/schedule_spec.js';
import { resumableRng } from '../train/fit_state.js';
import { modelCheckpoint, loadFitState } from '../train/fit_state_file.js';
import { openCheckpoint } from './open_checkpoint.js';
import { createProgress } from './progress.js';
import { interruptExitStatus, onInterrupt } from './interrupt.js';
import { choice, filePath, float, int, learningRate, memorySize } from './parse.js';
import { finiteMetric } from './finite_metric.js';
import { checkMemory } from '../nn/memory_estimate.js';
import { seq2seqTrainingMemory } from '../seq2seq/seq2seq_memory.js';
import { maxOf } from '../tensor/large_arrays.js';

export const DEFAULT_SEQ2SEQ_CHECKPOINT = 'runs/seq2seq.safetensors';

/** Every default of `unfold seq2seq train`, in one place. */
export const SEQ2SEQ_DEFAULTS = {
  cell: 'lstm' as Seq2SeqConfig['cell'], hidden: 64, embedding: 32, layers: 1, attention: 'general' as NonNullable<Seq2SeqConfig['attention']>,
  context: 'init' as NonNullable<Seq2SeqConfig['context']>, batch: 64, lr: 3e-3, clip: 1, time: 300, seed: 0, teacherForcing: '1',
};

interface TrainFlags {
  out: string; cell?: Seq2SeqConfig['cell']; hidden?: number; embedding?: number; layers?: number; bidirectional: boolean;
  attention?: Seq2SeqConfig['attention']; context?: Seq2SeqConfig['context']; batch?: number; lr?: number; clip?: number;
  steps?: number; time?: number; seed?: number; val?: number; teacherForcing?: string; resume?: boolean; maxMemory?: number;
}

/** The text of a UTF-8 file, refusing bytes that are not UTF-8. */
function readUtf8(path: string, what: string): string {
  const bytes = readRegularFileSync(path, what);
  try { return new TextDecoder('utf-8', { fatal: true }).decode(bytes); } catch {
    throw new Error(`cannot read ${what} ${path}: expected UTF-8 text, got invalid UTF-8 bytes`);
  }
}

function shuffled<T>(xs: readonly T[], rng: Rng): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) { const j = rng.int(i + 1); [a[i], a[j]] = [a[j], a[i]]; }
  return a;
}

function trainCommand(): Command {
  const d = SEQ2SEQ_DEFAULTS;
  return new Command('train')
    .description('train a character-level encoder-decoder on a TSV file of source<TAB>target lines')
    .argument('<pairs>', 'UTF-8 file, one pair per line: source, a TAB, target')
    .option('--out <path>', 'checkpoint file', filePath(), DEFAULT_SEQ2SEQ_CHECKPOINT)
    .option('--cell <type>', `recurrent cell of encoder and decoder: rnn, lstm or gru (default ${d.cell})`, choice('rnn', 'lstm', 'gru'))
    .option('--hidden <n>', `hidden units (default ${d.hidden})`, int(1))
    .option('--embedding <n>', `character embedding size (default ${d.embedding})`, int(1))
    .option('--layers <n>', `layers of encoder and decoder (default ${d.layers})`, int(1))
    .option('--no-bidirectional', 'a one-direction encoder (default: bidirectional)')
    .option('--attention <kind>', `additive, general, dot or none (default ${d.attention})`, choice('additive', 'general', 'dot', 'none'))
    .option('--context <mode>', `encoder summary as the decoder's initial state (init), an input at every step (input) or both (default ${d.context})`, choice('init', 'input', 'both'))
    .option('--batch <n>', `pairs per batch (default ${d.batch})`, int(1))
    .option('--lr <x>', `peak learning rate of Adam, cosine-decayed (default ${d.lr})`, learningRate())
    .option('--clip <x>', `clip the global gradient norm, 0 for off (default ${d.clip})`, float(0))
    .option('--teacher-forcing <schedule>', `probability of feeding the true previous character: a number, constant:P, linear:SLOPE[:MIN], exponential:K[:MIN] or inverse-sigmoid:K (default ${d.teacherForcing})`)
    .option('--steps <n>', 'stop after this many steps', int(1))
    .option('--time <seconds>', `stop after this much training time (default ${d.time} when --steps is not given)`, float(0))
    .option('--val <n>', 'pairs held out for validation (default: 10%, at most 500)', int(0))
    .option('--seed <n>', `random seed (default ${d.seed})`, int(0))
    .option('--resume', 'continue the run saved at --out (its settings; --steps and --time may be changed)')
    .option('--max-memory <size>', 'refuse a run estimated to need more memory than this, such as 512M or 16G (default 4G)', memorySize())
    .action(async (path: string, flags: TrainFlags) => {
      const pairs = parsePairs(readUtf8(path, 'pairs file'), path);
      mkdirSync(dirname(flags.out), { recursive: true });
      // On --resume the run's settings come from its saved state; only the budget may change.
      const saved = flags.resume ? openCheckpoint(flags.out, Seq2Seq, 'a seq2seq', 'unfold seq2seq train --resume') : null;
      const resume = saved ? loadFitState(flags.out, saved.step) : null;
      const f: TrainFlags = resume ? { ...(resume.options as TrainFlags), steps: flags.steps, time: flags.time, resume: true } : flags;
      const seed = f.seed ?? d.seed;
      const rng = new Rng(seed);
      const all = shuffled(pairs, rng);
      const nVal = f.val ?? Math.min(500, Math.floor(all.length / 10));
      if (nVal >= all.length) throw new Error(`expected --val below the number of pairs (${all.length}), got ${nVal}`);
      const val = all.slice(all.length - nVal), train = all.slice(0, all.length - nVal);
      const { srcVocab, tgtVocab } = saved ? { srcVocab: saved.vocabs.source, tgtVocab: saved.vocabs.target } : vocabsFor(train);
      const schedule = parseSamplingSchedule(f.teacherForcing ?? d.teacherForcing);
      const config: Seq2SeqConfig = {
        srcVocabSize: srcVocab.size, tgtVocabSize: tgtVocab.size, embeddingSize: f.embedding ?? d.embedding, hiddenSize: f.hidden ?? d.hidden,
        numLayers: f.layers ?? d.layers, cell: f.cell ?? d.cell, bidirectional: f.bidirectional, attention: f.attention ?? d.attention,
        context: f.context ?? d.context,
      };
      const longest = (side: 'source' | 'target'): number => maxOf(pairs.map((p) => [...p[side]].length));
      if (!saved) checkMemory(seq2seqTrainingMemory(config, f.batch ?? d.batch, longest('source'), longest('target')), flags.maxMemory);
      const model = saved?.model ?? new Seq2Seq(config, { rng: new Rng(seed + 1) });
      const encoded = train.map((p) => encodePair(p, srcVocab, tgtVocab));
      const maxTarget = longest('target');
      const validate = (): number | null => (val.length === 0 ? null
        : exactMatch(translate(model, srcVocab, tgtVocab, val.map((p) => p.source), { maxLength: maxTarget + 10 }), val.map((p) => p.target)));

      const progress = createProgress();
      progress.log(`pairs: ${path}; ${train.length} training / ${val.length} validation, vocabularies ${srcVocab.size} (source) and ${tgtVocab.size} (target)`);
      const c = model.config;
      progress.log(`model: ${c.numLayers}-layer ${c.cell.toUpperCase()}${c.bidirectional ? ', bidirectional encoder' : ''}, hidden ${c.hiddenSize}, attention ${c.attention}, context ${c.context}, ${model.numParameters()} parameters${resume ? `; resuming at step ${resume.step}` : ''}`);
      let loss = NaN, eps = 1;
      const interrupt = onInterrupt((t) => progress.log(t));
      const time = f.time ?? (f.steps === undefined ? d.time : 0);
      try {
        const batchRng = new Rng(seed + 2);
        const res = await trainSeq2Seq(model, () => randomBatch(encoded, f.batch ?? d.batch, batchRng), {
          steps: f.steps ?? 0, time, lr: f.lr ?? d.lr, clip: f.clip ?? d.clip, teacherForcing: schedule, seed,
          evaluate: (): Record<string, number> => { const acc = validate(); return acc === null ? {} : { exactMatch: acc }; },
          checkpoint: modelCheckpoint(f.out, model, { source: srcVocab, target: tgtVocab }, { options: { ...f, resume: false } }),
          resumables: { batchRng: resumableRng(batchRng) }, resume,
        }, {
          onStep: (i) => { progress.update(i); loss = i.loss; eps = i.teacherForcing; },
          onEval: ({ step, metrics }) => {
            const acc = metrics.exactMatch;
            progress.log(`step ${step}: loss ${loss.toFixed(4)}${acc === undefined ? '' : `, validation exact match ${(100 * acc).toFixed(1)}%`} (ε ${eps.toFixed(2)}); saved ${f.out}`);
          },
          shouldStop: interrupt.requested,
        });
        progress.stop();
        const acc = validate();
        const how = res.stopped === 'interrupted' ? 'stopped early' : 'done';
        // No first loss: this session took no step (a resume at the end of its budget), so there is no loss to show.
        const ran = !Number.isNaN(res.firstLoss);
        const lossText = ran ? `; loss ${finiteMetric(res.loss, 'training loss').toFixed(4)} nats/char (first step ${res.firstLoss.toFixed(4)})` : '';
        process.stdout.write(`\n${how}: ${res.steps} steps in ${res.elapsed.toFixed(0)} s${lossText}\n`);
        if (acc !== null) process.stdout.write(`validation exact match: ${(100 * acc).toFixed(2)}% of ${val.length} pairs\n`);
        process.stdout.write(`checkpoint: ${f.out}\n`);
        const shown: TextPair[] = val.slice(0, 5);
        const outs = translate(model, srcVocab, tgtVocab, shown.map((p) => p.source), { maxLength: maxTarget + 10 });
        shown.forEach((p, i) => process.stdout.write(`  ${JSON.stringify(p.source)} -> ${JSON.stringify(outs[i])}${outs[i] === p.target ? '' : ` (expected ${JSON.stringify(p.target)})`}\n`));
        if (res.stopped === 'interrupted') process.exitCode = interruptExitStatus();
      } finally {
        progress.stop();
        interrupt.close();
      }
    });
}

/** Most characters one translation may run to: an untrained model may never write the end symbol. */
export const MAX_OUTPUT_LENGTH = 10_000;

interface TranslateFlags {
  checkpoint: string; beam?: number; lengthPenalty?: number; temperature?: number; topK?: number; maxLen?: number; seed?: number;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function translateCommand(): Command {
  return new Command('translate')
    .description('translate texts (arguments, or stdin lines) with a trained seq2seq checkpoint, one output per line')
    .argument('[text...]', 'source texts (default: each line of stdin)')
    .requiredOption('--checkpoint <path>', 'checkpoint written by `unfold seq2seq train`', filePath())
    .option('--beam <k>', `beam width (default 0: greedy or sampled; at most ${MAX_BEAM_WIDTH})`, int(0, MAX_BEAM_WIDTH))
    .option('--length-penalty <a>', 'beam search: score = log p / length^a (default 1)', float(0))
    .option('--temperature <t>', 'sample at this temperature instead of greedy (default 0: greedy)', float(0))
    .option('--top-k <k>', 'sample among the k most likely characters only', int(1))
    .option('--max-len <n>', `most output characters (default 200, at most ${MAX_OUTPUT_LENGTH})`, int(1, MAX_OUTPUT_LENGTH))
    .option('--seed <n>', 'seed of sampling (default 0)', int(0))
    .action(async (texts: string[], f: TranslateFlags) => {
      const { model, vocabs: { source: srcVocab, target: tgtVocab } } = openCheckpoint(f.checkpoint, Seq2Seq, 'a seq2seq', 'unfold seq2seq translate');
      const inputs = texts.length > 0 ? texts : (await readStdin()).split('\n').map((l) => l.replace(/\r$/, ''));
      if (texts.length === 0 && inputs.length > 0 && inputs[inputs.length - 1] === '') inputs.pop();
      const outs = translate(model, srcVocab, tgtVocab, inputs, {
        beamWidth: f.beam ?? 0, lengthPenalty: f.lengthPenalty, temperature: f.temperature, topK: f.topK,
        maxLength: f.maxLen ?? 200, rng: new Rng(f.seed ?? 0),
      });
      process.stdout.write(outs.map((o) => `${o}\n`).join(''));
    });
}

export function seq2seqCommand(): Command {
  const cmd = new Command('seq2seq').description('sequence-to-sequence models on source<TAB>target pairs: train, translate');
  cmd.addCommand(trainCommand().exitOverride());
  cmd.addCommand(translateCommand().exitOverride());
  return cmd;
}
