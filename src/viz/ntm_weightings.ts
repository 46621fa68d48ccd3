// The NTM report: for a few test sequences, the inputs, the recalled bits beside their targets, and
// where the write and read heads looked at every step, as Graves et al. (2014, Figs. 6 and 12)
// draw them: on copy the write head walks down the memory one row per input vector and the read
// head then walks the same rows. Rows of each grid are steps; the weighting grids show only the
// memory rows some head gave at least 1% of its weight (the rest of the 128 stay blank).

import type { NtmView } from '../tasks/ntm_views.js';
import { ATTENTION_CSS, renderAttentionMap } from './attention_section.js';
import { escapeHtml } from './html_escape.js';

/** The memory rows [lo, hi] some weighting of `views` puts at least `threshold` on. */
export function touchedRows(grids: readonly (readonly number[][])[], threshold = 0.01): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const g of grids) for (const row of g) row.forEach((w, j) => { if (w >= threshold) { lo = Math.min(lo, j); hi = Math.max(hi, j); } });
  return lo === Infinity ? [0, 0] : [lo, hi];
}

const steps = (n: number, from = 0): string[] => Array.from({ length: n }, (_, t) => `t${from + t}`);

function viewHtml(v: NtmView, k: number): string {
  const [lo, hi] = touchedRows([v.read, v.write]);
  const cols = Array.from({ length: hi - lo + 1 }, (_, j) => String(lo + j));
  const T = v.inputs.length, L = v.targets.length;
  const bits = (n: number): string[] => Array.from({ length: n }, (_, j) => `b${j}`);
  const grid = (title: string, weights: number[][], source: string[], target: string[], axes: string): string =>
    renderAttentionMap({ title, source, target, weights, axes }, k);
  return `<div class="seq"><h3>${escapeHtml(`${v.task}, length ${v.length}`)}</h3><div class="row">`
    + grid('input', v.inputs, bits(v.inputs[0].length), steps(T), 'rows: steps, columns: input channels')
    + grid('target', v.targets, bits(v.targets[0].length), steps(L, v.outStart), 'rows: recall steps, columns: bits')
    + grid('output σ(logit)', v.outputs, bits(v.outputs[0].length), steps(L, v.outStart), 'rows: recall steps, columns: bits')
    + grid('write weighting', v.write.map((r) => r.slice(lo, hi + 1)), cols, steps(T), `rows: steps, columns: memory rows ${lo}–${hi}`)
    + grid('read weighting', v.read.map((r) => r.slice(lo, hi + 1)), cols, steps(T), `rows: steps, columns: memory rows ${lo}–${hi}`)
    + '</div></div>';
}

/** A self-contained HTML page of `views` under `title` and a note on the model and the run. */
export function ntmReportHtml(title: string, note: string, views: readonly NtmView[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1400px; padding: 16px 24px; }
.row { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
${ATTENTION_CSS}table.att td { width: 9px; height: 9px; } table.att th.att-tgt { font-size: 9px; }</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(note)}</p>
<section id="weightings"><h2>Where the heads looked</h2>${views.map(viewHtml).join('')}</section></body></html>
`;
}
