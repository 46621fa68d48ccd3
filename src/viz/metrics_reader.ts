// Reads a training run's metrics log (JSON lines written by MetricsLog: {kind: 'step', step, loss,
// …} and {kind: 'eval', step, valLoss, …}) into the two series a loss plot needs. A line cut short
// by a run still writing is skipped; any other malformed line is an error naming its number.

import { existsSync, readFileSync } from 'node:fs';

export interface LossPoint { step: number; loss: number }

export interface LossCurves {
  /** Training loss per logged step. */
  train: LossPoint[];
  /** Validation loss at each evaluation. */
  val: LossPoint[];
}

/** Parses metrics JSONL text. */
export function parseMetrics(text: string, source = 'metrics log'): LossCurves {
  const curves: LossCurves = { train: [], val: [] };
  const lines = text.split('\n');
  lines.forEach((line, k) => {
    if (line.trim() === '') return;
    let e: unknown;
    try { e = JSON.parse(line); } catch {
      if (k === lines.length - 1) return; // the last line may still be being written
      throw new Error(`${source}: expected a JSON object on line ${k + 1}, got ${JSON.stringify(line.slice(0, 60))}`);
    }
    if (typeof e !== 'object' || e === null) throw new Error(`${source}: expected a JSON object on line ${k + 1}, got ${JSON.stringify(line.slice(0, 60))}`);
    const r = e as Record<string, unknown>;
    const step = r.step;
    if (typeof step !== 'number') return;
    if (r.kind === 'step' && typeof r.loss === 'number' && Number.isFinite(r.loss)) curves.train.push({ step, loss: r.loss });
    else if (r.kind === 'eval' && typeof r.valLoss === 'number' && Number.isFinite(r.valLoss)) curves.val.push({ step, loss: r.valLoss });
  });
  return curves;
}

/** Reads a metrics log; a missing file gives empty curves (a checkpoint may come without its log). */
export function readMetrics(path: string): LossCurves {
  if (!existsSync(path)) return { train: [], val: [] };
  return parseMetrics(readFileSync(path, 'utf8'), path);
}

/** At most `max` points, by averaging consecutive runs of points (keeps plots light for long runs). */
export function downsample(points: readonly LossPoint[], max: number): LossPoint[] {
  if (points.length <= max) return points.slice();
  const per = Math.ceil(points.length / max);
  const out: LossPoint[] = [];
  for (let i = 0; i < points.length; i += per) {
    const run = points.slice(i, i + per);
    out.push({ step: run[run.length - 1].step, loss: run.reduce((a, p) => a + p.loss, 0) / run.length });
  }
  return out;
}
