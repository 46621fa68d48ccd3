// The captioned shapes generator: every caption agrees with the pixels (colours, shape kinds read
// from the drawn blobs, and the stated relation or order checked against where the blobs are),
// the data is deterministic per seed, all the grammar's forms occur, and the word vocabulary
// round-trips captions.

import { test } from 'node:test';
import { BOS, EOS, Vocab } from '../../src/data/vocab.js';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import {
  COLOUR_RGB, SHAPE_COLOURS, captionVocab, decodeCaption, encodeCaption, padSequences, shapesDataset, shapesExample, tokenizeCaption, type ShapesImageConfig,
} from '../../src/tasks/shapes_images.js';

interface Blob { colour: string; kind: string; row: number; col: number }

// Reads the shapes back from the pixels alone: the non-black pixels of each grid cell form one
// blob of a single palette colour; its bounding box's corners tell the kind (a square fills all
// four, a circle none, an upward triangle only the bottom two).
function readBlobs(image: Float32Array, grid: number, cell: number): Blob[] {
  const side = grid * cell, plane = side * side;
  const blobs: Blob[] = [];
  for (let row = 0; row < grid; row++) {
    for (let col = 0; col < grid; col++) {
      const lit = (x: number, y: number) => image[y * side + x] + image[plane + y * side + x] + image[2 * plane + y * side + x] > 0;
      let x0 = Infinity, x1 = -1, y0 = Infinity, y1 = -1;
      let colour: string | null = null;
      for (let y = row * cell; y < (row + 1) * cell; y++) {
        for (let x = col * cell; x < (col + 1) * cell; x++) {
          if (!lit(x, y)) continue;
          const rgb = [0, 1, 2].map((c) => image[c * plane + y * side + x]);
          const name = SHAPE_COLOURS.find((n) => COLOUR_RGB[n].every((v, c) => Math.abs(v - rgb[c]) < 1e-6));
          assert.ok(name, `pixel (${x}, ${y}) has colour ${rgb}, not one of the palette`);
          assert.ok(colour === null || colour === name, `cell (${row}, ${col}) mixes ${colour} and ${name}`);
          colour = name;
          x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
        }
      }
      if (colour === null) continue;
      const corners = [lit(x0, y0), lit(x1, y0), lit(x0, y1), lit(x1, y1)];
      let kind: string;
      if (corners.every(Boolean)) kind = 'square';
      else if (corners.every((c) => !c)) kind = 'circle';
      else if (!corners[0] && !corners[1] && corners[2] && corners[3]) kind = 'triangle';
      else assert.fail(`cell (${row}, ${col}): corners ${corners} fit no shape`);
      blobs.push({ colour, kind, row, col });
    }
  }
  return blobs;
}

const phraseRe = '(red|green|blue|yellow|purple) (square|circle|triangle)';
const one = new RegExp(`^a ${phraseRe}$`);
const two = new RegExp(`^a ${phraseRe} (left of|right of|above|below) a ${phraseRe}$`);
const three = new RegExp(`^a ${phraseRe}, a ${phraseRe} and a ${phraseRe}$`);
const kindOrder = ['square', 'circle', 'triangle'], colourOrder = ['red', 'green', 'blue', 'yellow', 'purple'];

// Checks a caption against the blobs read from its image; returns the caption's form.
function checkCaption(caption: string, blobs: Blob[]): string {
  const same = (b: Blob, colour: string, kind: string) => b.colour === colour && b.kind === kind;
  let m = one.exec(caption);
  if (m) {
    assert.equal(blobs.length, 1, caption);
    assert.ok(same(blobs[0], m[1], m[2]), `${caption} vs ${JSON.stringify(blobs)}`);
    return 'one';
  }
  m = two.exec(caption);
  if (m) {
    assert.equal(blobs.length, 2, caption);
    const [, c1, k1, rel, c2, k2] = m;
    // the subject is the blob matching the first phrase (the earlier in reading order if both match)
    const a = blobs.find((b) => same(b, c1, k1));
    const b = blobs.find((x) => x !== a && same(x, c2, k2));
    assert.ok(a && b, `${caption} vs ${JSON.stringify(blobs)}`);
    // mention order: kind, then colour
    const key = (x: Blob) => kindOrder.indexOf(x.kind) * 5 + colourOrder.indexOf(x.colour);
    assert.ok(key(a) <= key(b), `${caption}: mention order`);
    const dc = b.col - a.col, dr = b.row - a.row;
    const want = Math.abs(dc) >= Math.abs(dr) ? (dc > 0 ? 'left of' : 'right of') : (dr > 0 ? 'above' : 'below');
    assert.equal(rel, want, `${caption}: a at (${a.row}, ${a.col}), b at (${b.row}, ${b.col})`);
    return rel;
  }
  m = three.exec(caption);
  if (m) {
    assert.equal(blobs.length, 3, caption);
    // blobs are found row by row, left to right: the reading order the caption must follow
    for (let i = 0; i < 3; i++) assert.ok(same(blobs[i], m[1 + 2 * i], m[2 + 2 * i]), `${caption} vs ${JSON.stringify(blobs)}`);
    return 'three';
  }
  assert.fail(`caption outside the grammar: ${JSON.stringify(caption)}`);
}

