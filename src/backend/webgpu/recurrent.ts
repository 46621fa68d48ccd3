// The fused recurrent sequence kernels on the GPU: every step of a sequence (its recurrent product
// h_{t−1}·W_hhᵀ by the gemm kernel, then the point-wise gate kernel) is encoded into one command
// submission, so a whole layer's forward or backward costs one submission and no round trip. The
// input projections and the weight gradients stay one product over all steps each, made by the
// autograd op with Backend.gemm. Specification: ../ref/recurrent.ts (buffer layouts there).

import type { Backend, RnnActivation, SequenceLayout } from '../backend.js';
import { refBackend } from '../ref/ref_backend.js';
import { Storage } from '../storage.js';
import { grid, type Call } from './call.js';
import { encodeGemm, onGpu, submit } from './encode.js';
import { f32Bits } from './shader.js';
import { affineBody, fillBody } from './kernels/elementwise.js';
import { gruBackStepBody, gruStepBody, lstmBackStepBody, lstmCellBody, lstmStepBody, rnnBackStepBody, rnnModReluStepBody, rnnStepBody } from './kernels/recurrent.js';

// The backward kernel's code for each non-linearity (./kernels/recurrent.ts).
const ACT: Record<RnnActivation, number> = { tanh: 0, relu: 1, modrelu: 2 };

type Recurrent = Pick<Backend, 'lstmForward' | 'lstmBackward' | 'gruForward' | 'gruBackward' | 'rnnForward' | 'rnnBackward' | 'lstmCell'>;

// The step kernels' parameter block: B, H, t, whether lengths apply, the B lengths, then extras.
function stepParams(L: SequenceLayout, t: number, lens: Int32Array | null, ...extra: number[]): Uint32Array {
  const p = new Uint32Array(4 + L.B + extra.length);
  p[0] = L.B; p[1] = L.H; p[2] = t; p[3] = lens === null ? 0 : 1;
  if (lens !== null) p.set(lens.subarray(0, L.B), 4);
  p.set(extra, 4 + L.B);
  return p;
}

// The time steps in the order they run, with their blocks (element offsets).
function* steps(L: SequenceLayout, gates: number, backward: boolean): Generator<{ s: number; t: number; prev: number; cur: number; zt: number; tt: number }> {
  const { T, B, H } = L, BH = B * H;
  for (let i = 0; i < T; i++) {
    const s = backward ? T - 1 - i : i;
    const t = L.reverse ? T - 1 - s : s;
    yield { s, t, prev: (L.prev + t) * BH, cur: (L.seq + t) * BH, zt: t * B * gates * H, tt: t * BH };
  }
}

