// The measuring loop every JavaScript runner shares: call `work` through the warm-up (at least
// once: V8 tiers up, workspaces get sized), then count the units it reports (steps, characters)
// until the timed window is spent. `work` may be async (TensorFlow.js steps resolve later).

export async function timed(work, warmupSeconds, timeSeconds) {
  let t0 = performance.now();
  do await work(); while (performance.now() - t0 < warmupSeconds * 1000);
  let units = 0;
  t0 = performance.now();
  do units += await work(); while (performance.now() - t0 < timeSeconds * 1000);
  return { units, seconds: (performance.now() - t0) / 1000 };
}
