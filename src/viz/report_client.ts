// The script of a report page, written here as a typed function and inlined into the HTML as its
// source text (Function.prototype.toString), so it must use nothing but browser globals: the DOM
// and Chart.js's global `Chart`. It draws every section from the ReportData in the page, and in
// live mode (the dashboard) polls a JSON endpoint and redraws when the data's version changes.

import type { ReportData } from './report_data.js';

/** Runs in the browser. `live`: URL of the data endpoint, or '' for a static report. */
export function reportClient(live: string): void {
  interface ChartLike { destroy(): void }
  type ChartCtor = new (canvas: HTMLCanvasElement, config: unknown) => ChartLike;
  const Chart = (globalThis as unknown as { Chart?: ChartCtor }).Chart;
  let charts: ChartLike[] = [];
  let lossCharts: ChartLike[] = [];
  let curveMark = '';
  const markOf = (d: ReportData): string => `${d.curves.train.length ? d.curves.train[d.curves.train.length - 1].step : -1}:${d.curves.val.length}`;
  let selected = { layer: -1, unit: 0 };
  let pinned = -1;
  let version = -1;

  const $ = (id: string): HTMLElement => {
    const el = document.getElementById(id);
    if (!el) throw new Error(`report: missing element #${id}`);
    return el;
  };
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  };
  const shown = (c: string): string => (c === '\n' ? '↵' : c === ' ' ? '␣' : c === '\t' ? '⇥' : c);
  const chart = (parent: HTMLElement, config: unknown, height = 260, into = charts): void => {
    const box = el('div', { class: 'chart-box', style: `height:${height}px` });
    const canvas = el('canvas');
    box.appendChild(canvas);
    parent.appendChild(box);
    if (Chart) into.push(new Chart(canvas, config));
  };
  const baseOptions = (x: string, y: string, logY = false): unknown => ({
    animation: false, responsive: true, maintainAspectRatio: false,
    scales: {
      x: { type: 'linear', title: { display: true, text: x } },
      y: logY
        ? { type: 'logarithmic', title: { display: true, text: y }, ticks: { callback: (v: number | string): string => { const e = Math.log10(Number(v)); return Math.abs(e - Math.round(e)) < 1e-6 ? Number(v).toExponential(0) : ''; } } }
        : { type: 'linear', title: { display: true, text: y } },
    },
    plugins: { legend: { position: 'bottom' } },
  });

  function renderSummary(d: ReportData): void {
    const s = $('summary-body');
    s.textContent = '';
    const m = d.model;
    s.appendChild(el('p', {}, m
      ? `${m.numLayers}-layer ${m.cell.toUpperCase()}, hidden ${m.hiddenSize}, embedding ${m.embeddingSize}, vocabulary ${m.vocabSize}, ${m.parameters} parameters, step ${m.step}.`
      : d.note ?? 'No model yet: waiting for the first evaluation.'));
    if (m && d.note) s.appendChild(el('p', { class: 'note' }, d.note));
    if (d.spectral.length > 0) {
      const t = el('table', { class: 'spectral' });
      s.appendChild(el('p', {}, 'Spectral radius ρ of each H×H block of W_hh (ρ < 1: a linearised recurrence h_t ≈ W_hh h_{t−1} shrinks gradients like ρ^k).'));
      const head = el('tr');
      ['layer', 'block', 'ρ'].forEach((h) => head.appendChild(el('th', {}, h)));
      t.appendChild(head);
      for (const r of d.spectral) {
        const tr = el('tr');
        [String(r.layer), r.gate, r.radius.toFixed(3)].forEach((v) => tr.appendChild(el('td', {}, v)));
        t.appendChild(tr);
      }
      s.appendChild(t);
    }
  }

  function renderLoss(d: ReportData): void {
    for (const c of lossCharts) c.destroy();
    lossCharts = [];
    curveMark = markOf(d);
    const s = $('loss-body');
    s.textContent = '';
    if (d.curves.train.length === 0 && d.curves.val.length === 0) { s.appendChild(el('p', {}, 'No metrics log found for this run.')); return; }
    chart(s, {
      type: 'line',
      data: { datasets: [
        { label: 'training loss (nats/char)', data: d.curves.train.map((p) => ({ x: p.step, y: p.loss })), borderColor: '#2563eb', pointRadius: 0, borderWidth: 1.5 },
        { label: 'validation loss (nats/char)', data: d.curves.val.map((p) => ({ x: p.step, y: p.loss })), borderColor: '#dc2626', pointRadius: 3, borderWidth: 2 },
      ] },
      options: baseOptions('step', 'loss (nats/char)'),
    }, 300, lossCharts);
  }

  // Positive activations blue, negative red, opacity by magnitude (tanh range).
  const colour = (v: number): string => {
    const a = Math.min(1, Math.abs(v)).toFixed(2);
    return v >= 0 ? `rgba(37,99,235,${a})` : `rgba(220,38,38,${a})`;
  };
  function cellText(d: ReportData, layer: number, unit: number): HTMLElement {
    const H = d.model ? d.model.hiddenSize : 1;
    const acts = d.activations[layer];
    const box = el('div', { class: 'cell-text', 'data-layer': String(layer), 'data-unit': String(unit) });
    d.chars.forEach((c, t) => {
      const v = acts[t * H + unit];
      const span = el('span', { style: `background:${colour(v)}`, title: `h[${unit}] = ${v.toFixed(3)}` }, c === '\n' ? '↵\n' : c);
      box.appendChild(span);
    });
    return box;
  }
  function renderCells(d: ReportData): void {
    const top = $('top-cells');
    top.textContent = '';
    if (d.activations.length === 0 || !d.model) { top.appendChild(el('p', {}, 'No model analysed yet.')); return; }
    for (const c of d.topCells) {
      const label = d.features.find((f) => f.key === c.feature)?.label ?? c.feature;
      top.appendChild(el('h3', {}, `layer ${c.layer}, cell ${c.unit}: r = ${c.r.toFixed(2)} with “${label}”`));
      top.appendChild(cellText(d, c.layer, c.unit));
    }
    const sel = $('cell-select') as HTMLSelectElement;
    sel.textContent = '';
    const H = d.model.hiddenSize;
    d.activations.forEach((_, l) => {
      for (let u = 0; u < H; u++) {
        let best = '', br = 0;
        for (const f of d.features) {
          const r = d.correlations[l][f.key][u];
          if (Math.abs(r) > Math.abs(br)) { br = r; best = f.label; }
        }
        sel.appendChild(el('option', { value: `${l}:${u}` }, `layer ${l}, cell ${u}${best ? ` (r = ${br.toFixed(2)}, ${best})` : ''}`));
      }
    });
    if (selected.layer < 0 || selected.layer >= d.activations.length || selected.unit >= H) {
      selected = d.topCells.length > 0 ? { layer: d.topCells[0].layer, unit: d.topCells[0].unit } : { layer: 0, unit: 0 };
    }
    sel.value = `${selected.layer}:${selected.unit}`;
    const view = $('cell-view');
    const show = (): void => { view.textContent = ''; view.appendChild(cellText(d, selected.layer, selected.unit)); };
    sel.onchange = (): void => {
      const [l, u] = sel.value.split(':').map(Number);
      selected = { layer: l, unit: u };
      show();
    };
    show();
  }

  function renderSaturation(d: ReportData): void {
    const s = $('saturation-body');
    s.textContent = '';
    if (d.saturation.length === 0) { s.appendChild(el('p', {}, d.model ? 'This cell has no gates (relu RNN).' : 'No model analysed yet.')); return; }
    s.appendChild(el('p', {}, `Units per bin of the fraction of steps a gate is left-saturated (activation < ${d.thresholds.low}) or right-saturated (> ${d.thresholds.high}); tanh values are compared after mapping a ↦ (a + 1)/2.`));
    const grid = el('div', { class: 'grid' });
    s.appendChild(grid);
    for (const g of d.saturation) {
      const cell = el('div', { class: 'gate', 'data-gate': g.gate });
      cell.appendChild(el('h3', {}, `layer ${g.layer}, gate ${g.gate} (${g.kind}): mean left ${g.meanLeft.toFixed(2)}, right ${g.meanRight.toFixed(2)}`));
      grid.appendChild(cell);
      const bins = g.leftHistogram.length;
      const labels = g.leftHistogram.map((_, k) => `${(k / bins).toFixed(1)}–${((k + 1) / bins).toFixed(1)}`);
      chart(cell, {
        type: 'bar',
        data: { labels, datasets: [
          { label: 'left-saturated', data: g.leftHistogram, backgroundColor: 'rgba(220,38,38,0.7)' },
          { label: 'right-saturated', data: g.rightHistogram, backgroundColor: 'rgba(37,99,235,0.7)' },
        ] },
        options: { animation: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { position: 'bottom' } },
          scales: { x: { title: { display: true, text: 'fraction of steps saturated' } }, y: { title: { display: true, text: 'units' }, beginAtZero: true } } },
      }, 200);
    }
  }

  function renderGradients(d: ReportData): void {
    const s = $('gradients-body');
    s.textContent = '';
    const g = d.gradients;
    if (!g) { s.appendChild(el('p', {}, 'No model analysed yet.')); return; }
    s.appendChild(el('p', {}, `‖∂L/∂h_t‖ of the top layer against the distance T−1−t from the step whose loss L is taken (${g.loss === 'last' ? 'cross-entropy of the last step only' : 'mean cross-entropy over all steps'}). Vanilla RNN: ${g.vanillaNote}.`));
    const pts = (ys: number[]): { x: number; y: number | null }[] => ys.map((y, k) => ({ x: g.distance[k], y: y > 0 ? y : null }));
    chart(s, {
      type: 'line',
      data: { datasets: [
        { label: `this model (${d.model ? d.model.cell.toUpperCase() : ''})`, data: pts(g.model), borderColor: '#2563eb', pointRadius: 0, borderWidth: 2 },
        { label: 'vanilla RNN (same size)', data: pts(g.vanilla), borderColor: '#6b7280', borderDash: [6, 4], pointRadius: 0, borderWidth: 2 },
      ] },
      options: baseOptions('distance T−1−t (steps)', '‖∂L/∂h_t‖', true),
    }, 300);
  }

  function renderPredictions(d: ReportData): void {
    const text = $('pred-text');
    const panel = $('pred-panel');
    text.textContent = '';
    if (d.predictions.length === 0) { panel.textContent = 'No model analysed yet.'; return; }
    const showAt = (t: number): void => {
      panel.textContent = '';
      const next = t + 1 < d.chars.length ? ` (actual next: ${shown(d.chars[t + 1])})` : '';
      panel.appendChild(el('div', { class: 'pred-head' }, `after “${shown(d.chars[t])}” at position ${t}${next}`));
      const table = el('table', { class: 'pred-table' });
      for (const p of d.predictions[t]) {
        const tr = el('tr');
        tr.appendChild(el('td', { class: 'pred-char' }, shown(p.c)));
        const bar = el('td');
        bar.appendChild(el('div', { class: 'bar', style: `width:${Math.round(p.p * 160)}px` }));
        tr.appendChild(bar);
        tr.appendChild(el('td', {}, p.p.toFixed(3)));
        table.appendChild(tr);
      }
      panel.appendChild(table);
    };
    d.chars.forEach((c, t) => {
      const span = el('span', { 'data-t': String(t), class: t === pinned ? 'pinned' : '' }, c === '\n' ? '↵\n' : c);
      const top = d.predictions[t][0];
      // Shade by how likely the model found the actual next character (light: surprised).
      const actual = t + 1 < d.chars.length ? d.predictions[t].find((p) => p.c === d.chars[t + 1]) : undefined;
      span.style.background = `rgba(22,163,74,${(actual ? actual.p : 0).toFixed(2)})`;
      span.title = `top: ${shown(top.c)} ${top.p.toFixed(2)}`;
      span.onmouseenter = (): void => { if (pinned < 0) showAt(t); };
      span.onclick = (): void => {
        text.querySelector('.pinned')?.classList.remove('pinned');
        if (pinned === t) { pinned = -1; return; }
        pinned = t; span.classList.add('pinned'); showAt(t);
      };
      text.appendChild(span);
    });
    showAt(pinned >= 0 && pinned < d.chars.length ? pinned : 0);
  }

  function render(d: ReportData): void {
    for (const c of charts) c.destroy();
    charts = [];
    document.title = d.title;
    $('title').textContent = d.title;
    renderSummary(d);
    renderLoss(d);
    renderCells(d);
    renderSaturation(d);
    renderGradients(d);
    renderPredictions(d);
    // A report without a character model (seq2seq) has no text sections to show.
    for (const id of ['cells', 'saturation', 'gradients', 'predictions']) $(id).hidden = d.model === null && d.note !== undefined;
    version = d.version;
    document.body.dataset.version = String(d.version);
  }

  const initial = document.getElementById('unfold-data');
  if (initial && initial.textContent) render(JSON.parse(initial.textContent) as ReportData);
  if (live) {
    const poll = async (): Promise<void> => {
      try {
        const res = await fetch(live, { cache: 'no-store' });
        if (res.ok) {
          const d = (await res.json()) as ReportData;
          if (d.version !== version) render(d);
          else if (markOf(d) !== curveMark) renderLoss(d);
          $('live-status').textContent = `live: updated ${new Date().toLocaleTimeString()}`;
        }
      } catch {
        $('live-status').textContent = 'live: training server not reachable (finished or stopped)';
      }
      setTimeout(() => { void poll(); }, 1000);
    };
    void poll();
  }
}
