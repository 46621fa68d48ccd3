// Ctrl-C during training: the first one asks the run to stop after its current step and save (the
// loop polls `requested`); a second one quits at once, status 130, for a user who cannot wait.

/** The handler of one training command; `close()` removes it. */
export interface Interrupt {
  /** Whether Ctrl-C has been pressed. */
  requested(): boolean;
  close(): void;
}

/** Installs the SIGINT handler; `log` says what happens (above the progress bar). */
export function onInterrupt(log: (text: string) => void): Interrupt {
  let count = 0;
  const handler = (): void => {
    if (++count > 1) process.exit(130);
    log('interrupted: finishing this step and saving a checkpoint (Ctrl-C again to quit now)');
  };
  process.on('SIGINT', handler);
  return { requested: () => count > 0, close: () => { process.off('SIGINT', handler); } };
}