test('captions agree with the pixels for 600 images, and every form of the grammar occurs', () => {
  const rng = new Rng(42);
  const forms = new Map<string, number>();
  for (let i = 0; i < 600; i++) {
    const ex = shapesExample(rng);
    assert.equal(ex.image.length, 3 * 24 * 24);
    const form = checkCaption(ex.caption, readBlobs(ex.image, 3, 8));
    forms.set(form, (forms.get(form) ?? 0) + 1);
  }
  for (const f of ['one', 'three', 'left of', 'right of', 'above', 'below']) assert.ok((forms.get(f) ?? 0) > 10, `form ${f}: ${forms.get(f) ?? 0}`);
  // one, two and three shapes equally likely: about 200 each
  const twos = ['left of', 'right of', 'above', 'below'].reduce((s, f) => s + (forms.get(f) ?? 0), 0);
  for (const n of [forms.get('one')!, twos, forms.get('three')!]) assert.ok(n > 150 && n < 250, `count ${n}`);
});

test('a 32×32 variant (4×4 grid of 8-pixel cells) with larger shapes also agrees with its pixels', () => {
  const config: ShapesImageConfig = { grid: 4, cellSize: 8, minSize: 6, maxSize: 8 };
  const data = shapesDataset(200, 7, config);
  assert.deepEqual([...data.images.shape], [200, 3, 32, 32]);
  for (let i = 0; i < 200; i++) {
    const img = data.images.data.subarray(i * 3 * 32 * 32, (i + 1) * 3 * 32 * 32) as Float32Array;
    checkCaption(data.captions[i], readBlobs(img, 4, 8));
  }
});

test('the palette colours are what their names say', () => {
  const [r, g, b, y, p] = SHAPE_COLOURS.map((n) => COLOUR_RGB[n]);
  assert.ok(r[0] > 2 * r[1] && r[0] > 2 * r[2]);
  assert.ok(g[1] > 2 * g[0] && g[1] > 2 * g[2]);
  assert.ok(b[2] > 2 * b[0] && b[2] > 2 * b[1]);
  assert.ok(y[0] > 2 * y[2] && y[1] > 2 * y[2]);
  assert.ok(p[0] > 2 * p[1] && p[2] > 2 * p[1]);
});

test('the same seed gives the same data set; another seed does not', () => {
  const a = shapesDataset(50, 3), b = shapesDataset(50, 3), c = shapesDataset(50, 4);
  assert.deepEqual(a.captions, b.captions);
  assert.deepEqual(a.images.data, b.images.data);
  assert.notDeepEqual(a.captions, c.captions);
  const noisy1 = shapesDataset(5, 3, { noise: 0.1 }), noisy2 = shapesDataset(5, 3, { noise: 0.1 });
  assert.deepEqual(noisy1.images.data, noisy2.images.data);
  assert.deepEqual(noisy1.captions, a.captions.slice(0, 5), 'noise does not change the layouts');
  assert.notDeepEqual(noisy1.images.data, a.images.data.subarray(0, noisy1.images.size));
  assert.ok(noisy1.images.toArray().every((v) => v >= 0 && v <= 1));
});

test('the word vocabulary round-trips captions with <bos>/<eos>, and pads batches', () => {
  const vocab = captionVocab();
  assert.deepEqual([0, 1, 2].map((id) => vocab.nameOf(id)), ['<pad>', '<bos>', '<eos>']);
  const caps = shapesDataset(100, 9).captions;
  for (const cap of caps) {
    const ids = encodeCaption(vocab, cap, { bos: true, eos: true });
    assert.equal(ids[0], BOS);
    assert.equal(ids[ids.length - 1], EOS);
    assert.equal(ids.length, tokenizeCaption(cap).length + 2);
    assert.equal(decodeCaption(vocab, ids), cap);
  }
  assert.deepEqual(tokenizeCaption('a red square, a blue circle and a green triangle'),
    ['a', 'red', 'square', ',', 'a', 'blue', 'circle', 'and', 'a', 'green', 'triangle']);
  assert.equal(decodeCaption(vocab, [1, vocab.idOf('a'), vocab.idOf('red'), vocab.idOf('circle'), 2, vocab.idOf('a')]), 'a red circle');
  assert.throws(() => encodeCaption(vocab, 'a red dog'), /expected a word of the vocabulary, got "dog"/);
  assert.deepEqual(Vocab.fromJSON(JSON.parse(JSON.stringify(vocab))).toJSON(), vocab.toJSON());
  // A caption vocabulary in the older "word" form reads back as the same vocabulary.
  assert.deepEqual(Vocab.fromJSON({ type: 'word', words: vocab.symbols }).toJSON(), vocab.toJSON());

  const { ids, lengths, T } = padSequences([[5, 6, 7], [8]]);
  assert.equal(T, 3);
  assert.deepEqual([...ids], [5, 6, 7, 8, 0, 0]);
  assert.deepEqual([...lengths], [3, 1]);
  assert.throws(() => padSequences([[1, 2, 3]], 2), /expected a length of at least 3/);
});

test('generator configs are checked', () => {
  assert.throws(() => shapesDataset(0, 1), /expected a positive number of examples, got 0/);
  assert.throws(() => shapesDataset(1, 1, { grid: 1, minShapes: 2 }), /expected maxShapes to be an integer in \[1, 1\], got 1|expected minShapes to be an integer in \[1, 1\], got 2/);
  assert.throws(() => shapesDataset(1, 1, { cellSize: 8, maxSize: 9 }), /expected maxSize to be an integer in \[3, 8\], got 9/);
  assert.throws(() => shapesDataset(1, 1, { noise: -0.5 }), /expected noise in \[0, 1\], got -0.5/);
});
