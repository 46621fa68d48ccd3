// The character-level language model that `unfold train` builds: embedding → recurrent stack →
// linear head over the vocabulary. Parameter names follow a PyTorch module with attributes
// `embedding`, `rnn` and `head`, so its state dict loads into the equivalent torch.nn model.

import { Tensor } from '../tensor/tensor.js';
import type { IndexTensor } from '../autograd/ops/gather.js';
import { Module } from '../nn/module.js';
import { Embedding } from '../nn/layers/embedding.js';
import { Linear } from '../nn/layers/linear.js';
import { RNN } from '../nn/layers/rnn.js';
import { LSTM } from '../nn/layers/lstm.js';
import { GRU } from '../nn/layers/gru.js';
import { dropout } from '../nn/layers/dropout.js';
import type { InitOptions } from '../nn/init.js';
import type { Rng } from '../tensor/random.js';
import { registerClass } from '../nn/registry.js';
import { MAX_LAYERS, checkChoice, checkPositiveInteger } from '../nn/config_check.js';
import { describeValue } from '../tensor/describe_value.js';

export type CellType = 'rnn' | 'lstm' | 'gru';

/** Everything needed to rebuild the model; stored in checkpoints. */
export interface CharModelConfig {
  vocabSize: number;
  cell: CellType;
  hiddenSize: number;
  numLayers: number;
  embeddingSize: number;
  /** Dropout between recurrent layers and before the head (training only). */
  dropout: number;
  /** LSTM forget-gate bias at initialisation (b_if + b_hf); ignored for other cells. */
  forgetBias?: number;
}

/** What the constructor takes: cell (default 'lstm'), numLayers (default 1) and dropout (default 0) may be left out. */
export type CharModelOptions = Omit<CharModelConfig, 'cell' | 'numLayers' | 'dropout'> & Partial<Pick<CharModelConfig, 'cell' | 'numLayers' | 'dropout'>>;

/** Recurrent state: [h] for rnn/gru, [h, c] for lstm, each [numLayers, B, H]. */
export type CharModelState = Tensor[];

/**
 * logits = head(dropout(rnn(embedding(ids)))).
 *
 * Inputs: ids [B, T]; optional state (see CharModelState).
 * Outputs: [logits [B, T, vocabSize], final state].
 */
export class CharModel extends Module {
  readonly config: CharModelConfig;
  readonly embedding: Embedding;
  readonly rnn: RNN | LSTM | GRU;
  readonly head: Linear;
  /** Generator for dropout masks (default: the global one). */
  rng?: Rng;

  constructor(options: CharModelOptions, init: InitOptions = {}) {
    super();
    const config: CharModelConfig = { cell: 'lstm', numLayers: 1, dropout: 0, ...options };
    checkConfig(config);
    this.config = config;
    const { vocabSize: V, embeddingSize: E, hiddenSize: H, numLayers, cell } = config;
    this.embedding = this.registerModule('embedding', new Embedding({ numEmbeddings: V, embeddingDim: E }, init));
    const layer = { inputSize: E, hiddenSize: H, numLayers, batchFirst: true, dropout: config.dropout };
    this.rnn = this.registerModule('rnn',
      cell === 'lstm' ? new LSTM({ ...layer, forgetBias: config.forgetBias }, init)
        : cell === 'gru' ? new GRU(layer, init) : new RNN(layer, init));
    this.head = this.registerModule('head', new Linear({ inFeatures: H, outFeatures: V }, init));
  }

  getConfig(): CharModelConfig {
    const c = this.config;
    return {
      vocabSize: c.vocabSize, cell: c.cell, hiddenSize: c.hiddenSize, numLayers: c.numLayers, embeddingSize: c.embeddingSize,
      dropout: c.dropout, forgetBias: c.cell === 'lstm' ? c.forgetBias : undefined,
    };
  }

  forward(ids: IndexTensor, state?: CharModelState | null): [Tensor, CharModelState] {
    this.rnn.rng = this.rng;
    // rnn(embedding(ids)), with the first layer's input product folded into the embedding table
    // (the same model, computed with V = 65 rows instead of B·T; see RecurrentLayer.runEmbedded).
    const table = this.embedding.weight; // [V, E]
    let out: Tensor, next: CharModelState;
    if (this.rnn instanceof LSTM) {
      const [o, [h, c]] = this.rnn.forwardEmbedded(table, ids, state ? [state[0], state[1]] : undefined);
      out = o; next = [h, c];
    } else {
      const [o, h] = this.rnn.forwardEmbedded(table, ids, state ? state[0] : undefined);
      out = o; next = [h];
    }
    out = dropout(out, this.config.dropout, this.training, this.rng);
    return [this.head.forward(out), next];
  }
}

registerClass('train.CharModel', CharModel, (config, init) => new CharModel(config, init));

export function checkConfig(c: CharModelConfig): void {
  checkChoice('cell', c.cell, ['rnn', 'lstm', 'gru']);
  checkPositiveInteger('vocabSize', c.vocabSize);
  checkPositiveInteger('hiddenSize', c.hiddenSize);
  checkPositiveInteger('numLayers', c.numLayers, '', MAX_LAYERS);
  checkPositiveInteger('embeddingSize', c.embeddingSize);
  if (typeof c.dropout !== 'number' || !(c.dropout >= 0 && c.dropout < 1)) throw new Error(`expected dropout in [0, 1), got ${describeValue(c.dropout)}`);
  if (c.forgetBias !== undefined && !Number.isFinite(c.forgetBias)) throw new Error(`expected forgetBias to be a number, got ${describeValue(c.forgetBias)}`);
}
