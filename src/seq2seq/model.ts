// The sequence-to-sequence model (Sutskever et al. 2014; Cho et al. 2014; with attention, Bahdanau
// et al. 2015 and Luong et al. 2015): an Encoder reads the source, a Decoder writes the target one
// token at a time. Training feeds the decoder the true previous token (teacher forcing) or, with
// probability 1 − ε per token, its own previous prediction (scheduled sampling, Bengio et al. 2015);
// decoding runs through a session (a StepDecoder) that greedy, sampling and beam search all drive.

import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { defaultRng, type Rng } from '../tensor/random.js';
import type { IndexTensor } from '../autograd/ops/gather.js';
import { argmax } from '../autograd/ops/reduce.js';
import { stack } from '../autograd/ops/shape_ops.js';
import { crossEntropy } from '../nn/losses/cross_entropy.js';
import { Module } from '../nn/module.js';
import type { InitOptions } from '../nn/init.js';
import { Encoder, type CellType } from './encoder.js';
import { Decoder, type ContextMode, type SourceContext } from './decoder.js';
import { DecoderSession } from './decoder_session.js';
import type { TargetBatch } from './batch.js';
import { PAD } from './vocab.js';

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
export interface ForwardOptions {
  /**
   * ε: probability of feeding the true previous token at each step and row (default 1: teacher
   * forcing). Otherwise the model's own arg-max prediction of the previous step is fed (detached).
   */
  teacherForcing?: number;
  rng?: Rng;
}

export interface Seq2SeqOutput {
  /** Next-token scores [B, T, V_tgt]. */
  logits: Tensor;
  /** Attention weights α [B, T, S] (null without attention). */
  weights: Tensor | null;
}

/** Checks a config, naming the first bad field. */
export function checkSeq2SeqConfig(c: Seq2SeqConfig): void {
  const positive = (name: string, v: unknown): void => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`expected ${name} to be a positive integer, got ${String(v)}`);
  };
  positive('srcVocabSize', c.srcVocabSize);
  positive('tgtVocabSize', c.tgtVocabSize);
  positive('embeddingSize', c.embeddingSize);
  positive('hiddenSize', c.hiddenSize);
  if (c.numLayers !== undefined) positive('numLayers', c.numLayers);
  if (c.attentionSize !== undefined) positive('attentionSize', c.attentionSize);
  if (!['rnn', 'lstm', 'gru'].includes(c.cell)) throw new Error(`expected cell rnn, lstm or gru, got ${String(c.cell)}`);
  if (c.attention !== undefined && !['additive', 'general', 'dot', 'none'].includes(c.attention)) {
    throw new Error(`expected attention additive, general, dot or none, got ${String(c.attention)}`);
  }
  if (c.context !== undefined && !['init', 'input', 'both'].includes(c.context)) throw new Error(`expected context init, input or both, got ${String(c.context)}`);
  if (c.bidirectional !== undefined && typeof c.bidirectional !== 'boolean') throw new Error(`expected bidirectional to be true or false, got ${String(c.bidirectional)}`);
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

  /** Encodes a source batch into what the decoder keeps fixed while it steps. */
  encode(src: IndexTensor, lengths: ArrayLike<number>): SourceContext {
    const { memory, summary } = this.encoder.forward(src, lengths);
    return this.decoder.source(summary, memory, lengths);
  }

  /** Training forward pass over a whole target (teacher forcing / scheduled sampling). */
  forward(src: IndexTensor, lengths: ArrayLike<number>, tgtIn: IndexTensor, options: ForwardOptions = {}): Seq2SeqOutput {
    const eps = options.teacherForcing ?? 1;
    if (!(eps >= 0 && eps <= 1)) throw new Error(`expected a teacher-forcing probability in [0, 1], got ${eps}`);
    if (tgtIn.shape.length !== 2 || tgtIn.shape[0] !== src.shape[0]) {
      throw new Error(`expected decoder inputs of shape [${src.shape[0]}, T], got ${formatShape(tgtIn.shape)}`);
    }
    const rng = options.rng ?? defaultRng();
    const [B, T] = tgtIn.shape;
    const ctx = this.encode(src, lengths);
    let state = this.decoder.initialState(ctx);
    const logits: Tensor[] = [], weights: Tensor[] = [];
    let predicted: Int32Array | null = null;
    for (let t = 0; t < T; t++) {
      const feed = new Int32Array(B);
      for (let b = 0; b < B; b++) {
        const truth = tgtIn.data[b * T + t];
        // The first input is always BOS; later ones are the model's own guess with probability 1 − ε.
        feed[b] = predicted && eps < 1 && rng.random() >= eps ? predicted[b] : truth;
      }
      const out = this.decoder.step(feed, state, ctx);
      state = out.state;
      logits.push(out.logits);
      if (out.weights) weights.push(out.weights);
      if (eps < 1) predicted = argmax(out.logits, -1);
    }
    return { logits: stack(logits, 1), weights: weights.length > 0 ? stack(weights, 1) : null };
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

/** Steps a trained model over one source batch; keeps the last attention weights for display. */
export class Seq2SeqSession extends DecoderSession {
  constructor(model: Seq2Seq, src: IndexTensor, lengths: ArrayLike<number>) {
    super(model.decoder, model.config.tgtVocabSize, () => model.encode(src, lengths));
  }
}
