// The decoder of a sequence-to-sequence model: a stack of recurrent cells stepped one output token
// at a time, conditioned on the encoder's summary c (as the initial state, as an input at every
// step, or both) and optionally attending over the encoder's memory at every step.
//
// With attention the step follows Luong et al. (2015) with input feeding: the top hidden state h_t
// is the query, the context a_t and h_t make the attentional state h̃_t = tanh(W_c [a_t; h_t] + b_c),
// which predicts the token and is fed back as an input at the next step. Both score functions
// (additive and multiplicative) plug into that same step.

import { Tensor, zeros } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { sequenceMask } from '../tensor/sequence_mask.js';
import { embedding, selectRows } from '../autograd/ops/gather.js';
import { tanh } from '../autograd/ops/elementwise.js';
import { concat, reshape } from '../autograd/ops/shape_ops.js';
import { Module } from '../nn/module.js';
import { Embedding } from '../nn/layers/embedding.js';
import { Linear } from '../nn/layers/linear.js';
import { RNNCell } from '../nn/cells/rnn_cell.js';
import { LSTMCell } from '../nn/cells/lstm_cell.js';
import { GRUCell } from '../nn/cells/gru_cell.js';
import type { Carry, CellBase } from '../nn/cells/cell.js';
import type { InitOptions } from '../nn/init.js';
import { Attention, type PreparedKeys } from './attention.js';
import { AdditiveAttention } from './additive_attention.js';
import { MultiplicativeAttention } from './multiplicative_attention.js';
import type { CellType } from './encoder.js';
import { registerClass } from '../nn/registry.js';

/** Where the encoder's summary c enters the decoder. */
export type ContextMode = 'init' | 'input' | 'both';

export interface DecoderConfig {
  vocabSize: number;
  embeddingSize: number;
  hiddenSize: number;
  /** Stacked cells (default 1). */
  numLayers?: number;
  cell: CellType;
  /** Width of the encoder's summary c. */
  contextSize: number;
  /** Width of the encoder's memory vectors (the attention keys). */
  memorySize: number;
  /** Score function, or 'none' for a plain encoder-decoder (default 'none'). */
  attention?: 'additive' | 'general' | 'dot' | 'none';
  /** Hidden width of additive attention (default hiddenSize). */
  attentionSize?: number;
  /** c as the initial state ('init'), as an input at every step ('input'), or both (default 'init'). */
  context?: ContextMode;
  /** LSTM forget-gate bias at initialisation (default: PyTorch's uniform init). */
  forgetBias?: number;
}

export type ResolvedDecoderConfig = Required<Omit<DecoderConfig, 'forgetBias'>> & { forgetBias?: number };

/** What stays fixed over a source batch while the decoder steps: c, the prepared memory and its mask. */
export interface SourceContext {
  /** c [B, contextSize]. */
  summary: Tensor;
  /** Attention keys (null without attention). */
  prepared: PreparedKeys | null;
  /** [B, 1, S], 1 at padded source positions (null without attention). */
  mask: Tensor | null;
}

/** The state carried between decoder steps. */
export interface DecoderState {
  /** Per layer the cell's carry ([h] or [h, c], each [B, H]). */
  carries: Carry[];
  /** h̃_{t−1} [B, H], fed back as input (attention only; null otherwise). */
  feed: Tensor | null;
}

/** One decoder step's results. */
export interface DecoderStep {
  /** Unnormalised next-token scores [B, V]. */
  logits: Tensor;
  state: DecoderState;
  /** α_t [B, S] (null without attention). */
  weights: Tensor | null;
}

function makeCell(cell: CellType, inputSize: number, hiddenSize: number, forgetBias: number | undefined, init: InitOptions): CellBase {
  if (cell === 'lstm') return new LSTMCell({ inputSize, hiddenSize, forgetBias }, init);
  if (cell === 'gru') return new GRUCell({ inputSize, hiddenSize }, init);
  if (cell === 'rnn') return new RNNCell({ inputSize, hiddenSize }, init);
  throw new Error(`expected cell rnn, lstm or gru, got '${String(cell)}'`);
}

