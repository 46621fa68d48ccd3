// Generator of the sentiment-trees task: short sentences with negation and contrast, each with its
// binary parse tree and a sentiment label at every node, set by compositional rules (below) so that
// a sentence's label follows from its structure: "I am not sad , I am happy" is positive and
// "I am sad , I am not happy" is negative although both hold the same two adjectives.
//
// Grammar (every inner node has two children):
//   S      → Clause | (S (Conn S'))          clauses joined left to right: ((C1 but C2) though C3)
//   Clause → (Subj VP)         VP → (Cop AP)
//   AP     → Adj | (Int AP) | (Neg AP)       at most one negation and one intensifier per AP
//   Subj   → I | you | … | (my friend) …     Cop agrees with the subject (I am, she is, …)

import type { Rng } from '../tensor/random.js';
import { leaf, node, postOrder, leafWords, type Tree } from '../tree/tree.js';
import { maxOf } from '../tensor/large_arrays.js';

/** The classes, by index: 0 negative, 1 neutral (no sentiment, or mixed), 2 positive. */
export const SENTIMENT_CLASSES = ['negative', 'neutral', 'positive'] as const;
export const NEG = 0, NEUTRAL = 1, POS = 2;

export const POSITIVE_WORDS = ['happy', 'glad', 'good', 'great', 'calm', 'proud', 'fine', 'excited'];
export const NEGATIVE_WORDS = ['sad', 'bad', 'angry', 'upset', 'tired', 'awful', 'bored', 'afraid'];
/** Predicates without sentiment: negating them gives no sentiment either. */
export const NEUTRAL_PREDICATES = ['here', 'home', 'outside', 'late'];
export const NEGATORS = ['not', 'never'];
export const INTENSIFIERS = ['very', 'really', 'so'];
/** The right clause decides ("I was sad but I am happy": positive). */
export const CONTRAST_RIGHT = ['but', 'yet'];
/** The left clause decides ("I am happy though I am tired": positive). */
export const CONTRAST_LEFT = ['though', 'although'];
/** Both clauses count: agreeing or one neutral gives the other, conflicting gives neutral. */
export const CONJOIN = ['and', ','];
const SUBJECTS: [string[], string][] = [
  [['I'], 'am'], [['you'], 'are'], [['we'], 'are'], [['they'], 'are'], [['she'], 'is'], [['he'], 'is'],
  [['my', 'friend'], 'is'], [['the', 'kids'], 'are'], [['I'], 'was'], [['she'], 'was'], [['they'], 'were'],
];

/** Every word the generator can emit, sorted: the task's vocabulary. */
export const SENTIMENT_VOCAB: readonly string[] = [...new Set([
  ...POSITIVE_WORDS, ...NEGATIVE_WORDS, ...NEUTRAL_PREDICATES, ...NEGATORS, ...INTENSIFIERS,
  ...CONTRAST_RIGHT, ...CONTRAST_LEFT, ...CONJOIN, ...SUBJECTS.flatMap(([s, c]) => [...s, c]),
])].sort();

/** A word's own sentiment: the adjectives' polarity, neutral for every other word. */
export function wordSentiment(w: string): number {
  return POSITIVE_WORDS.includes(w) ? POS : NEGATIVE_WORDS.includes(w) ? NEG : NEUTRAL;
}

/** Negation: positive ↔ negative, neutral stays neutral. */
export function flip(s: number): number {
  return s === NEUTRAL ? NEUTRAL : 2 - s;
}

/** Combining two parts that both count: agreeing → that; one neutral → the other; conflicting → neutral. */
export function merge(a: number, b: number): number {
  if (a === b) return a;
  if (a === NEUTRAL) return b;
  if (b === NEUTRAL) return a;
  return NEUTRAL;
}

const leafWord = (t: Tree): string | null => (t.children.length === 0 ? t.word : null);

/**
 * The sentiment of every node of a binary tree by the task's rules, children first:
 *   leaf w                → wordSentiment(w)
 *   (negator X)           → flip(X)
 *   (intensifier X)       → X
 *   (connective X)        → X                              the connective's phrase carries its clause
 *   (X (but|yet Y))       → Y                              contrast: the right clause dominates
 *   (X (though|although Y)) → X                            concession: the left clause dominates
 *   (X (and|, Y))         → merge(X, Y)
 *   (X Y) otherwise       → merge(X, Y)                    (subject + predicate, copula + adjective)
 * Returns a new tree with the labels '0' | '1' | '2' (class indices).
 */
