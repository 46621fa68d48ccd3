// The HTML report of `unfold tasks pixels`: what the trained PixelRNN draws, beside held-out images,
// with the likelihood figures (viz/pixel_samples.ts lays the page out).

import type { PixelsResult } from '../tasks/pixels.js';
import { pixelSamplesHtml } from '../viz/pixel_samples.js';
import { writeFileAtomicSync } from '../io/atomic_write.js';

const LN2 = Math.log(2);

/** Writes the report of one run to `path` (atomically). */
export function writePixelsReport(path: string, r: PixelsResult, shown: number): void {
  const { levels, hiddenSize, numLayers } = r.model.config;
  const nats = (x: number): string => `${x.toFixed(4)} nats (${(x / LN2).toFixed(4)} bits)`;
  const held = r.heldOut, P = held.shape[1] * held.shape[2], k = Math.min(shown, held.shape[0]);
  const html = pixelSamplesHtml('unfold: images drawn pixel by pixel by a PixelRNN (row LSTM)',
    `A masked 3×3 convolution and ${numLayers} row LSTM layer${numLayers === 1 ? '' : 's'} of ${hiddenSize} units, softmax over ${levels} levels, `
    + `${r.parameters} parameters, trained ${r.steps} steps (${r.trainSeconds.toFixed(0)} s). Each sample is drawn in reading order, every pixel from the model's distribution given the pixels before it.`,
    [['held-out NLL per pixel, PixelRNN', nats(r.nll)], ['held-out NLL per pixel, independent pixels', nats(r.baselineNll)]],
    [
      { heading: 'Samples', data: r.samples.data, shape: r.samples.shape, levels },
      { heading: 'Held-out images', data: held.data.subarray(0, k * P), shape: [k, held.shape[1], held.shape[2]], levels },
    ]);
  writeFileAtomicSync(path, new TextEncoder().encode(html));
}
