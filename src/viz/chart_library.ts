// The charting library the reports inline: Chart.js's self-contained UMD build, read from the
// installed package so the report opens offline with no network access.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let cached: string | null = null;

/** Source of chart.umd.min.js (defines the global `Chart`). */
export function chartLibrarySource(): string {
  if (cached !== null) return cached;
  const require = createRequire(import.meta.url);
  let main: string;
  try { main = require.resolve('chart.js'); } catch {
    throw new Error("reports need the 'chart.js' package (a dependency of unfold), which is not installed; run npm install");
  }
  const src = readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
  // A literal "</script" inside would end the inline <script> element.
  cached = src.replace(/<\/script/gi, '<\\/script');
  return cached;
}