export const webgpuRecurrent: Recurrent = {
  lstmForward(L, z, hs, c, tc, whh, lens) {
    const d = onGpu(z, hs, c, tc, whh);
    if (d === null) { refBackend.lstmForward(L, z, hs, c, tc, whh, lens); return; }
    const { B, H } = L, G = 4 * H;
    submit(d, (call) => {
      for (const { t, prev, cur, zt, tt } of steps(L, 4, false)) {
        encodeGemm(call, false, true, B, G, H, hs, prev, whh, 0, z, zt, true); // z_t += h_{t−1}·W_hhᵀ
        call.dispatch('lstmStep', lstmStepBody, [['z', z, 'write', zt], ['cprev', c, 'read', prev], ['hprev', hs, 'read', prev],
          ['ccur', c, 'write', cur], ['tc', tc, 'write', tt], ['hcur', hs, 'write', cur]], stepParams(L, t, lens), grid(B * H));
      }
    });
  },

  lstmBackward(L, needH0, z, hs, c, tc, g, dz, dh, dc, whh, lens) {
    const d = onGpu(z, hs, c, tc, g, dz, dh, dc, whh);
    if (d === null) { refBackend.lstmBackward(L, needH0, z, hs, c, tc, g, dz, dh, dc, whh, lens); return; }
    const { T, B, H } = L, BH = B * H, G = 4 * H;
    submit(d, (call) => {
      refill(call, dh, dc, g, (T + 1) * BH, BH);
      for (const { s, t, prev, cur, zt, tt } of steps(L, 4, true)) {
        const product = s > 0 || needH0;
        call.dispatch('lstmBackStep', lstmBackStepBody, [['g', g, 'read', cur], ['z', z, 'read', zt], ['tc', tc, 'read', tt], ['cprev', c, 'read', prev],
          ['dh', dh, 'write'], ['dc', dc, 'write'], ['dz', dz, 'write', zt]], stepParams(L, t, lens, +product), grid(BH));
        if (product) encodeGemm(call, false, false, B, H, G, dz, zt, whh, 0, dh, 0, true); // dh_{t−1} += dz_t·W_hh
      }
    });
  },

  gruForward(L, zx, hn, hs, bhh, whh, lens) {
    const d = onGpu(zx, hn, hs, bhh, whh);
    if (d === null) { refBackend.gruForward(L, zx, hn, hs, bhh, whh, lens); return; }
    const { B, H } = L, G = 3 * H;
    const gh = new Storage('float32', B * G);
    submit(d, (call) => {
      for (const { t, prev, cur, zt, tt } of steps(L, 3, false)) {
        encodeGemm(call, false, true, B, G, H, hs, prev, whh, 0, gh, 0, false); // gh = h_{t−1}·W_hhᵀ
        call.dispatch('gruStep', gruStepBody, [['gh', gh, 'read'], ['bhh', bhh, 'read'], ['hprev', hs, 'read', prev],
          ['zx', zx, 'write', zt], ['hn', hn, 'write', tt], ['hcur', hs, 'write', cur]], stepParams(L, t, lens), grid(B * H));
      }
    });
    gh.drop();
  },

  gruBackward(L, needH0, zx, hn, hs, g, dgx, dgh, dh, whh, lens) {
    const d = onGpu(zx, hn, hs, g, dgx, dgh, dh, whh);
    if (d === null) { refBackend.gruBackward(L, needH0, zx, hn, hs, g, dgx, dgh, dh, whh, lens); return; }
    const { B, H } = L, BH = B * H, G = 3 * H;
    submit(d, (call) => {
      refill(call, dh, null, g, 0, BH);
      for (const { s, t, prev, cur, zt, tt } of steps(L, 3, true)) {
        call.dispatch('gruBackStep', gruBackStepBody, [['g', g, 'read', cur], ['zx', zx, 'read', zt], ['hn', hn, 'read', tt], ['hprev', hs, 'read', prev],
          ['dh', dh, 'write'], ['dgx', dgx, 'write', zt], ['dgh', dgh, 'write', zt]], stepParams(L, t, lens), grid(BH));
        if (s > 0 || needH0) encodeGemm(call, false, false, B, H, G, dgh, zt, whh, 0, dh, 0, true); // dh_{t−1} += dgh_t·W_hh
      }
    });
  },

  rnnForward(L, act, hs, whh, lens, modBias) {
    const d = onGpu(hs, whh, ...(modBias ? [modBias] : []));
    if (d === null) { refBackend.rnnForward(L, act, hs, whh, lens, modBias); return; }
    const { B, H } = L;
    if (act === 'modrelu' && !(modBias && modBias.length === H)) throw new Error(`rnnForward: expected a modReLU bias of ${H} values, got ${modBias ? modBias.length : 'none'}`);
    submit(d, (call) => {
      for (const { t, prev, cur } of steps(L, 1, false)) {
        encodeGemm(call, false, true, B, H, H, hs, prev, whh, 0, hs, cur, true); // pre_t += h_{t−1}·W_hhᵀ
        if (act === 'modrelu') {
          call.dispatch('rnnModReluStep', rnnModReluStepBody, [['hprev', hs, 'read', prev], ['hcur', hs, 'write', cur], ['bias', modBias!, 'read']], stepParams(L, t, lens), grid(B * H));
        } else {
          call.dispatch('rnnStep', rnnStepBody, [['hprev', hs, 'read', prev], ['hcur', hs, 'write', cur]], stepParams(L, t, lens, +(act === 'relu')), grid(B * H));
        }
      }
    });
  },

  rnnBackward(L, needH0, act, hs, g, dz, dh, whh, lens) {
    const d = onGpu(hs, g, dz, dh, whh);
    if (d === null) { refBackend.rnnBackward(L, needH0, act, hs, g, dz, dh, whh, lens); return; }
    const { B, H } = L, BH = B * H;
    submit(d, (call) => {
      refill(call, dh, null, g, 0, BH);
      for (const { s, t, cur, zt } of steps(L, 1, true)) {
        const product = s > 0 || needH0;
        call.dispatch('rnnBackStep', rnnBackStepBody, [['g', g, 'read', cur], ['hcur', hs, 'read', cur], ['dh', dh, 'write'], ['dz', dz, 'write', zt]],
          stepParams(L, t, lens, ACT[act], +product), grid(BH));
        if (product) encodeGemm(call, false, false, B, H, H, dz, zt, whh, 0, dh, 0, true); // dh_{t−1} += dz_t·W_hh
      }
    });
  },

  lstmCell(B, H, z, zOff, cPrev, cpOff, c, cOff, h, hOff) {
    const d = onGpu(z, cPrev, c, h);
    if (d === null) { refBackend.lstmCell(B, H, z, zOff, cPrev, cpOff, c, cOff, h, hOff); return; }
    const p = new Uint32Array(4);
    p[0] = B; p[1] = H;
    submit(d, (call) => call.dispatch('lstmCell', lstmCellBody, [['cprev', cPrev, 'read', cpOff], ['z', z, 'write', zOff], ['c', c, 'write', cOff], ['h', h, 'write', hOff]],
      p, grid(B * H)));
  },
};

// The backward's carried gradients start as the reference's do: dh = 0, and dc = g's c_final block
// (copied as 1·g + 0).
function refill(call: Call, dh: Storage, dc: Storage | null, g: Storage, cFinal: number, BH: number): void {
  call.dispatch('fill', fillBody, [['x', dh, 'write']], [BH, f32Bits(0)], grid(BH));
  if (dc !== null) call.dispatch('affine', affineBody, [['x', g, 'read', cFinal], ['out', dc, 'write']], [BH, f32Bits(1), f32Bits(0)], grid(BH));
}