/**
 * One step t, from the previous token y_{t−1} (BOS at t = 1):
 *   x_t = [E y_{t−1} ; h̃_{t−1} (attention) ; c (context 'input' or 'both')]
 *   h_t^l, carry_t^l = cell_l(x_t^l, carry_{t−1}^l),   x_t^{l+1} = h_t^l
 *   with attention:  a_t, α_t = attend(h_t^top, memory, mask),   h̃_t = tanh(W_c [a_t ; h_t^top] + b_c)
 *   without:         h̃_t = h_t^top
 *   logits_t = W_o h̃_t + b_o
 * Initial state: h_0^l = tanh(W_b^l c + b_b^l) for context 'init'/'both' (zeros for 'input');
 * an LSTM's cell state c_0 starts at zero; h̃_0 = 0.
 *
 * Inputs (step): previous tokens [B]; state; the SourceContext of the batch.
 * Outputs (step): logits [B, V], the new state, α_t [B, S].
 * Parameters: embedding.weight [V, E]; bridge_l{k}.weight [H, C], .bias [H]; cell_l{k}.weight_ih,
 *   weight_hh, bias_ih, bias_hh (PyTorch cell names); attention.…; combine.weight [H, M + H], .bias;
 *   head.weight [V, H], head.bias [V].
 */
export class Decoder extends Module {
  readonly config: ResolvedDecoderConfig;
  readonly embedding: Embedding;
  readonly bridges: Linear[] = [];
  readonly cells: CellBase[] = [];
  readonly attention: Attention | null;
  readonly combine: Linear | null;
  readonly head: Linear;

  constructor(config: DecoderConfig, init: InitOptions = {}) {
    super();
    const c: ResolvedDecoderConfig = { numLayers: 1, attention: 'none', attentionSize: config.hiddenSize, context: 'init', ...config };
    this.config = c;
    if (!['init', 'input', 'both'].includes(c.context)) throw new Error(`expected context 'init', 'input' or 'both', got '${String(c.context)}'`);
    if (!['additive', 'general', 'dot', 'none'].includes(c.attention)) throw new Error(`expected attention additive, general, dot or none, got '${String(c.attention)}'`);
    if (!(Number.isInteger(c.numLayers) && c.numLayers >= 1)) throw new Error(`expected numLayers >= 1, got ${c.numLayers}`);
    const H = c.hiddenSize;
    this.embedding = this.registerModule('embedding', new Embedding({ numEmbeddings: c.vocabSize, embeddingDim: c.embeddingSize }, init));
    if (c.context !== 'input') {
      for (let l = 0; l < c.numLayers; l++) this.bridges.push(this.registerModule(`bridge_l${l}`, new Linear({ inFeatures: c.contextSize, outFeatures: H }, init)));
    }
    const hasAttention = c.attention !== 'none';
    const in0 = c.embeddingSize + (hasAttention ? H : 0) + (c.context !== 'init' ? c.contextSize : 0);
    for (let l = 0; l < c.numLayers; l++) this.cells.push(this.registerModule(`cell_l${l}`, makeCell(c.cell, l === 0 ? in0 : H, H, c.forgetBias, init)));
    if (c.attention === 'additive') {
      this.attention = this.registerModule('attention', new AdditiveAttention({ querySize: H, keySize: c.memorySize, attentionSize: c.attentionSize }, init));
    } else if (c.attention === 'general' || c.attention === 'dot') {
      this.attention = this.registerModule('attention', new MultiplicativeAttention({ querySize: H, keySize: c.memorySize, form: c.attention }, init));
    } else {
      this.attention = null;
    }
    this.combine = hasAttention ? this.registerModule('combine', new Linear({ inFeatures: c.memorySize + H, outFeatures: H }, init)) : null;
    this.head = this.registerModule('head', new Linear({ inFeatures: H, outFeatures: c.vocabSize }, init));
  }