export function labelSentimentTree(t: Tree): Tree {
  const label = new Map<Tree, number>();
  for (const n of postOrder(t)) {
    if (n.children.length === 0) { label.set(n, wordSentiment(n.word ?? '')); continue; }
    if (n.children.length !== 2) throw new Error(`labelSentimentTree: expected a binary tree, got a node with ${n.children.length} children`);
    const [a, b] = n.children;
    const la = label.get(a) as number, lb = label.get(b) as number;
    const wa = leafWord(a);
    const conn = b.children.length === 2 ? leafWord(b.children[0]) : null;
    let s: number;
    if (wa !== null && NEGATORS.includes(wa)) s = flip(lb);
    else if (wa !== null && (INTENSIFIERS.includes(wa) || CONTRAST_RIGHT.includes(wa) || CONTRAST_LEFT.includes(wa) || CONJOIN.includes(wa))) s = lb;
    else if (conn !== null && CONTRAST_RIGHT.includes(conn)) s = lb;
    else if (conn !== null && CONTRAST_LEFT.includes(conn)) s = la;
    else s = merge(la, lb);
    label.set(n, s);
  }
  const relabel = (n: Tree): Tree => ({ label: String(label.get(n)), word: n.word, children: n.children.map(relabel) });
  return relabel(t);
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(xs.length)];

function clause(rng: Rng): Tree {
  const [subj, cop] = pick(rng, SUBJECTS);
  const subject = subj.length === 1 ? leaf(subj[0]) : node(null, subj.map((w) => leaf(w)));
  const r = rng.random();
  const adj = r < 0.42 ? pick(rng, POSITIVE_WORDS) : r < 0.84 ? pick(rng, NEGATIVE_WORDS) : pick(rng, NEUTRAL_PREDICATES);
  let ap: Tree = leaf(adj);
  if (rng.random() < 0.3 && wordSentiment(adj) !== NEUTRAL) ap = node(null, [leaf(pick(rng, INTENSIFIERS)), ap]);
  if (rng.random() < 0.45) ap = node(null, [leaf(pick(rng, NEGATORS)), ap]);
  return node(null, [subject, node(null, [leaf(cop), ap])]);
}

/** One labelled sentence tree of `clauses` clauses joined left to right by random connectives. */
export function sentimentSentence(rng: Rng, clauses: number): Tree {
  if (!(Number.isInteger(clauses) && clauses >= 1)) throw new Error(`expected clauses >= 1, got ${clauses}`);
  const conns = [...CONTRAST_RIGHT, ...CONTRAST_LEFT, ...CONJOIN];
  let s = clause(rng);
  for (let k = 1; k < clauses; k++) s = node(null, [s, node(null, [leaf(pick(rng, conns)), clause(rng)])]);
  return labelSentimentTree(s);
}

export interface SentimentSplitOptions {
  /** Clauses per training sentence, inclusive range (default [1, 3]). */
  trainClauses?: [number, number];
  /** Clauses per test sentence (default [4, 5]); only test sentences longer than every training one are kept. */
  testClauses?: [number, number];
}

/**
 * A training set of short sentences and a held-out set of sentences with more words than any
 * training sentence (the test of generalising to longer inputs). Returns the trees and the longest
 * training sentence's length in words.
 */
export function sentimentSplit(rng: Rng, nTrain: number, nTest: number, options: SentimentSplitOptions = {}): { train: Tree[]; test: Tree[]; maxTrainWords: number } {
  const [a, b] = options.trainClauses ?? [1, 3];
  const [c, d] = options.testClauses ?? [4, 5];
  const train = Array.from({ length: nTrain }, () => sentimentSentence(rng, a + rng.int(b - a + 1)));
  const maxTrainWords = maxOf(train.map((t) => leafWords(t).length));
  const test: Tree[] = [];
  for (let tries = 0; test.length < nTest; tries++) {
    if (tries > 100 * nTest + 1000) throw new Error(`sentimentSplit: could not draw ${nTest} test sentences longer than ${maxTrainWords} words with ${c}..${d} clauses`);
    const t = sentimentSentence(rng, c + rng.int(d - c + 1));
    if (leafWords(t).length > maxTrainWords) test.push(t);
  }
  return { train, test, maxTrainWords };
}
