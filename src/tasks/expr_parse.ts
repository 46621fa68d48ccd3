// The expr-parse task: infix arithmetic strings ("(3 + 4) * 2 - 5") to their expression trees,
// trained on short strings and tested on held-out ones of the training lengths and on longer ones.
// Two models with the same encoder (a bidirectional LSTM over the characters) and attention: the
// tree decoder of seq2tree (Dong & Lapata 2016), writing the tree node by node, and the sequence
// decoder of seq2seq writing the bracketed prefix form "(-(*(+34)2)5)", which counts as right only
// when it parses to the same tree. The metric is exact tree match per length (operators).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/grad_mode.js';
import { SEQUENCE_SPECIALS, Vocab } from '../data/vocab.js';
import { padBatch, targetBatch, type PaddedBatch } from '../seq2seq/batch.js';
import { Seq2Seq, type Seq2SeqConfig } from '../seq2seq/model.js';
import { Seq2Tree, decodeTrees } from '../seq2seq/seq2tree.js';
import { tokenTreeOf, treeOfTokens } from '../seq2seq/token_tree.js';
import type { TreeLevel } from '../seq2seq/tree_teacher_forcing.js';
import { translate } from '../seq2seq/translate.js';
import type { Seq2SeqBatch } from '../seq2seq/pairs.js';
import { seq2seqTrainingMemory } from '../seq2seq/seq2seq_memory.js';
import { checkMemory } from '../nn/memory_estimate.js';
import type { Module } from '../nn/module.js';
import { parseTree } from '../tree/parse.js';
import { treeToString } from '../tree/print.js';
import type { Tree } from '../tree/tree.js';
import { trainDecoderModel, type DecoderTrainCallbacks, type DecoderTrainOptions, type DecoderTrainResult } from '../train/decoder_trainer.js';
import { resumableRng } from '../train/fit_state.js';
import { modelCheckpoint, resumeInto } from '../train/fit_state_file.js';
import { INFIX_CHARS, INFIX_OPERATORS, MAX_INFIX_OPERATORS, infixSet, infixOf, parseInfix, randomInfixTree } from './expr_parse_data.js';
import { definedOnly } from './defined_only.js';

export type ExprParseModel = 'tree' | 'seq';

export interface ExprParseOptions {
  /** Models trained and tested, in order (default tree, seq). */
  models?: ExprParseModel[];
  /** Training strings have 1 … trainOperators operators (default 4). */
  trainOperators?: number;
  /** Test strings have 1 … testOperators operators (default 8). */
  testOperators?: number;
  /** Held-out strings per length (default 100). */
  testSize?: number;
  hiddenSize?: number;
  embeddingSize?: number;
  batchSize?: number;
  lr?: number;
  /**
   * Training budget per model, whichever runs out first: steps (default 400, the same for both
   * models, so that they see the same examples) and seconds (default 280, 0 for none: a cap that
   * keeps the default run within ten minutes on a loaded machine).
   */
  steps?: number;
  time?: number;
  /** Beam width at test time (0: greedy, default). */
  beamWidth?: number;
  /** Seed of the data and the weights (default 0). */
  seed?: number;
  /** Save each model as `<model>.safetensors` here (with what resumes it). */
  checkpointDir?: string;
  /** Continue each model from its checkpoint in checkpointDir, when it has one. */
  resume?: boolean;
  callbacks?: (model: ExprParseModel) => DecoderTrainCallbacks;
  /** Refuse a run estimated to need more bytes than this (default 4 GiB). */
  maxMemory?: number;
}

export const EXPR_PARSE_DEFAULTS = {
  trainOperators: 4, testOperators: 8, testSize: 100, hiddenSize: 64, embeddingSize: 32, batchSize: 32, lr: 3e-3, steps: 600, time: 280, beamWidth: 0, seed: 0,
} as const;

