// A tree encoder with an output layer on every node's state: a softmax classifier (sentiment of
// every phrase) or a scalar regressor (value of every sub-expression). The losses in ./losses.ts
// pick which nodes count.

import { Tensor } from '../tensor/tensor.js';
import { reshape } from '../autograd/ops/shape_ops.js';
import { Module } from '../nn/module.js';
import { Linear } from '../nn/layers/linear.js';
import { dropout } from '../nn/layers/dropout.js';
import type { InitOptions } from '../nn/init.js';
import { TreeEncoder } from './encoder.js';
import { childFromConfig, registerClass, serializeModule, type ModuleSpec } from '../nn/registry.js';
import type { TreeBatch } from './tree_batch.js';

export interface TreeHeadOptions {
  /** Dropout on the states before the output layer, in training (default 0). */
  dropout?: number;
}

/**
 * z_j = W_s h_j + b_s for every node j (softmax over z_j gives p(class | phrase j)).
 *
 * Inputs: a TreeBatch. Outputs: logits [numNodes, numClasses] in the batch's node order.
 * Parameters: `encoder.*` and `head.weight` [C, H], `head.bias` [C].
 */
export class TreeClassifier extends Module {
  readonly encoder: TreeEncoder;
  readonly head: Linear;
  readonly dropoutP: number;

  constructor(encoder: TreeEncoder, numClasses: number, options: TreeHeadOptions = {}, init: InitOptions = {}) {
    super();
    if (!(Number.isInteger(numClasses) && numClasses >= 2)) throw new Error(`expected numClasses >= 2, got ${numClasses}`);
    this.encoder = this.registerModule('encoder', encoder);
    this.head = this.registerModule('head', new Linear({ inFeatures: encoder.hiddenSize, outFeatures: numClasses }, init));
    this.dropoutP = options.dropout ?? 0;
  }

  getConfig(): Required<TreeHeadOptions> & { encoder: ModuleSpec; numClasses: number } {
    return { encoder: serializeModule(this.encoder), numClasses: this.head.config.outFeatures, dropout: this.dropoutP };
  }

  forward(batch: TreeBatch): Tensor {
    const h = this.encoder.forward(batch).h;
    return this.head.forward(this.training && this.dropoutP > 0 ? dropout(h, this.dropoutP, true) : h);
  }
}

/**
 * ŷ_j = w·h_j + b for every node j.
 *
 * Inputs: a TreeBatch. Outputs: predictions [numNodes] in the batch's node order.
 * Parameters: `encoder.*` and `head.weight` [1, H], `head.bias` [1].
 */
export class TreeRegressor extends Module {
  readonly encoder: TreeEncoder;
  readonly head: Linear;

  constructor(encoder: TreeEncoder, init: InitOptions = {}) {
    super();
    this.encoder = this.registerModule('encoder', encoder);
    this.head = this.registerModule('head', new Linear({ inFeatures: encoder.hiddenSize, outFeatures: 1 }, init));
  }

  getConfig(): { encoder: ModuleSpec } {
    return { encoder: serializeModule(this.encoder) };
  }

  forward(batch: TreeBatch): Tensor {
    const y = this.head.forward(this.encoder.forward(batch).h);
    return reshape(y, [batch.numNodes]);
  }
}

function encoderFromConfig(spec: unknown, init: InitOptions): TreeEncoder {
  return childFromConfig(spec, init, 'a tree encoder', (m): m is TreeEncoder => m instanceof TreeEncoder);
}

registerClass('tree.TreeClassifier', TreeClassifier, (config, init) =>
  new TreeClassifier(encoderFromConfig(config.encoder, init), config.numClasses, config, init));
registerClass('tree.TreeRegressor', TreeRegressor, (config, init) => new TreeRegressor(encoderFromConfig(config.encoder, init), init));
