// The sequence-to-sequence model (Sutskever et al. 2014; Cho et al. 2014; with attention, Bahdanau
// et al. 2015 and Luong et al. 2015): an Encoder reads the source, a Decoder writes the target one
// token at a time. Training feeds the decoder the true previous token (teacher forcing) or, with
// probability 1 − ε per token, its own previous prediction (scheduled sampling, Bengio et al. 2015);
// decoding runs through a session (a StepDecoder) that greedy, sampling and beam search all drive.

import { Tensor } from '../tensor/tensor.js';
import type { IndexTensor } from '../autograd/ops/gather.js';
import { crossEntropy } from '../nn/losses/cross_entropy.js';
import { Module } from '../nn/module.js';
import type { InitOptions } from '../nn/init.js';
import { Encoder, type CellType } from './encoder.js';
import { Decoder, type ContextMode, type SourceContext } from './decoder.js';
import { DecoderSession } from './decoder_session.js';
import type { TargetBatch } from './batch.js';
import { PAD } from '../data/vocab.js';
import { decodeTargets, type ForwardOptions, type Seq2SeqOutput } from './teacher_forcing.js';
import { registerClass } from '../nn/registry.js';
import { MAX_LAYERS, checkChoice, checkPositiveInteger } from '../nn/config_check.js';
import { describeValue } from '../tensor/describe_value.js';

/** Everything needed to rebuild a Seq2Seq; stored in checkpoints. */
export interface Seq2SeqConfig {
  srcVocabSize: number;
  tgtVocabSize: number;
  /** Embedding width of source and target tokens. */
  embeddingSize: number;
  /** Hidden width H of encoder and decoder cells. */
  hiddenSize: number;
  /** Layers of the encoder and of the decoder (default 1). */
  numLayers?: number;
  cell: CellType;
  /** Bidirectional encoder (default false). */
  bidirectional?: boolean;
  /** Score function, or 'none' (default 'none'). */
  attention?: 'additive' | 'general' | 'dot' | 'none';
  /** Width of additive attention's scoring layer (default hiddenSize). */
  attentionSize?: number;
  /** Where the encoder's summary enters the decoder (default 'init'). */
  context?: ContextMode;
  /** LSTM forget-gate bias at initialisation. */
  forgetBias?: number;
}

/** Options of a training forward pass. */
export type { ForwardOptions, Seq2SeqOutput };

/** Checks a config, naming the first bad field. */
export function checkSeq2SeqConfig(c: Seq2SeqConfig): void {
  checkPositiveInteger('srcVocabSize', c.srcVocabSize);
  checkPositiveInteger('tgtVocabSize', c.tgtVocabSize);
  checkPositiveInteger('embeddingSize', c.embeddingSize);
  checkPositiveInteger('hiddenSize', c.hiddenSize);
  if (c.numLayers !== undefined) checkPositiveInteger('numLayers', c.numLayers, '', MAX_LAYERS);
  if (c.attentionSize !== undefined) checkPositiveInteger('attentionSize', c.attentionSize);
  checkChoice('cell', c.cell, ['rnn', 'lstm', 'gru']);
  if (c.attention !== undefined) checkChoice('attention', c.attention, ['additive', 'general', 'dot', 'none']);
  if (c.context !== undefined) checkChoice('context', c.context, ['init', 'input', 'both']);
  if (c.bidirectional !== undefined && typeof c.bidirectional !== 'boolean') throw new Error(`expected bidirectional to be true or false, got ${describeValue(c.bidirectional)}`);
  if (c.attention === 'dot' && c.bidirectional) {
    throw new Error(`dot attention: expected the encoder's output width to equal hiddenSize, got ${2 * c.hiddenSize} (bidirectional) and ${c.hiddenSize}; use a unidirectional encoder or general attention`);
  }
}

