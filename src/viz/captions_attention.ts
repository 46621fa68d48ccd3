// Where a caption model looks: caption each image greedily (seq2seq's greedyDecode), keeping the
// attention weights α_t over the encoder's grid at every step, and lay them out as heatmaps
// (rows: the caption's words, then <eos>; columns: grid cells "r0c0", "r0c1", … in row-major order),
// plus a self-contained HTML page that shows each image beside its map.

import { Tensor } from '../tensor/tensor.js';
import type { CaptionModel } from '../seq2seq/caption_model.js';
import { greedyDecode } from '../seq2seq/decoding.js';
import { renderAttentionMap, ATTENTION_CSS, type AttentionMap } from './attention_section.js';
import { escapeHtml } from './html_escape.js';

/** What the maps read of a caption vocabulary: each id's word, and ids → caption text. */
export interface CaptionWords {
  nameOf(id: number): string;
  caption(ids: ArrayLike<number>): string;
}

/** Column labels of an H'×W' grid: "r{row}c{col}" in row-major order (the order of spatialToSequence). */
export function gridCellNames(rows: number, cols: number): string[] {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out.push(`r${r}c${c}`);
  return out;
}

/**
 * One map per image of `images` [N, C, H, W] (greedy decoding, at most maxLength steps), titled
 * with the reference caption when given. Throws when the model has no attention.
 */
export function captionAttentionMaps(model: CaptionModel, images: Tensor, vocab: CaptionWords, references: readonly string[] = [], maxLength = 20): AttentionMap[] {
  if ((model.config.attention ?? 'none') === 'none') {
    throw new Error("expected a caption model with attention (additive, general or dot), got attention 'none': there is nothing to draw");
  }
  if (images.rank !== 4) throw new Error(`expected images of shape [N, C, H, W], got [${images.shape.join(', ')}]`);
  const [N, ...rest] = images.shape;
  const per = rest.reduce((a, d) => a * d, 1);
  const [gh, gw] = model.encoder.gridShape(rest[1], rest[2]);
  const source = gridCellNames(gh, gw);
  return model.inEvalMode(() => {
    const maps: AttentionMap[] = [];
    for (let i = 0; i < N; i++) {
      const session = model.session(new Tensor(images.data.slice(i * per, (i + 1) * per), [1, ...rest]));
      const [h] = greedyDecode(session, { maxLength, keepWeights: true }); // BOS and EOS: the ids captionImages decodes with
      const target = h.tokens.map((id) => vocab.nameOf(id));
      if (h.finished) target.push('<eos>');
      const output = vocab.caption(h.tokens);
      const ref = references[i];
      const title = ref === undefined ? `“${output}”` : `“${output}”${output === ref ? ' (exact)' : ` (reference: “${ref}”)`}`;
      maps.push({ title, source, target, weights: h.weights ?? [] });
    }
    return maps;
  });
}

/** An RGB image [3, H, W] with values in [0, 1] as an inline SVG, one rectangle per non-black pixel. */
export function imageSvg(pixels: ArrayLike<number>, height: number, width: number, scale = 6, grid = 0): string {
  const plane = height * width;
  let rects = '';
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const [r, g, b] = [pixels[p], pixels[plane + p], pixels[2 * plane + p]].map((v) => Math.round(255 * Math.min(1, Math.max(0, v))));
      if (r + g + b === 0) continue;
      rects += `<rect x="${x}" y="${y}" width="1" height="1" fill="rgb(${r},${g},${b})"/>`;
    }
  }
  let lines = '';
  // Thin lines on the grid cells that attention chooses among.
  for (let k = 1; k < grid; k++) {
    const u = (k * width) / grid, v = (k * height) / grid;
    lines += `<line x1="${u}" y1="0" x2="${u}" y2="${height}" stroke="#555" stroke-width="0.1"/><line x1="0" y1="${v}" x2="${width}" y2="${v}" stroke="#555" stroke-width="0.1"/>`;
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width * scale}" height="${height * scale}" viewBox="0 0 ${width} ${height}">`
    + `<rect width="${width}" height="${height}" fill="#000"/>${rects}${lines}</svg>`;
}

/** A self-contained HTML page: per image, the picture (with its attention grid) beside its heatmap. */
export function captionsReportHtml(title: string, note: string, images: Tensor, maps: readonly AttentionMap[], grid: [number, number]): string {
  const [, , H, W] = images.shape;
  const per = 3 * H * W;
  const figures = maps.map((m, i) => {
    const svg = imageSvg(images.data.subarray(i * per, (i + 1) * per), H, W, 6, grid[0] === grid[1] ? grid[0] : 0);
    return `<div class="pair"><div class="img">${svg}</div>${renderAttentionMap(m, i)}</div>`;
  }).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 16px 24px; }
.pair { display: flex; gap: 24px; align-items: flex-start; margin: 18px 0; } .img svg { image-rendering: pixelated; }
${ATTENTION_CSS}</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(note)}</p>
<section id="attention"><h2>Attention over the image grid</h2>${figures}</section></body></html>
`;
}
