// Synthetic captioned images for the captioning demo: small RGB pictures with one to three coloured
// shapes (square, circle, triangle) placed on a coarse grid, each with the one caption a small
// deterministic grammar gives it ("a red square left of a blue circle"), plus the word vocabulary
// (<pad> <bos> <eos> and the grammar's words) to turn captions into ids and back. Everything is
// drawn from a seeded Rng, so a seed fixes the data set.
//
// The grammar (the caption is a function of the image alone, so exact match is attainable):
//   one shape    → "a {colour} {kind}"
//   two shapes   → "{A} {relation} {B}", A the shape first in the fixed order (kind: square, circle,
//                  triangle; then colour: red, green, blue, yellow, purple; then reading order).
//                  With Δcol, Δrow the grid offset of B from A: |Δcol| ≥ |Δrow| → "left of"
//                  (Δcol > 0) or "right of"; otherwise "above" (Δrow > 0) or "below".
//   three shapes → "{A}, {B} and {C}" in reading order (row by row, left to right).

import type { Rng } from '../tensor/random.js';
import { Rng as SeededRng } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { PAD, Vocab, type Special } from '../data/vocab.js';
import { maxOf } from '../tensor/large_arrays.js';

export const SHAPE_KINDS = ['square', 'circle', 'triangle'] as const;
export type ShapeKind = (typeof SHAPE_KINDS)[number];

export const SHAPE_COLOURS = ['red', 'green', 'blue', 'yellow', 'purple'] as const;
export type ShapeColour = (typeof SHAPE_COLOURS)[number];

/** The RGB value (each in [0, 1]) every pixel of a shape of that colour gets; the background is 0. */
export const COLOUR_RGB: Readonly<Record<ShapeColour, readonly [number, number, number]>> = Object.freeze({
  red: [0.9, 0.1, 0.1],
  green: [0.1, 0.75, 0.2],
  blue: [0.15, 0.3, 0.95],
  yellow: [0.95, 0.85, 0.1],
  purple: [0.6, 0.2, 0.75],
});

export const RELATIONS = ['left of', 'right of', 'above', 'below'] as const;
export type Relation = (typeof RELATIONS)[number];

export interface ShapesImageConfig {
  /** Cells per side of the placement grid (default 3). */
  grid?: number;
  /** Pixels per cell side (default 8, so 24×24 images with the default grid). */
  cellSize?: number;
  /** Fewest and most shapes per image (defaults 1 and 3; at most 3 and at most grid²). */
  minShapes?: number;
  maxShapes?: number;
  /** Shape side in pixels, uniform in [minSize, maxSize] (defaults cellSize − 3 and cellSize − 1). */
  minSize?: number;
  maxSize?: number;
  /** Uniform noise in [−noise, noise] added to every value, then clipped to [0, 1] (default 0). */
  noise?: number;
}

/** One drawn shape: what it is, its grid cell, and its pixel box (top-left corner and side). */
export interface PlacedShape {
  readonly kind: ShapeKind;
  readonly colour: ShapeColour;
  readonly row: number;
  readonly col: number;
  readonly x0: number;
  readonly y0: number;
  readonly size: number;
}

export interface ShapesExample {
  /** [3, H, W] RGB in [0, 1], H = W = grid·cellSize. */
  readonly image: Float32Array;
  /** The shapes in reading order of their cells. */
  readonly shapes: readonly PlacedShape[];
  readonly caption: string;
}

type Resolved = Required<ShapesImageConfig>;

/** Fills in the defaults and checks the ranges, naming what was expected and what came. */
export function resolveShapesConfig(config: ShapesImageConfig = {}): Resolved {
  const grid = config.grid ?? 3, cellSize = config.cellSize ?? 8;
  const r: Resolved = {
    grid, cellSize,
    minShapes: config.minShapes ?? 1, maxShapes: config.maxShapes ?? Math.min(3, grid * grid),
    minSize: config.minSize ?? Math.max(3, cellSize - 3), maxSize: config.maxSize ?? cellSize - 1,
    noise: config.noise ?? 0,
  };
  const int = (name: string, v: number, lo: number, hi: number): void => {
    if (!Number.isInteger(v) || v < lo || v > hi) throw new Error(`shapes images: expected ${name} to be an integer in [${lo}, ${hi}], got ${v}`);
  };
  int('grid', r.grid, 1, 64);
  int('cellSize', r.cellSize, 4, 256);
  int('maxShapes', r.maxShapes, 1, Math.min(3, r.grid * r.grid));
  int('minShapes', r.minShapes, 1, r.maxShapes);
  int('maxSize', r.maxSize, 3, r.cellSize);
  int('minSize', r.minSize, 3, r.maxSize);
  if (!(r.noise >= 0 && r.noise <= 1)) throw new Error(`shapes images: expected noise in [0, 1], got ${r.noise}`);
  return r;
}

