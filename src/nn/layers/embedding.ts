// Embedding: a table of learned vectors indexed by integer ids (characters, words).

import { Tensor } from '../../tensor/tensor.js';
import { embedding, type IndexTensor } from '../../autograd/ops/gather.js';
import { Module } from '../module.js';
import { normalInit, type InitOptions } from '../init.js';
import { registerClass } from '../registry.js';

export interface EmbeddingConfig {
  numEmbeddings: number;
  embeddingDim: number;
}

/**
 * y[..., :] = weight[ids[...], :].
 *
 * Inputs: ids [...] integers in [0, numEmbeddings). Outputs: [..., embeddingDim].
 * Parameters: `weight` [numEmbeddings, embeddingDim], N(0, 1) as in PyTorch.
 */
export class Embedding extends Module {
  readonly config: EmbeddingConfig;
  readonly weight: Tensor;

  constructor(config: EmbeddingConfig, init: InitOptions = {}) {
    super();
    this.config = config;
    this.weight = this.registerParameter('weight', normalInit([config.numEmbeddings, config.embeddingDim], 1, init));
  }

  getConfig(): EmbeddingConfig {
    return { numEmbeddings: this.config.numEmbeddings, embeddingDim: this.config.embeddingDim };
  }

  forward(ids: IndexTensor): Tensor {
    return embedding(this.weight, ids);
  }
}

registerClass('nn.Embedding', Embedding, (config, init) => new Embedding(config, init));
