// The page `unfold tasks pixels --report` writes: images drawn by a PixelRNN beside held-out images
// of the data it learned, each grey level shown as a shade (0 black, L − 1 white), with the
// likelihood figures above them. Self-contained HTML (inline SVG, no scripts).

import { imageSvg } from './captions_attention.js';
import { escapeHtml } from './html_escape.js';

/** A block of images of the same size, as levels [n, H, W] in [0, levels). */
export interface LevelImages {
  heading: string;
  data: ArrayLike<number>;
  shape: readonly number[];
  levels: number;
}

/** Levels [H·W] → the [3, H, W] grey RGB imageSvg draws. */
function greyRgb(levels: ArrayLike<number>, L: number): Float32Array {
  const P = levels.length, rgb = new Float32Array(3 * P);
  for (let p = 0; p < P; p++) rgb[p] = rgb[P + p] = rgb[2 * P + p] = levels[p] / (L - 1);
  return rgb;
}

/** The page: a title, a note, a table of figures (label → value), then each block of images in a row. */
export function pixelSamplesHtml(title: string, note: string, figures: readonly [string, string][], blocks: readonly LevelImages[], scale = 8): string {
  const sections = blocks.map((b) => {
    const [n, H, W] = b.shape, P = H * W;
    const svgs = Array.from({ length: n }, (_, i) => `<div class="img">${imageSvg(greyRgb(Array.from({ length: P }, (_, p) => b.data[i * P + p]), b.levels), H, W, scale)}</div>`).join('');
    return `<section><h2>${escapeHtml(b.heading)}</h2><div class="row">${svgs}</div></section>`;
  }).join('\n');
  const rows = figures.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 16px 24px; }
.row { display: flex; flex-wrap: wrap; gap: 10px; } .img svg { image-rendering: pixelated; border: 1px solid #888; }
table { border-collapse: collapse; } th, td { text-align: left; padding: 2px 12px 2px 0; }</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(note)}</p><table>${rows}</table>
${sections}</body></html>
`;
}
