// A trained decoder stepped over one encoded batch, as the StepDecoder that greedy / sampled
// decoding and beam search drive: no gradients, rows reorderable (beams), and the last step's
// attention weights kept for display. Seq2Seq and caption models differ only in how they encode
// their inputs into the SourceContext, so both hand theirs to this one class.

import type { Tensor } from '../tensor/tensor.js';
import type { FloatArray } from '../backend/dtype.js';
import { noGrad } from '../autograd/grad_mode.js';
import { selectSource, selectState, type Decoder, type DecoderState, type SourceContext } from './decoder.js';
import type { StepDecoder } from './step_decoder.js';

export class DecoderSession implements StepDecoder {
  private ctx: SourceContext;
  private state: DecoderState;
  /** α of the last step, [rows, S] (S: source positions or image grid cells; null without attention). */
  lastWeights: Tensor | null = null;

  /** `encode` runs once, without gradients, and gives the context the decoder attends to. */
  constructor(private readonly decoder: Decoder, readonly vocabSize: number, encode: () => SourceContext) {
    [this.ctx, this.state] = noGrad(() => {
      const ctx = encode();
      return [ctx, decoder.initialState(ctx)] as const;
    });
  }

  get rows(): number { return this.ctx.summary.shape[0]; }

  next(prev: Int32Array): FloatArray {
    const out = noGrad(() => this.decoder.step(prev, this.state, this.ctx));
    this.state = out.state;
    this.lastWeights = out.weights;
    return out.logits.data;
  }

  select(idx: Int32Array): void {
    ({ ctx: this.ctx, state: this.state } = selectSessionRows(this.ctx, this.state, idx, this.rows));
  }
}

/**
 * The rows idx of a decoding session's source context and state (beam search reordering its
 * hypotheses), each index checked against the session's `rows`.
 */
export function selectSessionRows(ctx: SourceContext, state: DecoderState, idx: Int32Array, rows: number): { ctx: SourceContext; state: DecoderState } {
  for (let i = 0; i < idx.length; i++) {
    if (!(idx[i] >= 0 && idx[i] < rows)) throw new Error(`expected row indices in [0, ${rows}), got ${idx[i]} at ${i}`);
  }
  return noGrad(() => ({ ctx: selectSource(ctx, idx), state: selectState(state, idx) }));
}
