// corpusBleu and exactMatchAccuracy against counts worked out by hand: identical corpora score 1,
// clipping (Papineni's "the the the …" example), a two-sentence corpus with every n-gram count
// listed below, the brevity penalty, the closest-reference-length rule, smoothing, and errors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpusBleu, exactMatchAccuracy, sentenceBleu } from '../../src/metrics/index.js';

const w = (s: string) => s.split(' ');
const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-12, `${what}: ${a} vs ${b}`);

test('identical hypotheses and references give BLEU-1..4 = 1 and BP = 1', () => {
  const sents = ['a red square left of a blue circle', 'a green triangle', 'a red square, a blue circle and a yellow circle'].map(w);
  const res = corpusBleu(sents, sents.map((s) => [s]));
  assert.deepEqual(res.scores, [1, 1, 1, 1]);
  assert.equal(res.brevityPenalty, 1);
});

test('clipped unigram precision: "the the the the the the the" scores 2/7', () => {
  const res = corpusBleu([w('the the the the the the the')], [[w('the cat is on the mat'), w('there is a cat on the mat')]], { maxOrder: 1 });
  assert.deepEqual(res.matches, [2]);
  assert.deepEqual(res.totals, [7]);
  near(res.scores[0], 2 / 7, 'BLEU-1'); // reference lengths 6 and 7: the closest is 7 = c, so BP = 1
  assert.equal(res.referenceLength, 7);
  assert.equal(res.brevityPenalty, 1);
});

test('a two-sentence corpus worked by hand', () => {
  // s1: hyp "the cat sat on the mat" vs ref "the cat is on the mat"
  //   1-grams: the×2 (ref the×2 → 2), cat 1, sat 0, on 1, mat 1   → 5/6
  //   2-grams: the cat ✓, cat sat, sat on, on the ✓, the mat ✓     → 3/5
  //   3-grams: the cat sat, cat sat on, sat on the, on the mat ✓    → 1/4
  //   4-grams: none of the 3 match                                  → 0/3
  // s2: hyp "a dog" vs refs "a dog runs" (3) and "the dog" (2): closest length 2
  //   1-grams 2/2, 2-grams "a dog" ✓ 1/1, no 3- or 4-grams
  // corpus: p = 7/8, 4/6, 1/4, 0/3; c = 8, r = 6 + 2 = 8 → BP = 1
  const res = corpusBleu([w('the cat sat on the mat'), w('a dog')], [[w('the cat is on the mat')], [w('a dog runs'), w('the dog')]]);
  assert.deepEqual(res.matches, [7, 4, 1, 0]);
  assert.deepEqual(res.totals, [8, 6, 4, 3]);
  assert.equal(res.hypothesisLength, 8);
  assert.equal(res.referenceLength, 8);
  assert.equal(res.brevityPenalty, 1);
  near(res.scores[0], 7 / 8, 'BLEU-1');
  near(res.scores[1], Math.sqrt((7 / 8) * (4 / 6)), 'BLEU-2');
  near(res.scores[2], Math.cbrt((7 / 8) * (4 / 6) * (1 / 4)), 'BLEU-3');
  assert.equal(res.scores[3], 0);
  assert.equal(res.bleu, 0);

  // Lin–Och smoothing for n ≥ 2: p = 7/8, 5/7, 2/5, 1/4
  const sm = corpusBleu([w('the cat sat on the mat'), w('a dog')], [[w('the cat is on the mat')], [w('a dog runs'), w('the dog')]], { smooth: true });
  near(sm.bleu, Math.pow((7 / 8) * (5 / 7) * (2 / 5) * (1 / 4), 1 / 4), 'smoothed BLEU-4');
});

test('brevity penalty: a short hypothesis is scaled by exp(1 − r/c)', () => {
  // "the cat" against a 6-word reference: p1 = p2 = 1, c = 2, r = 6 → BP = e^(1 − 3) = e^−2
  const res = sentenceBleu(w('the cat'), [w('the cat is on the mat')], { maxOrder: 2 });
  near(res.brevityPenalty, Math.exp(-2), 'BP');
  near(res.scores[0], Math.exp(-2), 'BLEU-1');
  near(res.scores[1], Math.exp(-2), 'BLEU-2');
  // a longer hypothesis is not penalised: c = 7 > r = 6
  assert.equal(sentenceBleu(w('the cat is on the mat mat'), [w('the cat is on the mat')]).brevityPenalty, 1);
});

test('the closest reference length decides r, the shorter one on a tie', () => {
  // hyp length 4; refs of length 3 and 5 are equally close → r = 3 < c → BP = 1
  const tie = sentenceBleu(w('a b c d'), [w('a b c d e'), w('a b c')], { maxOrder: 1 });
  assert.equal(tie.referenceLength, 3);
  assert.equal(tie.brevityPenalty, 1);
  // refs of length 6 and 9 for a hyp of length 4: 6 is closest → BP = e^(1 − 6/4)
  const far = sentenceBleu(w('a b c d'), [w('a b c d e f g h i'), w('a b c d e f')], { maxOrder: 1 });
  assert.equal(far.referenceLength, 6);
  near(far.brevityPenalty, Math.exp(1 - 6 / 4), 'BP');
});

test('an empty hypothesis scores 0; bad arguments are named', () => {
  assert.deepEqual(corpusBleu([[]], [[w('a b')]]).scores, [0, 0, 0, 0]);
  assert.throws(() => corpusBleu([w('a')], []), /expected one list of references per hypothesis \(1\), got 0/);
  assert.throws(() => corpusBleu([w('a')], [[]]), /expected at least one reference for hypothesis 0, got none/);
  assert.throws(() => corpusBleu([], []), /expected at least one hypothesis/);
  assert.throws(() => corpusBleu([w('a')], [[w('a')]], { maxOrder: 0 }), /expected maxOrder to be an integer >= 1, got 0/);
});

test('exact-match accuracy counts identical captions, ignoring spacing', () => {
  assert.equal(exactMatchAccuracy(['a red square', ' a  blue circle ', 'a green triangle', 'a red circle'],
    ['a red square', 'a blue circle', 'a green square', 'a red circle above a blue square']), 0.5);
  assert.equal(exactMatchAccuracy([w('a red square')], ['a red square']), 1);
  assert.throws(() => exactMatchAccuracy(['a'], []), /expected one reference per prediction \(1\), got 0/);
});