/** Image side in pixels for a config. */
export function shapesImageSize(config: ShapesImageConfig = {}): number {
  const r = resolveShapesConfig(config);
  return r.grid * r.cellSize;
}

/** Whether pixel (x, y) of a shape's box is inside the shape (pixel centres at +0.5). */
export function shapeCovers(kind: ShapeKind, size: number, x: number, y: number): boolean {
  const u = x + 0.5, v = y + 0.5, half = size / 2;
  if (kind === 'square') return true;
  if (kind === 'circle') return (u - half) ** 2 + (v - half) ** 2 <= half * half;
  // triangle pointing up: apex at the top middle, base along the bottom edge
  return Math.abs(u - half) <= (v / size) * half;
}

/** Draws shapes onto a black [3, H, W] canvas. */
export function renderShapes(shapes: readonly PlacedShape[], config: ShapesImageConfig = {}): Float32Array {
  const side = shapesImageSize(config);
  const img = new Float32Array(3 * side * side); // [3, H, W]
  for (const s of shapes) {
    const rgb = COLOUR_RGB[s.colour];
    for (let y = 0; y < s.size; y++) {
      for (let x = 0; x < s.size; x++) {
        if (!shapeCovers(s.kind, s.size, x, y)) continue;
        const px = (s.y0 + y) * side + s.x0 + x;
        for (let c = 0; c < 3; c++) img[c * side * side + px] = rgb[c];
      }
    }
  }
  return img;
}

function phrase(s: PlacedShape): string {
  return `a ${s.colour} ${s.kind}`;
}

// The fixed mention order of two shapes: kind, then colour, then reading order.
function mentionKey(s: PlacedShape, grid: number): number {
  return (SHAPE_KINDS.indexOf(s.kind) * SHAPE_COLOURS.length + SHAPE_COLOURS.indexOf(s.colour)) * grid * grid + s.row * grid + s.col;
}

/** The relation word of b as seen from a (see the grammar at the top of this file). */
export function relationOf(a: PlacedShape, b: PlacedShape): Relation {
  const dc = b.col - a.col, dr = b.row - a.row;
  if (dc === 0 && dr === 0) throw new Error(`shapes images: expected two shapes in different cells, got both at row ${a.row}, col ${a.col}`);
  if (Math.abs(dc) >= Math.abs(dr)) return dc > 0 ? 'left of' : 'right of';
  return dr > 0 ? 'above' : 'below';
}

/** The caption of a set of shapes by the grammar at the top of this file. */
export function describeShapes(shapes: readonly PlacedShape[], grid = 3): string {
  if (shapes.length === 1) return phrase(shapes[0]);
  if (shapes.length === 2) {
    const [a, b] = [...shapes].sort((p, q) => mentionKey(p, grid) - mentionKey(q, grid));
    return `${phrase(a)} ${relationOf(a, b)} ${phrase(b)}`;
  }
  if (shapes.length === 3) {
    const [a, b, c] = [...shapes].sort((p, q) => (p.row - q.row) || (p.col - q.col));
    return `${phrase(a)}, ${phrase(b)} and ${phrase(c)}`;
  }
  throw new Error(`shapes images: expected 1 to 3 shapes to describe, got ${shapes.length}`);
}

/**
 * One random captioned image: 1..3 shapes (uniform count) in distinct grid cells, each with a
 * uniform kind, colour, size and position inside its cell. Pixel noise (if any) is drawn from
 * `noiseRng`, so that with a separate one the layouts do not depend on the noise setting.
 */
export function shapesExample(rng: Rng, config: ShapesImageConfig = {}, noiseRng: Rng = rng): ShapesExample {
  const r = resolveShapesConfig(config);
  const count = r.minShapes + rng.int(r.maxShapes - r.minShapes + 1);
  // a partial Fisher–Yates shuffle picks `count` distinct cells
  const cells = Array.from({ length: r.grid * r.grid }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(cells.length - i);
    [cells[i], cells[j]] = [cells[j], cells[i]];
  }
  const chosen = cells.slice(0, count).sort((a, b) => a - b);
  const shapes: PlacedShape[] = chosen.map((cell) => {
    const row = Math.floor(cell / r.grid), col = cell % r.grid;
    const kind = SHAPE_KINDS[rng.int(SHAPE_KINDS.length)];
    const colour = SHAPE_COLOURS[rng.int(SHAPE_COLOURS.length)];
    const size = r.minSize + rng.int(r.maxSize - r.minSize + 1);
    const x0 = col * r.cellSize + rng.int(r.cellSize - size + 1);
    const y0 = row * r.cellSize + rng.int(r.cellSize - size + 1);
    return { kind, colour, row, col, x0, y0, size };
  });
  const image = renderShapes(shapes, r);
  if (r.noise > 0) {
    for (let i = 0; i < image.length; i++) image[i] = Math.min(1, Math.max(0, image[i] + noiseRng.uniform(-r.noise, r.noise)));
  }
  return { image, shapes, caption: describeShapes(shapes, r.grid) };
}

