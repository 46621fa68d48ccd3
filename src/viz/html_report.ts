// The report page: one self-contained HTML file holding the data (JSON), the inlined Chart.js
// build and the drawing script, so it opens offline from disk. The dashboard serves the same page
// in live mode, where the script polls for new data.

import type { ReportData } from './report_data.js';
import { reportClient } from './report_client.js';
import { chartLibrarySource } from './chart_library.js';
import { escapeHtml, scriptJson } from './html_escape.js';
import { renderAttentionSection, ATTENTION_CSS } from './attention_section.js';

export interface HtmlReportOptions {
  /** URL of a JSON endpoint to poll for updates (dashboard); '' or absent for a static report. */
  live?: string;
}

const CSS = `
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 16px 24px; color: #111; }
h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ddd; } h3 { font-size: 13px; margin: 14px 0 4px; }
section p { color: #444; font-size: 14px; }
.chart-box { position: relative; width: 100%; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 12px; }
.cell-text, #pred-text { font-family: ui-monospace, monospace; font-size: 13px; white-space: pre-wrap; line-height: 1.5; border: 1px solid #eee; padding: 6px; max-height: 220px; overflow: auto; }
#pred-text span { cursor: pointer; } #pred-text span.pinned { outline: 2px solid #111; }
.pred-wrap { display: grid; grid-template-columns: 1fr 300px; gap: 12px; }
#pred-panel { font-size: 13px; border: 1px solid #eee; padding: 8px; }
.pred-table td { padding: 1px 4px; font-family: ui-monospace, monospace; } .bar { height: 10px; background: #16a34a; }
table.spectral { border-collapse: collapse; font-size: 13px; } table.spectral td, table.spectral th { border: 1px solid #ddd; padding: 2px 8px; }
#live-status { color: #666; font-size: 12px; }
` + ATTENTION_CSS;

/** The full HTML document for `data`. */
export function renderReportHtml(data: ReportData, options: HtmlReportOptions = {}): string {
  const live = options.live ?? '';
  const title = escapeHtml(data.title);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>${CSS}</style></head>
<body data-version="${data.version}">
<h1 id="title">${title}</h1>
${live ? '<div id="live-status">live: connecting…</div>' : ''}
<section id="summary"><h2>Model</h2><div id="summary-body"></div></section>
<section id="loss"><h2>Loss curves</h2><div id="loss-body"></div></section>
<section id="cells"><h2>Hidden cells over the text</h2>
<p>Each character is shaded by a cell's activation after reading it (blue positive, red negative). First the cells most correlated with a text feature (Pearson r), then any cell:</p>
<div id="top-cells"></div>
<h3><label for="cell-select">Look at cell</label> <select id="cell-select"></select></h3><div id="cell-view"></div></section>
<section id="saturation"><h2>Gate saturation</h2><div id="saturation-body"></div></section>
<section id="gradients"><h2>Gradients through time</h2><div id="gradients-body"></div></section>
<section id="predictions"><h2>Next-character predictions</h2>
<p>Hover over a character (click to pin) to see the model's most likely next characters. Green: probability the model gave the character that actually came next.</p>
<div class="pred-wrap"><div id="pred-text"></div><div id="pred-panel"></div></div></section>
${renderAttentionSection(data.attention)}
<script>${chartLibrarySource()}</script>
<script type="application/json" id="unfold-data">${scriptJson(data)}</script>
<script>(${reportClient.toString()})(${JSON.stringify(live)});</script>
</body></html>
`;
}