/**
 * p(y | x) = Π_t p(y_t | y_<t, x), p(y_t | ·) = softmax(logits_t); see Encoder and Decoder for the
 * equations of each half.
 *
 * Inputs: source ids [B, S] (PAD past each row's end) with lengths [B]; decoder inputs [B, T]
 *         (BOS, y_1, …, y_{T−1}).
 * Outputs: logits [B, T, V_tgt], attention weights [B, T, S] (or null).
 * Parameters: encoder.… and decoder.… (see Encoder, Decoder).
 */
export class Seq2Seq extends Module {
  readonly config: Seq2SeqConfig;
  readonly encoder: Encoder;
  readonly decoder: Decoder;

  constructor(config: Seq2SeqConfig, init: InitOptions = {}) {
    super();
    checkSeq2SeqConfig(config);
    this.config = { ...config };
    const { embeddingSize, hiddenSize, numLayers = 1, cell, forgetBias } = config;
    this.encoder = this.registerModule('encoder', new Encoder({
      vocabSize: config.srcVocabSize, embeddingSize, hiddenSize, numLayers, cell, bidirectional: config.bidirectional ?? false, forgetBias,
    }, init));
    const M = this.encoder.outputSize;
    this.decoder = this.registerModule('decoder', new Decoder({
      vocabSize: config.tgtVocabSize, embeddingSize, hiddenSize, numLayers, cell, contextSize: M, memorySize: M,
      attention: config.attention ?? 'none', attentionSize: config.attentionSize ?? hiddenSize, context: config.context ?? 'init', forgetBias,
    }, init));
  }

  getConfig(): Seq2SeqConfig & Required<Omit<Seq2SeqConfig, 'forgetBias'>> {
    const c = this.config, d = this.decoder.config;
    return {
      srcVocabSize: c.srcVocabSize, tgtVocabSize: c.tgtVocabSize, embeddingSize: c.embeddingSize, hiddenSize: c.hiddenSize,
      numLayers: d.numLayers, cell: c.cell, bidirectional: this.encoder.config.bidirectional, attention: d.attention,
      attentionSize: d.attentionSize, context: d.context, forgetBias: c.forgetBias,
    };
  }

  /** Encodes a source batch into what the decoder keeps fixed while it steps. */
  encode(src: IndexTensor, lengths: ArrayLike<number>): SourceContext {
    const { memory, summary } = this.encoder.forward(src, lengths);
    return this.decoder.source(summary, memory, lengths);
  }

  /** Training forward pass over a whole target (teacher forcing / scheduled sampling). */
  forward(src: IndexTensor, lengths: ArrayLike<number>, tgtIn: IndexTensor, options: ForwardOptions = {}): Seq2SeqOutput {
    return decodeTargets(this.decoder, this.encode(src, lengths), tgtIn, options);
  }

  /** Mean cross-entropy per target token (EOS included, PAD excluded), with the forward's outputs. */
  loss(src: IndexTensor, lengths: ArrayLike<number>, tgt: TargetBatch, options: ForwardOptions = {}): Seq2SeqOutput & { loss: Tensor } {
    const out = this.forward(src, lengths, tgt.input, options);
    return { ...out, loss: crossEntropy(out.logits, tgt.output, { ignoreIndex: PAD }) };
  }

  /** A StepDecoder over a source batch, for greedy/sampled decoding and beam search (no gradients). */
  session(src: IndexTensor, lengths: ArrayLike<number>): Seq2SeqSession {
    return new Seq2SeqSession(this, src, lengths);
  }
}

registerClass('seq2seq.Seq2Seq', Seq2Seq, (config, init) => new Seq2Seq(config, init));

/** Steps a trained model over one source batch; keeps the last attention weights for display. */
export class Seq2SeqSession extends DecoderSession {
  constructor(model: Seq2Seq, src: IndexTensor, lengths: ArrayLike<number>) {
    super(model.decoder, model.config.tgtVocabSize, () => model.encode(src, lengths));
  }
}
