// The attention heatmap section of a report: for each map, a grid whose row i is target token i
// and column j source token j, shaded by the weight α_ij that target step i put on source j (rows
// of a softmax attention sum to 1). Static HTML (a table), so it needs no script to show.

import { escapeHtml } from './html_escape.js';
import { describeValue } from '../tensor/describe_value.js';

export interface AttentionMap {
  title?: string;
  /** Source (encoder) tokens, one per column. */
  source: string[];
  /** Target (decoder) tokens, one per row. */
  target: string[];
  /** weights[i][j]: attention of target step i on source position j, [target.length, source.length]. */
  weights: number[][];
  /** What the rows and columns are, for the caption (default 'rows: target, columns: source'). */
  axes?: string;
}

/**
 * A map read from JSON (`unfold viz --attention`): tokens may be strings or numbers (token ids, years),
 * numbers are shown as written; anything else is refused naming the entry and the field.
 */
export function attentionMapFrom(v: unknown, k = 0): AttentionMap {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`attention map ${k}: expected an object {title?, source, target, weights}, got ${describeValue(v)}`);
  const o = v as Record<string, unknown>;
  const tokens = (field: 'source' | 'target'): string[] => {
    const list = o[field];
    if (!Array.isArray(list)) throw new Error(`attention map ${k}: expected ${field} to be a list of tokens, got ${describeValue(list)}`);
    return list.map((t: unknown, j) => {
      if (typeof t === 'string') return t;
      if (typeof t === 'number' && Number.isFinite(t)) return String(t);
      throw new Error(`attention map ${k}: expected ${field} token ${j} to be a string or a number, got ${describeValue(t)}`);
    });
  };
  const title = o.title;
  if (title !== undefined && typeof title !== 'string' && typeof title !== 'number') throw new Error(`attention map ${k}: expected title to be a string, got ${describeValue(title)}`);
  const m: AttentionMap = { source: tokens('source'), target: tokens('target'), weights: o.weights as number[][] };
  if (title !== undefined) m.title = String(title);
  checkAttentionMap(m, k);
  return m;
}

/** Checks a map's shape and values; throws naming what was expected and what came. */
export function checkAttentionMap(m: AttentionMap, k = 0): void {
  const S = m.source.length, Tt = m.target.length;
  if (S === 0 || Tt === 0) throw new Error(`attention map ${k}: expected non-empty source and target tokens, got ${S} and ${Tt}`);
  if (!Array.isArray(m.weights)) throw new Error(`attention map ${k}: expected weights to be a list of ${Tt} rows, got ${describeValue(m.weights)}`);
  if (m.weights.length !== Tt) throw new Error(`attention map ${k}: expected weights of shape [${Tt}, ${S}], got ${m.weights.length} rows`);
  m.weights.forEach((row: unknown, i) => {
    if (!Array.isArray(row)) throw new Error(`attention map ${k}: expected row ${i} of the weights to be a list of ${S} numbers, got ${describeValue(row)}`);
    if (row.length !== S) throw new Error(`attention map ${k}: expected weights of shape [${Tt}, ${S}], got ${row.length} columns in row ${i}`);
    row.forEach((w: unknown, j) => {
      if (typeof w !== 'number' || !Number.isFinite(w)) throw new Error(`attention map ${k}: expected finite weights, got ${describeValue(w)} at (${i}, ${j})`);
    });
  });
}

/** Shading of a weight, by the largest weight of its map (so a flat map still shows its shape). */
function shade(w: number, max: number): string {
  const a = max > 0 ? Math.max(0, Math.min(1, w / max)) : 0;
  return `rgba(37, 99, 235, ${a.toFixed(3)})`;
}

/** One map as a <figure> holding a table; cell titles give the exact weights. */
export function renderAttentionMap(m: AttentionMap, k = 0): string {
  checkAttentionMap(m, k);
  let max = 0;
  for (const row of m.weights) for (const w of row) max = Math.max(max, w);
  const head = m.source.map((s) => `<th class="att-src"><span>${escapeHtml(s)}</span></th>`).join('');
  const rows = m.weights.map((row, i) => {
    const cells = row.map((w, j) => `<td style="background:${shade(w, max)}" title="${escapeHtml(`${m.target[i]} → ${m.source[j]}: ${w.toFixed(3)}`)}" data-weight="${w}"></td>`).join('');
    return `<tr><th class="att-tgt">${escapeHtml(m.target[i])}</th>${cells}</tr>`;
  }).join('');
  const caption = escapeHtml(m.title ?? `attention ${k + 1}`);
  return `<figure class="attention-map"><figcaption>${caption} (${escapeHtml(m.axes ?? 'rows: target, columns: source')}; darker = more weight, max ${max.toFixed(3)})</figcaption>`
    + `<table class="att"><thead><tr><th></th>${head}</tr></thead><tbody>${rows}</tbody></table></figure>`;
}

/** The whole section, <section id="attention">, or '' when there are no maps. */
export function renderAttentionSection(maps: readonly AttentionMap[]): string {
  if (maps.length === 0) return '';
  return `<section id="attention"><h2>Attention</h2>${maps.map((m, k) => renderAttentionMap(m, k)).join('')}</section>`;
}

/** Styles for the attention tables (part of the report's style sheet). */
export const ATTENTION_CSS = `
table.att { border-collapse: collapse; font-family: ui-monospace, monospace; font-size: 12px; }
table.att td { width: 18px; height: 18px; border: 1px solid #eee; }
table.att th.att-tgt { text-align: right; padding-right: 4px; font-weight: normal; white-space: pre; }
table.att th.att-src { height: 60px; vertical-align: bottom; font-weight: normal; }
table.att th.att-src span { display: inline-block; writing-mode: vertical-rl; transform: rotate(180deg); white-space: pre; }
`;