export interface ExprParseModelResult {
  model: ExprParseModel;
  /** Exact tree match per number of operators. */
  perLength: { operators: number; exact: number }[];
  /** Mean exact match over the training lengths and over the longer ones. */
  short: number;
  long: number;
  steps: number;
  trainSeconds: number;
  /** Mean loss (nats per target token) over the last 50 steps, and the first step's. */
  loss: number;
  firstLoss: number;
  parameters: number;
  interrupted: boolean;
  /** The first held-out string of each longer length, with the model's tree (bracketed) or null. */
  examples: { source: string; target: string; output: string | null }[];
}

/** One training batch of either model: the sources, and the targets as tree levels or as a padded sequence batch. */
interface ParseBatch { src: PaddedBatch; levels: TreeLevel[]; targetTokens: number }

const NON_TERMINAL = '<n>';

/** The vocabularies: source characters, the tree decoder's tokens (digits, operators, <n>), the prefix form's characters. */
export function exprParseVocabs(): { src: Vocab; tree: Vocab; prefix: Vocab } {
  const digits = [...'0123456789'];
  return {
    src: new Vocab([...INFIX_CHARS], { specials: SEQUENCE_SPECIALS }),
    tree: new Vocab([...digits, ...INFIX_OPERATORS, NON_TERMINAL], { unit: 'word', specials: SEQUENCE_SPECIALS }),
    prefix: new Vocab([...INFIX_CHARS], { specials: SEQUENCE_SPECIALS }),
  };
}

/** The bracketed prefix form a sequence decoder writes: "(-(*(+34)2)5)". */
export const prefixOf = (t: Tree): string => treeToString(t).replace(/ /g, '');

/** The tree a prefix-form output means, bracketed ("(- (* (+ 3 4) 2) 5)"), or null when it does not parse. */
export function parsePrefix(output: string): string | null {
  try {
    return treeToString(parseTree([...output].join(' ')));
  } catch {
    return null;
  }
}

const sourceOf = (s: string): string => s.replace(/ /g, '');