export interface ShapesDataset {
  /** [n, 3, H, W] float32 in [0, 1]. */
  readonly images: Tensor;
  readonly captions: string[];
  readonly shapes: (readonly PlacedShape[])[];
}

/**
 * n examples from generators seeded with `seed`: the same seed gives the same data set, and the
 * same captions whatever the noise (layouts and noise come from separate streams).
 */
export function shapesDataset(n: number, seed: number, config: ShapesImageConfig = {}): ShapesDataset {
  if (!Number.isInteger(n) || n < 1) throw new Error(`shapes images: expected a positive number of examples, got ${n}`);
  const side = shapesImageSize(config);
  const rng = new SeededRng(seed), noiseRng = new SeededRng(seed ^ 0x6e6f6973);
  const plane = 3 * side * side;
  const data = new Float32Array(n * plane);
  const captions: string[] = [], shapes: (readonly PlacedShape[])[] = [];
  for (let i = 0; i < n; i++) {
    const ex = shapesExample(rng, config, noiseRng);
    data.set(ex.image, i * plane);
    captions.push(ex.caption);
    shapes.push(ex.shapes);
  }
  return { images: new Tensor(data, [n, 3, side, side]), captions, shapes };
}

// ---- words ------------------------------------------------------------------------------------

/** Splits a caption into words, the comma being a word of its own: "a, b" → ["a", ",", "b"]. */
export function tokenizeCaption(caption: string): string[] {
  return caption.toLowerCase().replace(/,/g, ' , ').split(/\s+/).filter((w) => w.length > 0);
}

/** The inverse of tokenizeCaption for this grammar: words joined by spaces, no space before a comma. */
export function detokenizeCaption(words: readonly string[]): string {
  return words.join(' ').replace(/ ,/g, ',');
}

/** Every word the grammar can produce, in a fixed order. */
export const CAPTION_WORDS: readonly string[] = Object.freeze([
  'a', ...SHAPE_COLOURS, ...SHAPE_KINDS, 'left', 'right', 'of', 'above', 'below', ',', 'and',
]);

/** The vocabulary of the shapes grammar: <pad>, <bos>, <eos> (ids 0, 1, 2), then CAPTION_WORDS. */
export function captionVocab(): Vocab {
  return new Vocab(CAPTION_WORDS, { unit: 'word', specials: CAPTION_SPECIALS });
}

const CAPTION_SPECIALS: readonly Special[] = ['pad', 'bos', 'eos'];

/** Caption → ids (tokenizeCaption's words), with <bos> first and/or <eos> last when asked. */
export function encodeCaption(vocab: Vocab, caption: string, options: { bos?: boolean; eos?: boolean } = {}): Int32Array {
  return vocab.encodeSymbols(tokenizeCaption(caption), options);
}

/** Ids → caption text: the words up to the first <eos> (see Vocab.decodeSymbols) put back by detokenizeCaption. */
export function decodeCaption(vocab: Vocab, ids: ArrayLike<number>): string {
  return detokenizeCaption(vocab.decodeSymbols(ids));
}

/** The vocabulary's words and whole captions, as the attention report (viz/captions_attention.ts) reads them. */
export function captionWords(vocab: Vocab): { nameOf(id: number): string; caption(ids: ArrayLike<number>): string } {
  return { nameOf: (id) => vocab.nameOf(id), caption: (ids) => decodeCaption(vocab, ids) };
}

/**
 * Right-pads id sequences with <pad> into one batch-first block.
 * Outputs: ids [B, T] (T = the longest sequence, or `length`, which must fit them all) and lengths [B].
 */
export function padSequences(seqs: readonly ArrayLike<number>[], length?: number): { ids: Int32Array; lengths: Int32Array; T: number } {
  if (seqs.length === 0) throw new Error('padSequences: expected at least one sequence, got none');
  const longest = maxOf(seqs.map((s) => s.length));
  const T = length ?? longest;
  if (!Number.isInteger(T) || T < longest) throw new Error(`padSequences: expected a length of at least ${longest} (the longest sequence), got ${T}`);
  const ids = new Int32Array(seqs.length * T).fill(PAD);
  const lengths = new Int32Array(seqs.length);
  seqs.forEach((s, b) => { ids.set(s, b * T); lengths[b] = s.length; });
  return { ids, lengths, T };
}
