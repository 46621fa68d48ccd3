// The metrics log of a training run: one JSON object per line (steps, evaluations), appended as the
// run goes, so that reports and dashboards can plot a run while it trains or after.

import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class MetricsLog {
  private buffer: string[] = [];

  /** Starts a new log at `path`, or appends to it when continuing a run. */
  constructor(readonly path: string, append: boolean) {
    mkdirSync(dirname(path), { recursive: true });
    if (!append) writeFileSync(path, '');
  }

  write(entry: Record<string, number | string>): void {
    this.buffer.push(JSON.stringify(entry));
    // Steps come fast; write in batches, evaluations at once.
    if (this.buffer.length >= 20 || entry.kind !== 'step') this.flush();
  }

  flush(): void {
    if (this.buffer.length === 0) return;
    appendFileSync(this.path, this.buffer.join('\n') + '\n');
    this.buffer = [];
  }

  close(): void { this.flush(); }
}
