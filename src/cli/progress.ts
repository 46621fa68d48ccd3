// The training progress display. On a terminal: a bar (cli-progress) with step, loss, tokens/s, and
// the time left; elsewhere (CI logs, pipes): one plain line at each twentieth of the budget.

import cliProgress from 'cli-progress';
import type { StepInfo } from '../train/fit.js';

export interface Progress {
  update(info: StepInfo): void;
  /** Prints a line above the bar (evaluations, samples). */
  log(text: string): void;
  stop(): void;
}

function fmtTime(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const fields = (i: StepInfo) => ({
    step: i.step, loss: i.loss.toFixed(3), tps: Math.round(i.tokensPerSec), lr: i.lr.toExponential(1),
    left: fmtTime(i.progress > 0 ? (i.elapsed / i.progress) * (1 - i.progress) : NaN),
  });
  if (!stream.isTTY) {
    let lastTwentieth = -1;
    return {
      update(i) {
        const k = Math.floor(i.progress * 20);
        if (k === lastTwentieth) return;
        lastTwentieth = k;
        const f = fields(i);
        stream.write(`${String(Math.round(i.progress * 100)).padStart(3)}% step ${f.step} loss ${f.loss} ${f.tps} tok/s lr ${f.lr} left ${f.left}\n`);
      },
      log(text) { stream.write(`${text}\n`); },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar({
    stream,
    format: '{bar} {percentage}% | step {step} | loss {loss} | {tps} tok/s | lr {lr} | left {left}',
    hideCursor: true,
    clearOnComplete: false,
    barsize: 24,
  }, cliProgress.Presets.shades_classic);
  bar.start(1000, 0, { step: 0, loss: '-', tps: 0, lr: '-', left: '--:--' });
  return {
    update(i) { bar.update(Math.round(i.progress * 1000), fields(i)); },
    log(text) {
      // Clear the bar's line, print, and let the next update redraw it.
      stream.write(`\r\x1b[K${text}\n`);
      bar.render();
    },
    stop() { bar.stop(); },
  };
}
