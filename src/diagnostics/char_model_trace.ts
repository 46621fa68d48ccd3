// Diagnostics of a character model (embedding → recurrent stack → head) over one text: hidden
// states, gate activations, next-character distributions and ‖∂L/∂h_t‖, all from one generic
// per-step run with batch 1. The model's parameters are left untouched (their .grad included).

import { backward } from '../autograd/engine.js';
import { indices } from '../autograd/ops/gather.js';
import { slice, stack, transpose } from '../autograd/ops/shape_ops.js';
import { softmax } from '../autograd/ops/softmax.js';
import { crossEntropy } from '../nn/losses/cross_entropy.js';
import type { CharModel } from '../train/char_model.js';
import { hiddenGradientNorms, traceCells, type LayerTrace } from './trace.js';

/**
 * Which loss ∂L/∂h_t is taken of: 'last' = the cross-entropy of the prediction made at the last
 * step only, so ‖∂L/∂h_t‖ shows how the gradient decays with the distance T−1−t; 'all' = the
 * mean cross-entropy over every step (what training minimises).
 */
export type GradientLossKind = 'last' | 'all';

export interface CharModelTrace {
  /** One per layer: h_t, gates and their activations. */
  layers: LayerTrace[];
  /** Next-character probabilities after each input character, [T, V] row-major. */
  probs: Float64Array;
  /** ‖∂L/∂h_t‖ per layer (result[l][t]) when targets were given, else empty. */
  gradNorms: Float64Array[];
  /** The loss L the gradients are of (NaN without targets). */
  loss: number;
}

export interface CharModelTraceOptions {
  /** Targets: ids[1 … T] continue the inputs; when given, gradients are computed (default true). */
  gradients?: boolean;
  loss?: GradientLossKind;
}

/**
 * Runs `model` over `ids` (length T + 1 when gradients are wanted: the last id is the target of
 * the last step; otherwise all T are inputs). Works on the generic path in evaluation mode.
 */
export function traceCharModel(model: CharModel, ids: Int32Array, options: CharModelTraceOptions = {}): CharModelTrace {
  const wantGrad = options.gradients ?? true;
  const T = wantGrad ? ids.length - 1 : ids.length;
  if (T < 1) throw new Error(`expected at least ${wantGrad ? 2 : 1} character ids, got ${ids.length}`);
  const V = model.config.vocabSize;
  for (let i = 0; i < ids.length; i++) {
    if (!(ids[i] >= 0 && ids[i] < V)) throw new Error(`expected character ids in [0, ${V}), got ${ids[i]} at ${i}`);
  }
  // Gradients of the caller's parameters are put back afterwards: tracing must not disturb training.
  const saved = model.parameters().map((p) => p.grad);
  try {
    return model.inEvalMode(() => {
      const x = transpose(model.embedding.forward(indices(ids.subarray(0, T), [1, T])), 0, 1); // [T, 1, E]
      const cells = model.rnn.cells.map((row) => row[0]);
      const layers = traceCells(cells, x);
      const top = stack(layers[layers.length - 1].hidden, 0); // [T, 1, H]
      const logits = model.head.forward(top); // [T, 1, V]
      const probs = Float64Array.from(softmax(logits, -1).data);
      let gradNorms: Float64Array[] = [], loss = NaN;
      if (wantGrad) {
        const kind = options.loss ?? 'last';
        const L = kind === 'last'
          ? crossEntropy(slice(logits, 0, T - 1, T), indices([ids[T]], [1, 1]))
          : crossEntropy(transpose(logits, 0, 1), indices(ids.subarray(1, T + 1), [1, T]));
        backward(L);
        gradNorms = layers.map(hiddenGradientNorms);
        loss = L.item();
      }
      return { layers, probs, gradNorms, loss };
    });
  } finally {
    model.parameters().forEach((p, k) => { p.grad = saved[k]; });
  }
}

export interface Prediction { char: string; p: number }

/** The k most probable next characters at each step from probs [T, V]. */
export function topPredictions(probs: ArrayLike<number>, V: number, decode: (id: number) => string, k = 5): Prediction[][] {
  if (probs.length % V !== 0) throw new Error(`expected probabilities of shape [T, ${V}], got ${probs.length} values`);
  const T = probs.length / V;
  const out: Prediction[][] = [];
  for (let t = 0; t < T; t++) {
    const order = Array.from({ length: V }, (_, v) => v).sort((a, b) => probs[t * V + b] - probs[t * V + a]);
    out.push(order.slice(0, Math.min(k, V)).map((v) => ({ char: decode(v), p: probs[t * V + v] })));
  }
  return out;
}
