// Everything a report shows, as plain JSON-ready data: computed once from a model, its vocabulary,
// a text and the run's loss curves, then drawn by the page (report_client.ts). Kept separate from
// drawing so the numbers can be tested directly and the dashboard can send them as JSON.

import { Rng } from '../tensor/random.js';
import { CharModel } from '../train/char_model.js';
import type { Vocab } from '../data/vocab.js';
import { traceCharModel, topPredictions } from '../diagnostics/char_model_trace.js';
import { hiddenValues } from '../diagnostics/trace.js';
import { textFeatures, FEATURE_LABELS, type TextFeatures } from '../diagnostics/text_features.js';
import { unitFeatureCorrelations, topCorrelatedUnits } from '../diagnostics/correlation.js';
import { saturationFractions, fractionHistogram, type SaturationThresholds } from '../diagnostics/saturation.js';
import { recurrentSpectralRadii } from '../diagnostics/spectral_radius.js';
import type { LossCurves } from './metrics_reader.js';
import type { AttentionMap } from './attention_section.js';

export interface ModelSummary {
  cell: string; hiddenSize: number; numLayers: number; embeddingSize: number; vocabSize: number; parameters: number; step: number;
}

export interface TopCell { layer: number; unit: number; feature: string; r: number }

export interface GateSaturation {
  layer: number;
  gate: string;
  kind: 'sigmoid' | 'tanh';
  /** Units per bin of the left- (right-) saturated fraction; bin k covers [k/bins, (k+1)/bins). */
  leftHistogram: number[];
  rightHistogram: number[];
  /** Mean over units of the left (right) fraction. */
  meanLeft: number;
  meanRight: number;
}

export interface GradientComparison {
  /** Which loss: see GradientLossKind ('last': cross-entropy of the last step's prediction). */
  loss: 'last' | 'all';
  /** Distance T−1−t from the step the loss is on, ascending. */
  distance: number[];
  /** ‖∂L/∂h_t‖ of this model's top layer at each distance. */
  model: number[];
  /** Same, for the vanilla RNN. */
  vanilla: number[];
  /** What the vanilla RNN is (size, how it was initialised, whether trained). */
  vanillaNote: string;
}

export interface ReportData {
  title: string;
  model: ModelSummary | null;
  curves: LossCurves;
  /** The analysed text, one entry per character (code point). */
  chars: string[];
  /** activations[l]: h_t of layer l, [T, H] row-major, rounded to 3 decimals. */
  activations: number[][];
  features: { key: string; label: string }[];
  /** Cells most correlated with a feature, best first. */
  topCells: TopCell[];
  /** correlations[l][feature][u]. */
  correlations: Record<string, number[]>[];
  saturation: GateSaturation[];
  thresholds: { low: number; high: number };
  spectral: { layer: number; gate: string; radius: number }[];
  gradients: GradientComparison | null;
  /** predictions[t]: top next characters after reading chars[t]. */
  predictions: { c: string; p: number }[][];
  attention: AttentionMap[];
  /** Increases with every update (dashboard). */
  version: number;
  /** Shown in place of the model summary when there is no character model (e.g. a seq2seq report). */
  note?: string;
}

export interface ReportOptions {
  title?: string;
  step?: number;
  /** Characters of text analysed (default 600). */
  maxChars?: number;
  /** Characters used for the gradient-through-time comparison (default 120). */
  gradientChars?: number;
  /** How many most-correlated cells to show (default 6). */
  topCells?: number;
  thresholds?: SaturationThresholds;
  /** Histogram bins for saturation fractions (default 10). */
  bins?: number;
  /** Seed of the vanilla RNN's initialisation (default 1). */
  seed?: number;
  attention?: AttentionMap[];
  version?: number;
}

const round = (v: number): number => Math.round(v * 1000) / 1000;

/** A report with only loss curves (before a model exists, or for runs without one). */
export function emptyReport(curves: LossCurves, title = 'unfold report'): ReportData {
  return {
    title, model: null, curves, chars: [], activations: [], features: [], topCells: [], correlations: [], saturation: [],
    thresholds: { low: 0.1, high: 0.9 }, spectral: [], gradients: null, predictions: [], attention: [], version: 0,
  };
}

/**
 * Analyses `model` on `text` (truncated to maxChars; unknown characters map to the vocabulary's
 * unknown id) and gathers the report. The model is not modified. The vanilla RNN compared in the
 * gradient plot is a fresh, untrained CharModel with cell 'rnn' of the same sizes and PyTorch's
 * default initialisation (seeded), so the plot shows what the architecture alone does to gradients.
 */
