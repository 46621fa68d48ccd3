// The worker of the two-thread LSTM sampler (./lstm_split_step.ts): it holds the second half of the
// hidden units of every layer and, for each step the main thread asks for, runs its half of each
// layer as soon as the layer below is complete, publishing its progress in shared memory.

import { workerData } from 'node:worker_threads';
import { wasmModule } from '../../backend/wasm/module.js';
import { LstmSliceStep, type LstmSliceWeights } from './lstm_slice.js';
import { SPLIT, splitViews, waitAtLeast, writeError } from './lstm_split_shared.js';

export interface SplitWorkerData {
  buffer: SharedArrayBuffer;
  slice: LstmSliceWeights;
}

function serve(d: SplitWorkerData): void {
  const { L, H, u0, u1 } = d.slice;
  const v = splitViews(d.buffer, L, H);
  let slice: LstmSliceStep;
  try {
    const e = wasmModule();
    if (e === null) throw new Error('WebAssembly SIMD is unavailable in the sampling worker');
    slice = new LstmSliceStep(e, d.slice);
  } catch (err) {
    writeError(v, err);
    Atomics.store(v.ctrl, SPLIT.ready, 2); Atomics.notify(v.ctrl, SPLIT.ready);
    return;
  }
  Atomics.store(v.ctrl, SPLIT.ready, 1); Atomics.notify(v.ctrl, SPLIT.ready);
  const U = u1 - u0;
  const hOut = new Float32Array(U), cOwn = new Float32Array(U);
  let seen = 0;
  for (;;) {
    const s = waitAtLeast(v.ctrl, SPLIT.request, seen + 1, 2 ** 31);
    if (s < 0) return;
    seen = s;
    const id = v.ctrl[SPLIT.token];
    const old = v.h[s & 1], next = v.h[(s + 1) & 1];
    try {
      for (let l = 0; l < L; l++) {
        if (l > 0) waitAtLeast(v.ctrl, SPLIT.progressMain, s * L + l);
        cOwn.set(v.c[l].subarray(u0, u1));
        slice.layer(l, id, l > 0 ? next[l - 1] : next[0], old[l], cOwn, hOut);
        v.c[l].set(cOwn, u0);
        next[l].set(hOut, u0);
        Atomics.store(v.ctrl, SPLIT.progressWorker, s * L + l + 1);
        Atomics.notify(v.ctrl, SPLIT.progressWorker);
      }
    } catch (err) {
      writeError(v, err);
      Atomics.store(v.ctrl, SPLIT.progressWorker, -1); Atomics.notify(v.ctrl, SPLIT.progressWorker);
      return;
    }
  }
}

serve(workerData as SplitWorkerData);