  getConfig(): ResolvedDecoderConfig {
    const c = this.config;
    return {
      vocabSize: c.vocabSize, embeddingSize: c.embeddingSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers, cell: c.cell,
      contextSize: c.contextSize, memorySize: c.memorySize, attention: c.attention, attentionSize: c.attentionSize,
      context: c.context, forgetBias: c.forgetBias,
    };
  }

  /** The per-batch constants: c, and the attention keys prepared once with the padding mask. */
  source(summary: Tensor, memory: Tensor, lengths: ArrayLike<number>): SourceContext {
    const { contextSize, memorySize } = this.config;
    if (summary.rank !== 2 || summary.shape[1] !== contextSize) throw new Error(`expected an encoder summary of shape [B, ${contextSize}], got ${formatShape(summary.shape)}`);
    if (memory.rank !== 3 || memory.shape[0] !== summary.shape[0] || memory.shape[2] !== memorySize) {
      throw new Error(`expected encoder memory of shape [${summary.shape[0]}, S, ${memorySize}], got ${formatShape(memory.shape)}`);
    }
    if (!this.attention) return { summary, prepared: null, mask: null };
    const [B, S] = memory.shape;
    // 1 on padding, [B, 1, S]: broadcast over the query axis of the scores, which it sets to −∞.
    const mask = reshape(sequenceMask(lengths, S, { batchFirst: true, padding: true, dtype: memory.dtype }), [B, 1, S]);
    return { summary, prepared: this.attention.prepare(memory), mask };
  }

  /** The state before the first step. */
  initialState(src: SourceContext): DecoderState {
    const B = src.summary.shape[0], H = this.config.hiddenSize, dtype = src.summary.dtype;
    const carries = this.cells.map((cell, l) => {
      const carry = cell.initCarry(B).map((t) => (t.dtype === dtype ? t : zeros(t.shape, { dtype })));
      if (this.bridges.length > 0) carry[0] = tanh(this.bridges[l].forward(src.summary));
      return carry;
    });
    return { carries, feed: this.attention ? zeros([B, H], { dtype }) : null };
  }

  /** One step from the previous tokens (ids in [0, V), one per row). */
  step(prev: Int32Array, state: DecoderState, src: SourceContext): DecoderStep {
    const B = src.summary.shape[0];
    if (prev.length !== B) throw new Error(`expected ${B} previous tokens (one per row), got ${prev.length}`);
    const parts = [embedding(this.embedding.weight, { data: prev, shape: [B] })]; // [B, E]
    if (state.feed) parts.push(state.feed); // [B, H]
    if (this.config.context !== 'init') parts.push(src.summary); // [B, C]
    let x = parts.length === 1 ? parts[0] : concat(parts, 1);
    const carries: Carry[] = [];
    for (let l = 0; l < this.cells.length; l++) {
      const carry = this.cells[l].step(x, state.carries[l]);
      carries.push(carry);
      x = carry[0]; // [B, H]
    }
    if (!this.attention || !this.combine || !src.prepared) {
      return { logits: this.head.forward(x), state: { carries, feed: null }, weights: null };
    }
    const { context, weights } = this.attention.forward(x, src.prepared, src.mask); // [B, M], [B, S]
    const hTilde = tanh(this.combine.forward(concat([context, x], 1))); // [B, H]
    return { logits: this.head.forward(hTilde), state: { carries, feed: hTilde }, weights };
  }
}

registerClass('seq2seq.Decoder', Decoder, (config, init) => new Decoder(config, init));

/** The rows `idx` of a source context (beam search keeps several hypotheses per source row). */
export function selectSource(src: SourceContext, idx: Int32Array): SourceContext {
  return {
    summary: selectRows(src.summary, idx),
    prepared: src.prepared ? { keys: selectRows(src.prepared.keys, idx), projected: selectRows(src.prepared.projected, idx) } : null,
    mask: src.mask ? selectRows(src.mask, idx) : null,
  };
}

/** The rows `idx` of a decoder state. */
export function selectState(state: DecoderState, idx: Int32Array): DecoderState {
  return {
    carries: state.carries.map((c) => c.map((t) => selectRows(t, idx))),
    feed: state.feed ? selectRows(state.feed, idx) : null,
  };
}
