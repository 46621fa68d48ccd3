// A forecast with its uncertainty, as a self-contained HTML page: the observations, the mean
// forecast and a shaded prediction interval over the held-out points (Chart.js inlined, so the
// page opens offline), under a note with the figures. `unfold tasks uncertainty --report` writes it.

import { chartLibrarySource } from './chart_library.js';
import { escapeHtml, scriptJson } from './html_escape.js';

/** One series per held-out point, in time order; `band` and `inner` are [lower, upper] pairs of arrays. */
export interface IntervalSeries {
  observed: readonly number[];
  /** The noiseless values, when known. */
  clean?: readonly number[];
  mean: readonly number[];
  /** The interval that is measured (e.g. 90 % predictive). */
  band: readonly [readonly number[], readonly number[]];
  bandLabel: string;
  /** A second, narrower interval drawn inside it (e.g. the model's spread alone). */
  inner?: readonly [readonly number[], readonly number[]];
  innerLabel?: string;
}

/** The page: a title, a note (figures, settings), and the chart. */
export function intervalReportHtml(title: string, note: string, s: IntervalSeries): string {
  const data = {
    labels: s.observed.map((_, i) => i),
    bandLabel: s.bandLabel, innerLabel: s.innerLabel ?? '',
    observed: s.observed, clean: s.clean ?? null, mean: s.mean, lower: s.band[0], upper: s.band[1],
    innerLower: s.inner?.[0] ?? null, innerUpper: s.inner?.[1] ?? null,
  };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 16px 24px; color: #111; } p { color: #444; font-size: 14px; }</style></head>
<body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(note)}</p>
<section id="forecast"><h2>Held-out forecasts</h2><canvas id="interval-chart" height="120"></canvas></section>
<script>${chartLibrarySource()}</script>
<script type="application/json" id="interval-data">${scriptJson(data)}</script>
<script>(${drawIntervalChart.toString()})();</script>
</body></html>
`;
}

// Runs in the page: reads the JSON and draws the bands (filled between lower and upper), the mean
// and the observations.
function drawIntervalChart(): void {
  const d = JSON.parse((document.getElementById('interval-data') as HTMLElement).textContent ?? '{}');
  const line = (label: string, data: number[], color: string, extra: object = {}) => ({ label, data, borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 1.5, ...extra });
  const datasets: object[] = [
    line(`${d.bandLabel} (lower)`, d.lower, 'rgba(37,99,235,0.25)', { borderWidth: 0 }),
    line(d.bandLabel, d.upper, 'rgba(37,99,235,0.25)', { borderWidth: 0, fill: '-1' }),
  ];
  if (d.innerLower) {
    datasets.push(line(`${d.innerLabel} (lower)`, d.innerLower, 'rgba(234,88,12,0.35)', { borderWidth: 0 }));
    datasets.push(line(d.innerLabel, d.innerUpper, 'rgba(234,88,12,0.35)', { borderWidth: 0, fill: '-1' }));
  }
  datasets.push(line('mean forecast', d.mean, '#1d4ed8', { borderWidth: 2 }));
  if (d.clean) datasets.push(line('noiseless value', d.clean, '#16a34a', { borderDash: [4, 3] }));
  datasets.push(line('observed', d.observed, '#111', { showLine: false, pointRadius: 2 }));
  const Chart = (window as unknown as { Chart: new (el: HTMLCanvasElement, cfg: object) => unknown }).Chart;
  new Chart(document.getElementById('interval-chart') as HTMLCanvasElement, {
    type: 'line', data: { labels: d.labels, datasets },
    options: { animation: false, interaction: { mode: 'index', intersect: false }, scales: { x: { title: { display: true, text: 'held-out point' } } },
      plugins: { legend: { labels: { filter: (item: { text: string }) => !item.text.endsWith('(lower)') } } } },
  });
}
