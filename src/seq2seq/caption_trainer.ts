// Training caption models: the seq2seq loop (trainDecoderModel) with image batches.

import type { Tensor } from '../tensor/tensor.js';
import type { CaptionModel } from './caption_model.js';
import type { TargetBatch } from './batch.js';
import { trainDecoderModel, type Seq2SeqTrainCallbacks, type Seq2SeqTrainOptions, type Seq2SeqTrainResult } from './trainer.js';

/** One training batch: images [B, C, H, W] and their captions as shifted decoder input/output. */
export interface CaptionBatch {
  images: Tensor;
  tgt: TargetBatch;
}

/** Trains `model` in place on batches from `nextBatch(step)` (options as trainSeq2Seq's). */
export function trainCaptionModel(
  model: CaptionModel, nextBatch: (step: number) => CaptionBatch, options: Seq2SeqTrainOptions = {}, callbacks: Seq2SeqTrainCallbacks = {},
): Promise<Seq2SeqTrainResult> {
  return trainDecoderModel(model, nextBatch, (b, o) => model.loss(b.images, b.tgt, o).loss, options, callbacks);
}
