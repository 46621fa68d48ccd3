// The attention report of a caption model, written by `unfold tasks captions --report` after a run
// and by `unfold viz` from a saved caption checkpoint: heatmaps of where the model looked for each
// word of its greedy captions of the first held-out images, under a note describing the model.

import type { CaptionModel } from '../seq2seq/caption_model.js';
import { ImageEncoder } from '../seq2seq/image_encoder.js';
import type { Vocab } from '../data/vocab.js';
import { firstImages } from '../tasks/captions.js';
import { captionWords, type ShapesDataset } from '../tasks/shapes_images.js';
import { captionAttentionMaps, captionsReportHtml } from '../viz/captions_attention.js';
import { writeFileAtomicSync } from '../io/atomic_write.js';

/**
 * Writes the report of `model` over the first `n` images of `data` (their captions are the
 * references) to `path`; `about` ends the note (steps, scores). Returns the number of maps drawn.
 */
export function writeCaptionsReport(path: string, model: CaptionModel, vocab: Vocab, data: ShapesDataset, n: number, about: string): number {
  const d = model.decoder.config;
  if (d.attention === 'none') throw new Error('a caption attention report needs a model with attention: expected attention additive, general or dot, got none');
  const images = firstImages(data, n);
  const maps = captionAttentionMaps(model, images, captionWords(vocab), data.captions.slice(0, images.shape[0]));
  const grid = model.encoder.gridShape(images.shape[2], images.shape[3]);
  const e = model.encoder;
  const encoder = e instanceof ImageEncoder ? `CNN encoder (channels ${e.config.channels.join('→')}` : `2-D LSTM encoder (${e.config.patch}×${e.config.patch} blocks, 4 × ${e.config.hiddenSize} units`;
  const note = `${encoder}, ${grid[0]}×${grid[1]} grid) + ${d.cell.toUpperCase()} decoder with ${d.attention} attention, `
    + `${model.numParameters()} parameters, ${about} Greedy decoding; each row is a word, each column a grid cell.`;
  writeFileAtomicSync(path, new TextEncoder().encode(captionsReportHtml('unfold: where the caption model looks', note, images, maps, grid)));
  return maps.length;
}
