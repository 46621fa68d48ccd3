// Pearson correlation between hidden units and per-character features: which cells track quotes,
// brackets, the position in a line.

/**
 * Pearson's r = Σ(x−x̄)(y−ȳ) / √(Σ(x−x̄)² Σ(y−ȳ)²). A constant series has no defined r; 0 is
 * returned for it (it cannot explain the other series), so rankings stay well defined.
 */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  if (n !== y.length) throw new Error(`pearson: expected series of equal length, got ${n} and ${y.length}`);
  if (n === 0) throw new Error('pearson: expected non-empty series, got length 0');
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]; my += y[i]; }
  mx /= n; my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
  }
  if (!Number.isFinite(sxy + sxx + syy)) throw new Error('pearson: expected finite values, got NaN or infinity');
  if (sxx === 0 || syy === 0) return 0;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Column u of a row-major [T, H] buffer. */
export function unitSeries(acts: ArrayLike<number>, H: number, u: number): Float64Array {
  const T = acts.length / H;
  const out = new Float64Array(T);
  for (let t = 0; t < T; t++) out[t] = acts[t * H + u];
  return out;
}

/** r of every unit with every feature: result[feature][u]. acts [T, H]; each feature [T]. */
export function unitFeatureCorrelations(acts: ArrayLike<number>, H: number, features: Readonly<Record<string, ArrayLike<number>>>): Record<string, Float64Array> {
  if (!(H > 0) || acts.length % H !== 0) throw new Error(`expected activations of shape [T, ${H}], got ${acts.length} values`);
  const T = acts.length / H;
  const out: Record<string, Float64Array> = {};
  for (const [name, f] of Object.entries(features)) {
    if (f.length !== T) throw new Error(`expected feature '${name}' of length ${T} (one per step), got ${f.length}`);
    const r = new Float64Array(H);
    for (let u = 0; u < H; u++) r[u] = pearson(unitSeries(acts, H, u), f);
    out[name] = r;
  }
  return out;
}

export interface CorrelatedUnit { unit: number; feature: string; r: number }

/**
 * The k units with the largest |r| with any feature, each with its best feature, best first;
 * each feature's best unit comes first so that every feature is represented when k allows.
 */
export function topCorrelatedUnits(correlations: Readonly<Record<string, ArrayLike<number>>>, k: number): CorrelatedUnit[] {
  const best = new Map<number, CorrelatedUnit>();
  for (const [feature, r] of Object.entries(correlations)) {
    for (let u = 0; u < r.length; u++) {
      const cur = best.get(u);
      if (!cur || Math.abs(r[u]) > Math.abs(cur.r)) best.set(u, { unit: u, feature, r: r[u] });
    }
  }
  const ranked = [...best.values()].sort((a, b) => Math.abs(b.r) - Math.abs(a.r));
  const picked: CorrelatedUnit[] = [];
  for (const feature of Object.keys(correlations)) {
    const top = ranked.find((c) => c.feature === feature && !picked.includes(c));
    if (top && picked.length < k) picked.push(top);
  }
  for (const c of ranked) if (picked.length < k && !picked.includes(c)) picked.push(c);
  return picked.sort((a, b) => Math.abs(b.r) - Math.abs(a.r));
}