export function buildReportData(model: CharModel, vocab: Vocab, text: string, curves: LossCurves, options: ReportOptions = {}): ReportData {
  const maxChars = options.maxChars ?? 600;
  const chars = Array.from(text).slice(0, maxChars);
  if (chars.length < 2) throw new Error(`expected a text of at least 2 characters to analyse, got ${chars.length}`);
  const ids = vocab.encode(chars.join(''));
  const cfg = model.config;
  const low = options.thresholds?.low ?? 0.1, high = options.thresholds?.high ?? 0.9, bins = options.bins ?? 10;

  // One traced run over the text: activations, gates, predictions (no gradients needed here).
  const tr = traceCharModel(model, ids, { gradients: false });
  const feats = textFeatures(chars.join(''));
  const featureKeys = Object.keys(FEATURE_LABELS) as (keyof TextFeatures)[];
  const featureSeries = Object.fromEntries(featureKeys.map((k) => [k, feats[k]]));
  const activations: number[][] = [], correlations: Record<string, number[]>[] = [];
  let ranked: TopCell[] = [];
  tr.layers.forEach((layer, l) => {
    const acts = hiddenValues(layer); // [T, H]
    activations.push(Array.from(acts, round));
    const r = unitFeatureCorrelations(acts, cfg.hiddenSize, featureSeries);
    correlations.push(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Array.from(v, round)])));
    ranked = ranked.concat(topCorrelatedUnits(r, options.topCells ?? 6).map((c) => ({ layer: l, ...c, r: round(c.r) })));
  });
  const topCells = ranked.sort((a, b) => Math.abs(b.r) - Math.abs(a.r)).slice(0, options.topCells ?? 6);

  const saturation: GateSaturation[] = [];
  tr.layers.forEach((layer, l) => layer.gates.forEach((g, k) => {
    const s = saturationFractions(layer.gateValues[k], cfg.hiddenSize, g.kind, { low, high });
    const mean = (a: Float64Array): number => round(a.reduce((x, y) => x + y, 0) / a.length);
    saturation.push({ layer: l, gate: g.name, kind: g.kind, leftHistogram: fractionHistogram(s.left, bins), rightHistogram: fractionHistogram(s.right, bins), meanLeft: mean(s.left), meanRight: mean(s.right) });
  }));

  const spectral = model.rnn.cells.flatMap((row, l) => recurrentSpectralRadii(row[0]).map((r) => ({ layer: l, gate: r.gate, radius: round(r.radius) })));

  const predictions = topPredictions(tr.probs, cfg.vocabSize, (v) => vocab.decode([v]), 5)
    .map((row) => row.map((p) => ({ c: p.char, p: round(p.p) })));

  const gradIds = ids.subarray(0, Math.min(ids.length, (options.gradientChars ?? 120) + 1));
  const gradients = gradIds.length >= 2 ? gradientComparison(model, gradIds, options.seed ?? 1) : null;

  return {
    title: options.title ?? 'unfold report',
    model: { cell: cfg.cell, hiddenSize: cfg.hiddenSize, numLayers: cfg.numLayers, embeddingSize: cfg.embeddingSize, vocabSize: cfg.vocabSize, parameters: model.numParameters(), step: options.step ?? 0 },
    curves, chars, activations,
    features: featureKeys.map((key) => ({ key, label: FEATURE_LABELS[key] })),
    topCells, correlations, saturation, thresholds: { low, high }, spectral, gradients, predictions,
    attention: options.attention ?? [], version: options.version ?? 0,
  };
}

/** ‖∂L/∂h_t‖ of the top layer against distance from the last step, for the model and a fresh vanilla RNN. */
export function gradientComparison(model: CharModel, ids: Int32Array, seed = 1): GradientComparison {
  const cfg = model.config;
  const vanilla = new CharModel({ ...cfg, cell: 'rnn', forgetBias: undefined }, { rng: new Rng(seed) });
  const top = (m: CharModel): number[] => {
    const g = traceCharModel(m, ids, { loss: 'last' }).gradNorms;
    return Array.from(g[g.length - 1]).reverse(); // index = distance T−1−t
  };
  const T = ids.length - 1;
  return {
    loss: 'last',
    distance: Array.from({ length: T }, (_, d) => d),
    model: top(model),
    vanilla: top(vanilla),
    vanillaNote: `fresh, untrained ${cfg.numLayers}-layer tanh RNN, hidden ${cfg.hiddenSize}, embedding ${cfg.embeddingSize}, PyTorch default initialisation (seed ${seed})`,
  };
}
