// The worker side of the data-parallel training step: a replica of the character model that, on
// each request, takes the current parameters from shared memory, runs forward and backward on its
// share of the batch (from its rows of the recurrent state, when the run is stateful) and writes back
// the loss, gradient and final state. It blocks in Atomics.wait between
// requests, so a step costs no message round trip.

import { parentPort, workerData } from 'node:worker_threads';
import '../../autograd/methods.js';
import { getBackend, setBackend, refBackend, wasmBackend } from '../../backend/backend.js';
import { Rng } from '../../tensor/random.js';
import { CharModel, type CharModelConfig } from '../char_model.js';
import { localForwardBackward } from './local_step.js';
import { CTRL, ERROR_BYTES, sharedViews } from './layout.js';
import { packRows, unpackState } from './state_rows.js';

export interface GradWorkerData {
  config: CharModelConfig;
  buffer: SharedArrayBuffer;
  P: number;
  maxTokens: number;
  /** Floats of the shared state region (0: not stateful). */
  stateFloats: number;
  /** The main thread's backend, so that both sides compute the same way. */
  backend: string;
}

function serve(d: GradWorkerData): void {
  if (getBackend().name !== d.backend) setBackend(d.backend === 'ref' ? refBackend : wasmBackend);
  const model = new CharModel(d.config, { rng: new Rng(0) });
  model.train();
  const params = model.parameters();
  const size = params.reduce((s, p) => s + p.size, 0);
  if (size !== d.P) throw new Error(`expected ${d.P} parameters in the worker's replica, got ${size}`);
  const v = sharedViews(d.buffer, d.P, d.maxTokens, d.stateFloats);
  parentPort!.postMessage('ready');
  let seen = 0;
  for (;;) {
    Atomics.wait(v.ctrl, CTRL.request, seen);
    const seq = Atomics.load(v.ctrl, CTRL.request);
    if (seq === -1) return;
    seen = seq;
    try {
      let at = 0;
      for (const p of params) { p.data.set(v.params.subarray(at, at + p.size)); p.grad = null; at += p.size; }
      const B = v.ctrl[CTRL.batch], T = v.ctrl[CTRL.steps];
      model.rng = new Rng(v.ctrl[CTRL.seed] >>> 0);
      const initial = v.ctrl[CTRL.stateIn] === 1 ? unpackState(d.config, v.state, B) : null;
      const { loss, state } = localForwardBackward(model, v.inputs.subarray(0, B * T), v.targets.subarray(0, B * T), B, T, initial, v.loss[1]);
      if (v.ctrl[CTRL.stateOut] === 1) packRows(d.config, state, B, 0, B, v.state);
      at = 0;
      for (const p of params) {
        if (p.grad === null) v.grads.fill(0, at, at + p.size);
        else v.grads.set(p.grad.dataSync(), at);
        p.grad = null;
        at += p.size;
      }
      v.loss[0] = loss;
      v.ctrl[CTRL.status] = 0;
    } catch (err) {
      const bytes = new TextEncoder().encode(String(err instanceof Error ? err.message : err)).subarray(0, ERROR_BYTES);
      v.error.set(bytes);
      v.ctrl[CTRL.errorLength] = bytes.length;
      v.ctrl[CTRL.status] = 1;
    }
    Atomics.store(v.ctrl, CTRL.done, seq);
    Atomics.notify(v.ctrl, CTRL.done);
  }
}

if (parentPort !== null) serve(workerData as GradWorkerData);
