// WGSL bodies of the recurrent steps' point-wise parts (gates, cell and hidden updates, and their
// derivatives), one thread per (batch row, unit): the recurrent product of each step is the gemm
// kernel, encoded just before. Specification: ../../ref/recurrent.ts, whose comments give every
// buffer's layout. Rows past their length (t >= len_b, lengths in the parameter block) carry their
// state unchanged forward, and pass their gradient straight through backward.
// B = batch, H = hidden; `prev`, `cur`: the h (and c) blocks of step t; `zt`: the step's gate rows.

const HEAD = `@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat(gid, nwg);
  let B = p(0u); let H = p(1u);
  if (i >= B * H) { return; }
  let b = i / H; let k = i % H;
  // this row is past its length at step t (params: B, H, t, hasLens, then B lengths)
  let padded = p(3u) != 0u && p(2u) >= p(4u + b);`;

/** LSTM step: z (gates, [B, 4H] at zt) in pre-activations, out activations; c, h at prev / cur; tc [B, H]. */
export const lstmStepBody = `${HEAD}
  let G = 4u * H; let zo = b * G;
  let ig = sigm($z[zo + k]); let fg = sigm($z[zo + H + k]);
  let gg = tanhs($z[zo + 2u * H + k]); let og = sigm($z[zo + 3u * H + k]);
  $z[zo + k] = ig; $z[zo + H + k] = fg; $z[zo + 2u * H + k] = gg; $z[zo + 3u * H + k] = og;
  let cp = $cprev[i];
  let cv = fg * cp + ig * gg;
  let th = tanhs(cv);
  $tc[i] = th;
  if (padded) { $ccur[i] = cp; $hcur[i] = $hprev[i]; } else { $ccur[i] = cv; $hcur[i] = og * th; }
}`;

/**
 * LSTM backward step: dh, dc [B, H] carried from step t + 1; out dz [B, 4H], dc_{t−1}, and dh
 * prepared for the product dh += dz·W_hh that follows (param 4 + B: whether it follows).
 */
export const lstmBackStepBody = `${HEAD}
  let G = 4u * H; let zo = b * G;
  let dhv = $g[i] + $dh[i];
  if (padded) {
    for (var q = 0u; q < 4u; q++) { $dz[zo + q * H + k] = 0.0; }
    $dh[i] = dhv;
    return;
  }
  let ig = $z[zo + k]; let fg = $z[zo + H + k]; let gg = $z[zo + 2u * H + k]; let og = $z[zo + 3u * H + k];
  let th = $tc[i];
  let dcv = $dc[i] + dhv * og * (1.0 - th * th);
  $dz[zo + k] = dcv * gg * ig * (1.0 - ig);
  $dz[zo + H + k] = dcv * $cprev[i] * fg * (1.0 - fg);
  $dz[zo + 2u * H + k] = dcv * ig * (1.0 - gg * gg);
  $dz[zo + 3u * H + k] = dhv * th * og * (1.0 - og);
  $dc[i] = dcv * fg;
  if (p(4u + B) != 0u) { $dh[i] = 0.0; } else { $dh[i] = dhv; }
}`;

/** GRU step (reset-after): zx [B, 3H] x-side in, r | z | n out; gh [B, 3H] = h_{t−1}·W_hhᵀ; bhh [3H]; hn [B, H] out. */
export const gruStepBody = `${HEAD}
  let G = 3u * H; let zo = b * G;
  let r = sigm($zx[zo + k] + $gh[zo + k] + $bhh[k]);
  let u = sigm($zx[zo + H + k] + $gh[zo + H + k] + $bhh[H + k]);
  let hnv = $gh[zo + 2u * H + k] + $bhh[2u * H + k];
  let n = tanhs($zx[zo + 2u * H + k] + r * hnv);
  $zx[zo + k] = r; $zx[zo + H + k] = u; $zx[zo + 2u * H + k] = n;
  $hn[i] = hnv;
  let hp = $hprev[i];
  if (padded) { $hcur[i] = hp; } else { $hcur[i] = n + u * (hp - n); }
}`;

/** GRU backward step: out dgx, dgh [B, 3H]; dh [B, H] becomes z ⊙ dh_t, before dh += dgh·W_hh. */
export const gruBackStepBody = `${HEAD}
  let G = 3u * H; let zo = b * G;
  let dhv = $g[i] + $dh[i];
  if (padded) {
    for (var q = 0u; q < 3u; q++) { $dgx[zo + q * H + k] = 0.0; $dgh[zo + q * H + k] = 0.0; }
    $dh[i] = dhv;
    return;
  }
  let r = $zx[zo + k]; let u = $zx[zo + H + k]; let n = $zx[zo + 2u * H + k];
  let dn = dhv * (1.0 - u) * (1.0 - n * n);
  let dr = dn * $hn[i] * r * (1.0 - r);
  let du = dhv * ($hprev[i] - n) * u * (1.0 - u);
  $dgx[zo + k] = dr; $dgx[zo + H + k] = du; $dgx[zo + 2u * H + k] = dn;
  $dgh[zo + k] = dr; $dgh[zo + H + k] = du; $dgh[zo + 2u * H + k] = dn * r;
  $dh[i] = dhv * u;
}`;

/** Vanilla RNN step: hcur holds the summed pre-activation; h = tanh or relu of it (param 4 + B: relu). */
export const rnnStepBody = `${HEAD}
  if (padded) { $hcur[i] = $hprev[i]; return; }
  let v = $hcur[i];
  if (p(4u + B) != 0u) { $hcur[i] = select(0.0, v, v > 0.0); } else { $hcur[i] = tanhs(v); }
}`;

/** Vanilla RNN step with modReLU: h = sign(z)·max(|z| + b, 0), b = modBias [H]. */
export const rnnModReluStepBody = `${HEAD}
  if (padded) { $hcur[i] = $hprev[i]; return; }
  let v = $hcur[i]; let m = abs(v) + $bias[k];
  $hcur[i] = select(0.0, sign(v) * m, m > 0.0);
}`;

/**
 * Vanilla RNN backward step: dz [B, H] out; dh prepared for dh += dz·W_hh (params 4 + B: the
 * non-linearity, 0 tanh, 1 relu, 2 modReLU, whose f' = [h ≠ 0]; 5 + B: a product follows).
 */
export const rnnBackStepBody = `${HEAD}
  let dhv = $g[i] + $dh[i];
  if (padded) { $dz[i] = 0.0; $dh[i] = dhv; return; }
  let h = $hcur[i];
  let act = p(4u + B);
  if (act == 1u) { $dz[i] = select(0.0, dhv, h > 0.0); } else if (act == 2u) { $dz[i] = select(0.0, dhv, h != 0.0); } else { $dz[i] = dhv * (1.0 - h * h); }
  if (p(5u + B) != 0u) { $dh[i] = 0.0; }
}`;

/** One LSTM cell step without a graph (sampling): z [B, 4H] in, gates out; c = f ⊙ cPrev + i ⊙ g; h = o ⊙ tanh(c). */
export const lstmCellBody = `${HEAD}
  let G = 4u * H; let zo = b * G;
  let ig = sigm($z[zo + k]); let fg = sigm($z[zo + H + k]);
  let gg = tanhs($z[zo + 2u * H + k]); let og = sigm($z[zo + 3u * H + k]);
  $z[zo + k] = ig; $z[zo + H + k] = fg; $z[zo + 2u * H + k] = gg; $z[zo + 3u * H + k] = og;
  let cv = fg * $cprev[i] + ig * gg;
  $c[i] = cv;
  $h[i] = og * tanhs(cv);
}`;