/** Runs the task: held-out sets, each model trained on a stream of short strings, exact match per length. */
export async function exprParse(options: ExprParseOptions = {}): Promise<ExprParseModelResult[]> {
  const o = { ...EXPR_PARSE_DEFAULTS, ...definedOnly(options) } as typeof EXPR_PARSE_DEFAULTS & ExprParseOptions;
  const { trainOperators: trainOps, testOperators: testOps } = o;
  if (!(Number.isInteger(trainOps) && trainOps >= 1 && trainOps <= MAX_INFIX_OPERATORS)) throw new Error(`expected training lengths of 1 to n operators with n in [1, ${MAX_INFIX_OPERATORS}], got ${trainOps}`);
  if (!(Number.isInteger(testOps) && testOps >= 1 && testOps <= MAX_INFIX_OPERATORS)) throw new Error(`expected test lengths of 1 to n operators with n in [1, ${MAX_INFIX_OPERATORS}], got ${testOps}`);
  const vocabs = exprParseVocabs();
  const nt = vocabs.tree.idOf(NON_TERMINAL);
  const base = { srcVocabSize: vocabs.src.size, embeddingSize: o.embeddingSize, hiddenSize: o.hiddenSize, cell: 'lstm' as const, bidirectional: true, attention: 'additive' as const };
  const seqConfig: Seq2SeqConfig = { ...base, tgtVocabSize: vocabs.prefix.size, context: 'init' };
  // The longest string: n + 1 digits, n operators and at most n bracket pairs; its prefix form 4n + 1.
  const longest = 4 * Math.max(trainOps, testOps) + 1;
  checkMemory(seq2seqTrainingMemory(seqConfig, o.batchSize, longest, longest), o.maxMemory);

  const testRng = new Rng(o.seed * 7 + 3);
  const tests = Array.from({ length: testOps }, (_, k) => infixSet(testRng, o.testSize, k + 1));
  const heldOut = new Set(tests.flat());
  const results: ExprParseModelResult[] = [];
  for (const kind of o.models ?? ['tree', 'seq']) {
    const dataRng = new Rng(o.seed * 7 + 1);
    const draw = (): string => {
      for (;;) {
        const s = infixOf(randomInfixTree(dataRng, 1 + dataRng.int(trainOps)));
        if (!heldOut.has(s)) return s;
      }
    };
    const init = { rng: new Rng(o.seed * 7 + 2) };
    const model: Seq2Tree | Seq2Seq = kind === 'tree' ? new Seq2Tree({ ...base, tgtVocabSize: vocabs.tree.size, nonTerminal: nt }, init) : new Seq2Seq(seqConfig, init);
    const batch = (strings: string[]) => ({ src: padBatch(strings.map((s) => vocabs.src.encode(sourceOf(s)))), trees: strings.map(parseInfix) });
    const train = <B extends ParseBatch | Seq2SeqBatch>(next: () => B, lossOf: (b: B) => Tensor): Promise<DecoderTrainResult> => {
      const path = o.checkpointDir === undefined ? null : join(o.checkpointDir, `${kind}.safetensors`);
      const trainOptions: DecoderTrainOptions = {
        steps: o.steps, time: o.time, lr: o.lr, seed: o.seed, resumables: { data: resumableRng(dataRng) },
        checkpoint: path === null ? undefined : modelCheckpoint(path, model as Module),
        resume: path !== null && o.resume && existsSync(path) ? resumeInto(path, model as Module) : null,
      };
      return trainDecoderModel(model as Module, next, lossOf, trainOptions, options.callbacks?.(kind));
    };
    let res, decodeAll: (strings: string[]) => (string | null)[];
    if (model instanceof Seq2Tree) {
      res = await train((): ParseBatch => {
        const { src, trees } = batch(Array.from({ length: o.batchSize }, draw));
        const levels = model.levels(trees.map((t) => tokenTreeOf(t, (s) => vocabs.tree.idOf(s), nt)));
        return { src, levels, targetTokens: levels.reduce((a, l) => a + l.tgt.lengths.reduce((x, n) => x + n, 0), 0) };
      }, (b) => model.loss(b.src.ids, b.src.lengths, b.levels));
      decodeAll = (strings) => noGrad(() => {
        const { src } = batch(strings);
        return decodeTrees(model, src.ids, src.lengths, { beamWidth: o.beamWidth, maxNodes: 2 * testOps + 2, maxNodeLength: 6 }).map((h) => {
          const t = h.tree && treeOfTokens(h.tree, (v) => vocabs.tree.nameOf(v), nt);
          return t ? treeToString(t) : null;
        });
      });
    } else {
      res = await train((): Seq2SeqBatch => {
        const strings = Array.from({ length: o.batchSize }, draw);
        const { src, trees } = batch(strings);
        return { src, tgt: targetBatch(trees.map((t) => vocabs.prefix.encode(prefixOf(t)))) };
      }, (b) => model.loss(b.src.ids, b.src.lengths, b.tgt).loss);
      decodeAll = (strings) => translate(model, vocabs.src, vocabs.prefix, strings.map(sourceOf), { beamWidth: o.beamWidth, maxLength: longest + 2, batchSize: 100 }).map(parsePrefix);
    }
    const perLength = tests.map((strings, k) => {
      const outputs = decodeAll(strings);
      return { operators: k + 1, exact: outputs.filter((out, i) => out === treeToString(parseInfix(strings[i]))).length / strings.length, outputs };
    });
    const mean = (xs: { exact: number }[]): number => (xs.length ? xs.reduce((a, x) => a + x.exact, 0) / xs.length : NaN);
    results.push({
      model: kind, perLength: perLength.map(({ operators, exact }) => ({ operators, exact })),
      short: mean(perLength.slice(0, trainOps)), long: mean(perLength.slice(trainOps)),
      steps: res.steps, trainSeconds: res.elapsed, loss: res.loss, firstLoss: res.firstLoss, parameters: model.numParameters(), interrupted: res.stopped === 'interrupted',
      examples: perLength.slice(trainOps).map((p, k) => ({ source: tests[trainOps + k][0], target: treeToString(parseInfix(tests[trainOps + k][0])), output: p.outputs[0] })),
    });
    if (res.stopped === 'interrupted') break;
  }
  return results;
}
