// The anti-diagonal wavefront order of a 2-D recurrence: cell (r, c) needs (r − 1, c) and
// (r, c − 1), both on diagonal r + c − 1, so all cells of one diagonal can be computed together in
// one batched product. These tables say which pixel each cell of each diagonal is, for each of the
// four scan directions (a direction is the image flipped along its rows and/or columns), and where
// each pixel ends up in the diagonal-ordered output.

/** One diagonal d = r + c of an H×W grid (scan coordinates): rows lo … hi, c = d − r. */
export interface Diagonal {
  lo: number;
  hi: number;
  /** Position of its first cell in the diagonal-ordered list of all H·W cells. */
  offset: number;
}

/** The H + W − 1 diagonals of an H×W grid in scan order. */
export function diagonals(H: number, W: number): Diagonal[] {
  const out: Diagonal[] = [];
  let offset = 0;
  for (let d = 0; d < H + W - 1; d++) {
    const lo = Math.max(0, d - W + 1), hi = Math.min(d, H - 1);
    out.push({ lo, hi, offset });
    offset += hi - lo + 1;
  }
  return out;
}

/**
 * The pixel (row-major index into the H×W image) that scan cell (r, c) of direction k reads:
 * bit 1 of k flips the rows (scan from the bottom), bit 0 the columns (scan from the right), so
 * k = 0, 1, 2, 3 start at the top-left, top-right, bottom-left and bottom-right corners.
 */
export function scanPixel(k: number, r: number, c: number, H: number, W: number): number {
  const pr = k & 2 ? H - 1 - r : r, pc = k & 1 ? W - 1 - c : c;
  return pr * W + pc;
}

/** Index tables of a D-direction scan over an H×W grid. */
export interface WavefrontTables {
  diagonals: Diagonal[];
  /** For diagonal d: [D · len_d] rows k·H·W + pixel, direction-major (what each cell reads). */
  gather: Int32Array[];
  /** Every diagonal's gather rows end to end ([D · H·W]): diagonal d's start at row D · offset_d. */
  order: Int32Array;
  /** [H·W · D]: for pixel p and direction k (p-major), the row k·H·W + position of p in direction k's diagonal order. */
  scatter: Int32Array;
}

/** Builds the tables (see WavefrontTables). */
export function wavefrontTables(H: number, W: number, D: number): WavefrontTables {
  const diags = diagonals(H, W), P = H * W;
  const scatter = new Int32Array(P * D);
  const gather = diags.map(({ lo, hi, offset }, d) => {
    const len = hi - lo + 1, idx = new Int32Array(D * len);
    for (let k = 0; k < D; k++) {
      for (let r = lo; r <= hi; r++) {
        const p = scanPixel(k, r, d - r, H, W);
        idx[k * len + r - lo] = k * P + p;
        scatter[p * D + k] = k * P + offset + r - lo;
      }
    }
    return idx;
  });
  const order = new Int32Array(D * P);
  gather.forEach((idx, d) => order.set(idx, D * diags[d].offset));
  return { diagonals: diags, gather, order, scatter };
}
