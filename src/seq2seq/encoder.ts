// The encoder of a sequence-to-sequence model: embedded source characters through a stack of
// recurrent layers (RNN, LSTM or GRU; one or two directions), giving one vector per source position
// (the memory that attention reads) and a summary of the whole source (the context c).
// Rows of a batch may have different lengths: the padding sits after each row's tokens, so a forward
// direction reaches every real position before any padding, and the backward direction runs over
// each row's valid prefix reversed (padding left after it). Nothing past a row's length then
// reaches its real positions or its summary; attention masks the padded positions themselves.

import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { checkLengths } from '../tensor/sequence_mask.js';
import { selectRows, type IndexTensor } from '../autograd/ops/gather.js';
import { concat, reshape } from '../autograd/ops/shape_ops.js';
import { Module } from '../nn/module.js';
import { Embedding } from '../nn/layers/embedding.js';
import { RNN } from '../nn/layers/rnn.js';
import { LSTM } from '../nn/layers/lstm.js';
import { GRU } from '../nn/layers/gru.js';
import type { InitOptions } from '../nn/init.js';
import { StepMask } from '../nn/layers/step_mask.js';
import { flipSequences } from '../nn/wrappers/flip_sequences.js';
import { registerClass } from '../nn/registry.js';

export type CellType = 'rnn' | 'lstm' | 'gru';

export interface EncoderConfig {
  vocabSize: number;
  embeddingSize: number;
  hiddenSize: number;
  /** Stacked layers (default 1). */
  numLayers?: number;
  cell: CellType;
  /** Two directions per layer, outputs concatenated (default false). */
  bidirectional?: boolean;
  /** LSTM forget-gate bias at initialisation (default: PyTorch's uniform init). */
  forgetBias?: number;
}

/** What the encoder hands the decoder. */
export interface EncoderOutput {
  /** h_s of the top layer at every source position, [B, S, D·H] (D = 2 when bidirectional). */
  memory: Tensor;
  /**
   * c = [→h_{L_b} ; ←h_1] of the top layer: the forward direction at each row's last real step,
   * the backward direction at position 1 (its last step), [B, D·H].
   */
  summary: Tensor;
}

type Layer = RNN | LSTM | GRU;

function makeLayer(cell: CellType, inputSize: number, hiddenSize: number, forgetBias: number | undefined, init: InitOptions): Layer {
  const c = { inputSize, hiddenSize, batchFirst: true };
  if (cell === 'lstm') return new LSTM({ ...c, forgetBias }, init);
  if (cell === 'gru') return new GRU(c, init);
  if (cell === 'rnn') return new RNN(c, init);
  throw new Error(`expected cell rnn, lstm or gru, got '${String(cell)}'`);
}

// The outputs h_1 … h_S of a one-layer, one-direction layer, [B, S, H] (final states unused: padded
// rows would have run past their ends).
function outputsOf(layer: Layer, x: Tensor): Tensor {
  return layer.forward(x)[0];
}

/**
 * x_s = E[src_s];  per layer l and direction: h_s = cell(x_s, h_{s−1}) (forward) or over the
 * reversed valid prefix (backward); the layer's output is [→h_s ; ←h_s], the next layer's input.
 *
 * Inputs: ids [B, S] integers in [0, vocabSize), PAD past each row's end; lengths [B], each in [1, S].
 * Outputs: memory [B, S, D·H] and summary [B, D·H] (see EncoderOutput).
 * Parameters: embedding.weight [V, E]; rnn_l{k}.weight_ih_l0 … for each layer k, and
 *             rnn_l{k}_reverse.… for the backward direction (each a one-layer nn.RNN/LSTM/GRU).
 */
export class Encoder extends Module {
  readonly config: Required<Omit<EncoderConfig, 'forgetBias'>> & { forgetBias?: number };
  readonly embedding: Embedding;
  /** layers[l][d]: d = 0 forward, 1 backward. */
  readonly layers: Layer[][] = [];

  constructor(config: EncoderConfig, init: InitOptions = {}) {
    super();
    this.config = { numLayers: 1, bidirectional: false, ...config };
    const { vocabSize, embeddingSize, hiddenSize: H, numLayers, cell, bidirectional } = this.config;
    if (!(Number.isInteger(numLayers) && numLayers >= 1)) throw new Error(`expected numLayers >= 1, got ${numLayers}`);
    this.embedding = this.registerModule('embedding', new Embedding({ numEmbeddings: vocabSize, embeddingDim: embeddingSize }, init));
    const D = bidirectional ? 2 : 1;
    for (let l = 0; l < numLayers; l++) {
      const inSize = l === 0 ? embeddingSize : D * H;
      const row = [this.registerModule(`rnn_l${l}`, makeLayer(cell, inSize, H, config.forgetBias, init))];
      if (bidirectional) row.push(this.registerModule(`rnn_l${l}_reverse`, makeLayer(cell, inSize, H, config.forgetBias, init)));
      this.layers.push(row);
    }
  }

  getConfig(): EncoderConfig & Required<Omit<EncoderConfig, 'forgetBias'>> {
    const c = this.config;
    return {
      vocabSize: c.vocabSize, embeddingSize: c.embeddingSize, hiddenSize: c.hiddenSize, numLayers: c.numLayers, cell: c.cell,
      bidirectional: c.bidirectional, forgetBias: c.forgetBias,
    };
  }

  /** Width of memory and summary vectors: D·H. */
  get outputSize(): number { return (this.config.bidirectional ? 2 : 1) * this.config.hiddenSize; }

  forward(ids: IndexTensor, lengths: ArrayLike<number>): EncoderOutput {
    if (ids.shape.length !== 2) throw new Error(`expected source ids of shape [B, S], got ${formatShape(ids.shape)}`);
    const [B, S] = ids.shape;
    checkLengths(lengths, S, B, { who: 'Encoder' });
    const steps = this.config.bidirectional ? StepMask.fromLengths(lengths, S, B) : null;
    let x = this.embedding.forward(ids); // [B, S, E]
    let fwd = x, bwd: Tensor | null = null;
    for (const [f, b] of this.layers) {
      fwd = outputsOf(f, x); // [B, S, H]
      if (b && steps) {
        bwd = flipSequences(outputsOf(b, flipSequences(x, steps, true)), steps, true);
        x = concat([fwd, bwd], 2); // [B, S, 2H]
      } else {
        x = fwd;
      }
    }
    const H = this.config.hiddenSize;
    const last = new Int32Array(B), first = new Int32Array(B);
    for (let b = 0; b < B; b++) { last[b] = b * S + lengths[b] - 1; first[b] = b * S; }
    const fSummary = selectRows(reshape(fwd, [B * S, H]), last);
    const summary = bwd ? concat([fSummary, selectRows(reshape(bwd, [B * S, H]), first)], 1) : fSummary;
    return { memory: x, summary };
  }
}

registerClass('seq2seq.Encoder', Encoder, (config, init) => new Encoder(config, init));
