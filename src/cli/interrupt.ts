// Ctrl-C (SIGINT) and SIGTERM during training: the first one asks the run to stop after its current
// step and save (the loop polls `requested`); a second one quits at once, for a user who cannot wait.
// SIGTERM is what `kill`, `timeout`, systemd and container runtimes send before SIGKILL, so it saves
// the same way. The exit status is the shell's for death by that signal, 128 + its number: 130 after
// SIGINT, 143 after SIGTERM (interruptExitStatus), so scripts can tell a stop from a failure (1).

import { constants } from 'node:os';

/** The handler of one training command; `close()` removes it. */
export interface Interrupt {
  /** Whether SIGINT or SIGTERM has come. */
  requested(): boolean;
  close(): void;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
let received: NodeJS.Signals | null = null;

/** Installs the SIGINT and SIGTERM handlers; `log` says what happens (above the progress bar). */
export function onInterrupt(log: (text: string) => void): Interrupt {
  let count = 0;
  received = null;
  const handler = (signal: NodeJS.Signals): void => {
    if (++count > 1) process.exit(statusOf(signal));
    received = signal;
    const again = signal === 'SIGINT' ? 'Ctrl-C' : signal;
    log(`interrupted: finishing this step and saving a checkpoint (${again} again to quit now)`);
  };
  for (const s of SIGNALS) process.on(s, handler);
  return { requested: () => count > 0, close: () => { for (const s of SIGNALS) process.off(s, handler); } };
}

/** The exit status of a command stopped by the last interrupt: 130 after SIGINT (or none), 143 after SIGTERM. */
export function interruptExitStatus(): number {
  return statusOf(received ?? 'SIGINT');
}

function statusOf(signal: NodeJS.Signals): number {
  return 128 + constants.signals[signal];
}
