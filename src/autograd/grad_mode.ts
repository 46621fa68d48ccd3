// Whether operations record the graph. Inside noGrad() nothing is recorded: sampling, evaluation
// and optimizer updates run without building a graph they would never use.

let enabled = true;

export function isGradEnabled(): boolean { return enabled; }

/** Runs fn with graph recording off (like torch.no_grad()). */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try { return fn(); } finally { enabled = prev; }
}

/** Runs fn with graph recording on, even inside noGrad. */
export function enableGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = true;
  try { return fn(); } finally { enabled = prev; }
}
