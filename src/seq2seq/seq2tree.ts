// Sequence-to-tree (Dong & Lapata 2016): the sequence Encoder of ./encoder.ts reads the source, the
// TreeDecoder writes the tree top-down, one node's child sequence at a time (./tree_decoder.ts).
// Training is teacher-forced, level by level over a batch of trees (./tree_teacher_forcing.ts);
// decoding is greedy or a beam over whole trees (./tree_session.ts, decodeTrees below).

import type { Tensor } from '../tensor/tensor.js';
import type { IndexTensor } from '../autograd/ops/gather.js';
import { Module } from '../nn/module.js';
import type { InitOptions } from '../nn/init.js';
import { registerClass } from '../nn/registry.js';
import { describeValue } from '../tensor/describe_value.js';
import { Encoder } from './encoder.js';
import { checkSeq2SeqConfig, type Seq2SeqConfig } from './model.js';
import { TreeDecoder, type TreeSource } from './tree_decoder.js';
import { treeLevels, treeTeacherForcing, type TreeForward, type TreeLevel } from './tree_teacher_forcing.js';
import { TreeSession, type TreeSessionOptions } from './tree_session.js';
import { greedyDecode, type Hypothesis } from './decoding.js';
import { beamSearch, MAX_BEAM_WIDTH } from './beam_search.js';
import { tokenTreeFromStream, type TokenTree } from './token_tree.js';

/** Everything needed to rebuild a Seq2Tree; stored in checkpoints. */
export interface Seq2TreeConfig extends Omit<Seq2SeqConfig, 'context'> {
  /** Id of the non-terminal <n> among the target tokens. */
  nonTerminal: number;
}

/**
 * p(tree | x) = Π_nodes Π_t p(y_t | y_<t, the node's ancestors, x); see Encoder and TreeDecoder for
 * the equations.
 *
 * Inputs: source ids [B, S] (PAD past each row's end) with lengths [B]; B target trees (TokenTree).
 * Outputs: per level of the trees the logits [R_d, T_d, V_tgt], and the loss.
 * Parameters: encoder.… (see Encoder) and decoder.… (see TreeDecoder).
 */
export class Seq2Tree extends Module {
  readonly config: Seq2TreeConfig;
  readonly encoder: Encoder;
  readonly decoder: TreeDecoder;

  constructor(config: Seq2TreeConfig, init: InitOptions = {}) {
    super();
    checkSeq2SeqConfig({ ...config, context: 'input' });
    const nt = config.nonTerminal;
    if (!(Number.isInteger(nt) && nt >= 0 && nt < config.tgtVocabSize)) {
      throw new Error(`expected nonTerminal to be a target token id in [0, ${config.tgtVocabSize}), got ${describeValue(nt)}`);
    }
    this.config = { ...config };
    const { embeddingSize, hiddenSize, numLayers = 1, cell, forgetBias } = config;
    this.encoder = this.registerModule('encoder', new Encoder({
      vocabSize: config.srcVocabSize, embeddingSize, hiddenSize, numLayers, cell, bidirectional: config.bidirectional ?? false, forgetBias,
    }, init));
    const M = this.encoder.outputSize;
    this.decoder = this.registerModule('decoder', new TreeDecoder({
      vocabSize: config.tgtVocabSize, nonTerminal: nt, embeddingSize, hiddenSize, numLayers, cell, contextSize: M, memorySize: M,
      attention: config.attention ?? 'additive', attentionSize: config.attentionSize ?? hiddenSize, forgetBias,
    }, init));
  }

  getConfig(): Seq2TreeConfig & Required<Omit<Seq2TreeConfig, 'forgetBias'>> {
    const c = this.config, d = this.decoder.config;
    return {
      srcVocabSize: c.srcVocabSize, tgtVocabSize: c.tgtVocabSize, nonTerminal: c.nonTerminal, embeddingSize: c.embeddingSize,
      hiddenSize: c.hiddenSize, numLayers: d.numLayers, cell: c.cell, bidirectional: this.encoder.config.bidirectional,
      attention: d.attention, attentionSize: d.attentionSize, forgetBias: c.forgetBias,
    };
  }

