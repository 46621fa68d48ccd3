// The tree decoder of seq2tree (Dong & Lapata 2016): the sequence decoder of ./decoder.ts, stepped
// over one node's child sequence at a time. A node's sequence starts from the state in which its
// parent's decoder emitted the non-terminal <n> that stands for it, and the parent's vector is fed
// as an input at every one of its steps (parent feeding); every step attends over the encoder's
// states. The root starts from the encoder's summary (a bridge, as the sequence decoder's), with a
// zero parent vector.
//
// Parent feeding reuses the sequence decoder's context input: the Decoder is built with context
// 'input' and a context width of H, and the "context" of each row is its parent vector.

import { Tensor, zeros } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { tanh } from '../autograd/ops/elementwise.js';
import { Module } from '../nn/module.js';
import { Linear } from '../nn/layers/linear.js';
import type { InitOptions } from '../nn/init.js';
import { registerClass } from '../nn/registry.js';
import { checkChoice, checkPositiveInteger, MAX_LAYERS } from '../nn/config_check.js';
import { describeValue } from '../tensor/describe_value.js';
import { Decoder, type DecoderConfig, type DecoderState, type SourceContext } from './decoder.js';

/**
 * The Decoder's settings it shares (vocabSize counts the specials and the non-terminal; contextSize
 * is the root's bridge input; attention defaults to 'additive' here), and the non-terminal's id.
 */
export interface TreeDecoderConfig extends Pick<DecoderConfig,
  'vocabSize' | 'embeddingSize' | 'hiddenSize' | 'numLayers' | 'cell' | 'contextSize' | 'memorySize' | 'attention' | 'attentionSize' | 'forgetBias'> {
  /** Id of the non-terminal <n> in [0, vocabSize). */
  nonTerminal: number;
}

export type ResolvedTreeDecoderConfig = Required<Omit<TreeDecoderConfig, 'forgetBias'>> & { forgetBias?: number };

/** What stays fixed over a source batch: the attention keys with their mask, and the encoder summary. */
export interface TreeSource {
  /** The keys and mask per source row; its summary is the root's parent vector, zeros [B, H]. */
  ctx: SourceContext;
  /** c [B, contextSize]. */
  encoderSummary: Tensor;
}

/**
 * A node's sequence, step t, from the previous token y_{t−1} (BOS at t = 1) and the parent vector p:
 *   x_t = [E y_{t−1} ; h̃_{t−1} (attention) ; p]
 *   h_t^l = cell_l(x_t^l, carry_{t−1}^l),   a_t = attend(h_t^top, memory),   h̃_t = tanh(W_c [a_t ; h_t^top] + b_c)
 *   logits_t = W_o h̃_t + b_o       (h̃_t = h_t^top without attention)
 * Root: h_0^l = tanh(W_b^l c + b_b^l), cell states 0, h̃_0 = 0, p = 0.
 * A node written by the <n> its parent emitted at step t: carries_0 = the parent's carries_t,
 * h̃_0 = the parent's h̃_t, p = the parent's h̃_t.
 *
 * Inputs (step): previous tokens [R], state, a SourceContext whose summary is p [R, H].
 * Outputs (step): logits [R, V], the new state.
 * Parameters: bridge_l{k}.weight [H, C], .bias [H]; decoder.… (see Decoder; its cell_l0 input is E + H + H
 *   with attention, E + H without).
 */
export class TreeDecoder extends Module {
  readonly config: ResolvedTreeDecoderConfig;
  readonly bridges: Linear[] = [];
  readonly decoder: Decoder;

  constructor(config: TreeDecoderConfig, init: InitOptions = {}) {
    super();
    const c: ResolvedTreeDecoderConfig = { numLayers: 1, attention: 'additive', attentionSize: config.hiddenSize, ...config };
    for (const k of ['vocabSize', 'embeddingSize', 'hiddenSize', 'contextSize', 'memorySize', 'attentionSize'] as const) checkPositiveInteger(k, c[k], 'TreeDecoder: ');
    checkPositiveInteger('numLayers', c.numLayers, 'TreeDecoder: ', MAX_LAYERS);
    checkChoice('attention', c.attention, ['additive', 'general', 'dot', 'none'], 'TreeDecoder: ');
    if (!(Number.isInteger(c.nonTerminal) && c.nonTerminal >= 0 && c.nonTerminal < c.vocabSize)) {
      throw new Error(`TreeDecoder: expected nonTerminal to be a token id in [0, ${c.vocabSize}), got ${describeValue(c.nonTerminal)}`);
    }
    this.config = c;
    for (let l = 0; l < c.numLayers; l++) {
      this.bridges.push(this.registerModule(`bridge_l${l}`, new Linear({ inFeatures: c.contextSize, outFeatures: c.hiddenSize }, init)));
    }
    this.decoder = this.registerModule('decoder', new Decoder({
      vocabSize: c.vocabSize, embeddingSize: c.embeddingSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers, cell: c.cell,
      contextSize: c.hiddenSize, memorySize: c.memorySize, attention: c.attention, attentionSize: c.attentionSize, context: 'input',
      forgetBias: c.forgetBias,
    }, init));
  }

  getConfig(): ResolvedTreeDecoderConfig {
    const c = this.config;
    return {
      vocabSize: c.vocabSize, nonTerminal: c.nonTerminal, embeddingSize: c.embeddingSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers,
      cell: c.cell, contextSize: c.contextSize, memorySize: c.memorySize, attention: c.attention, attentionSize: c.attentionSize,
      forgetBias: c.forgetBias,
    };
  }

  /** The per-batch constants from the encoder's summary [B, C] and memory [B, S, M]. */
  source(summary: Tensor, memory: Tensor, lengths: ArrayLike<number>): TreeSource {
    const C = this.config.contextSize;
    if (summary.rank !== 2 || summary.shape[1] !== C) throw new Error(`expected an encoder summary of shape [B, ${C}], got ${formatShape(summary.shape)}`);
    const parent = zeros([summary.shape[0], this.config.hiddenSize], { dtype: summary.dtype });
    return { ctx: this.decoder.source(parent, memory, lengths), encoderSummary: summary };
  }

  /** The roots' state before their first step. */
  rootState(src: TreeSource): DecoderState {
    const state = this.decoder.initialState(src.ctx);
    return { ...state, carries: state.carries.map((carry, l) => [tanh(this.bridges[l].forward(src.encoderSummary)), ...carry.slice(1)]) };
  }

  /** The vector p a state hands to the children it emits: h̃ (h^top without attention), [R, H]. */
  parentVector(state: DecoderState): Tensor {
    return state.feed ?? state.carries[state.carries.length - 1][0];
  }
}

registerClass('seq2seq.TreeDecoder', TreeDecoder, (config, init) => new TreeDecoder(config, init));
