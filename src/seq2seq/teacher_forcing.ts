// The training forward of a decoder over whole targets, shared by seq2seq and caption models: from
// an encoded context, step the decoder over the target's inputs, feeding at each step and row the
// true previous token with probability ε (teacher forcing at ε = 1) and the model's own arg-max
// guess otherwise (scheduled sampling, Bengio et al. 2015).

import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { defaultRng, type Rng } from '../tensor/random.js';
import type { IndexTensor } from '../autograd/ops/gather.js';
import { argmax } from '../autograd/ops/reduce.js';
import { stack } from '../autograd/ops/shape_ops.js';
import type { Decoder, SourceContext } from './decoder.js';

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

/**
 * Steps `decoder` from `ctx` (rows B) over decoder inputs tgtIn [B, T] (BOS first).
 * Outputs: logits [B, T, V], attention weights [B, T, S] or null.
 */
export function decodeTargets(decoder: Decoder, ctx: SourceContext, tgtIn: IndexTensor, options: ForwardOptions = {}): Seq2SeqOutput {
  const eps = options.teacherForcing ?? 1;
  if (!(eps >= 0 && eps <= 1)) throw new Error(`expected a teacher-forcing probability in [0, 1], got ${eps}`);
  const rows = ctx.summary.shape[0];
  if (tgtIn.shape.length !== 2 || tgtIn.shape[0] !== rows) {
    throw new Error(`expected decoder inputs of shape [${rows}, T], got ${formatShape(tgtIn.shape)}`);
  }
  const rng = options.rng ?? defaultRng();
  const [B, T] = tgtIn.shape;
  let state = decoder.initialState(ctx);
  const logits: Tensor[] = [], weights: Tensor[] = [];
  let predicted: Int32Array | null = null;
  for (let t = 0; t < T; t++) {
    const feed = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      const truth = tgtIn.data[b * T + t];
      // The first input is always BOS; later ones are the model's own guess with probability 1 − ε.
      feed[b] = predicted && eps < 1 && rng.random() >= eps ? predicted[b] : truth;
    }
    const out = decoder.step(feed, state, ctx);
    state = out.state;
    logits.push(out.logits); // [B, V]
    if (out.weights) weights.push(out.weights); // [B, S]
    if (eps < 1) predicted = argmax(out.logits, -1);
  }
  return { logits: stack(logits, 1), weights: weights.length > 0 ? stack(weights, 1) : null };
}