  /** Encodes a source batch into what the tree decoder keeps fixed while it steps. */
  encode(src: IndexTensor, lengths: ArrayLike<number>): TreeSource {
    const { memory, summary } = this.encoder.forward(src, lengths);
    return this.decoder.source(summary, memory, lengths);
  }

  /** The trees' nodes by depth, as forward() takes them. */
  levels(trees: readonly TokenTree[]): TreeLevel[] {
    return treeLevels(trees, this.config.nonTerminal);
  }

  /** Teacher-forced forward over B target trees (or their levels): logits per level and the mean loss per token. */
  forward(src: IndexTensor, lengths: ArrayLike<number>, trees: readonly TokenTree[] | readonly TreeLevel[]): TreeForward {
    const levels = trees.length > 0 && 'tgt' in trees[0] ? trees as readonly TreeLevel[] : this.levels(trees as readonly TokenTree[]);
    return treeTeacherForcing(this.decoder, this.encode(src, lengths), levels);
  }

  /** Mean cross-entropy per target token, every node's tokens and ends counted. */
  loss(src: IndexTensor, lengths: ArrayLike<number>, trees: readonly TokenTree[] | readonly TreeLevel[]): Tensor {
    return this.forward(src, lengths, trees).loss;
  }

  /** A StepDecoder over a source batch writing breadth-first tree streams (no gradients). */
  session(src: IndexTensor, lengths: ArrayLike<number>, options: TreeSessionOptions = {}): TreeSession {
    return new TreeSession(this.decoder, () => this.encode(src, lengths), options);
  }
}

registerClass('seq2seq.Seq2Tree', Seq2Tree, (config, init) => new Seq2Tree(config, init));

export interface TreeDecodeOptions extends TreeSessionOptions {
  /** Beam width: 0 greedy (default), k ≥ 1 a beam of k whole trees. */
  beamWidth?: number;
}

/** One decoded tree. */
export interface TreeHypothesis {
  /** The tree, or null when decoding was cut before it was whole. */
  tree: TokenTree | null;
  /** Σ of its tokens' log-probabilities (every node's tokens and ends). */
  logProb: number;
  /** The breadth-first stream it was read from (NODE_END between nodes, no final EOS). */
  stream: number[];
}

/**
 * The trees of a source batch, greedy or by beam search. The beam runs over whole trees: a
 * hypothesis is a breadth-first stream (a tree's nodes' sequences one after another, see
 * TreeSession), so each step extends every live tree by one token of the node it is writing; a <n>
 * queues a node, the end of a sequence moves the tree on to the next queued node, and the tree is
 * finished when a sequence ends with none queued. Trees are ranked by the sum of their tokens'
 * log-probabilities (no length normalisation). With k > 1 the greedy tree is kept as a candidate,
 * so that a beam never returns a tree scored below greedy's (plain beam search can lose the greedy
 * path when k other prefixes outscore it for a while).
 */
export function decodeTrees(model: Seq2Tree, src: IndexTensor, lengths: ArrayLike<number>, options: TreeDecodeOptions = {}): TreeHypothesis[] {
  const k = options.beamWidth ?? 0;
  if (!(Number.isInteger(k) && k >= 0 && k <= MAX_BEAM_WIDTH)) throw new Error(`expected a beam width in [0, ${MAX_BEAM_WIDTH}], got ${describeValue(k)}`);
  return model.inEvalMode(() => {
    const run = (beam: number): TreeHypothesis[] => {
      const session = model.session(src, lengths, options);
      const maxLength = session.maxStreamLength;
      const hyps: Hypothesis[] = beam === 0 ? greedyDecode(session, { maxLength }) : beamSearch(session, { beamWidth: beam, maxLength, lengthPenalty: 0 });
      return hyps.map((h) => ({
        tree: h.finished ? tokenTreeFromStream(h.tokens, model.config.nonTerminal, session.nodeEnd) : null, logProb: h.logProb, stream: h.tokens,
      }));
    };
    const out = run(k);
    if (k <= 1) return out;
    const greedy = run(0);
    return out.map((h, b) => (greedy[b].tree !== null && (h.tree === null || greedy[b].logProb > h.logProb) ? greedy[b] : h));
  });
}
