// The sentiment-trees generator against the task's rules restated independently: a flat reader
// that splits a sentence's words at the connectives, gives each clause the polarity of its
// adjective (flipped by "not"/"never") and folds the clauses left to right (but/yet: the right one;
// though/although: the left one; and/",": agreeing or one neutral gives the other, else neutral)
// must give every generated sentence's root label; the two sentences of the task statement get the
// labels a reader gives them; test sentences are all longer than every training sentence.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { leafWords, parseTree, postOrder, treeToString } from '../../src/tree/index.js';
import {
  labelSentimentTree, sentimentSentence, sentimentSplit, SENTIMENT_VOCAB,
} from '../../src/tasks/sentiment_trees_data.js';

const POS = ['happy', 'glad', 'good', 'great', 'calm', 'proud', 'fine', 'excited'];
const NEG = ['sad', 'bad', 'angry', 'upset', 'tired', 'awful', 'bored', 'afraid'];

// −1, 0, +1 for negative, neutral, positive; the generator's classes are 0, 1, 2.
function readFlat(words: string[]): number {
  const clauses: string[][] = [[]];
  const conns: string[] = [];
  for (const w of words) {
    if (['but', 'yet', 'though', 'although', 'and', ','].includes(w)) { conns.push(w); clauses.push([]); } else clauses[clauses.length - 1].push(w);
  }
  const polarity = (c: string[]): number => {
    const adj = c.find((w) => POS.includes(w) || NEG.includes(w));
    const p = adj === undefined ? 0 : POS.includes(adj) ? 1 : -1;
    return c.some((w) => w === 'not' || w === 'never') ? -p : p;
  };
  let acc = polarity(clauses[0]);
  conns.forEach((c, k) => {
    const next = polarity(clauses[k + 1]);
    if (c === 'but' || c === 'yet') acc = next;
    else if (c === 'though' || c === 'although') { /* the left side stays */ }
    else acc = acc === 0 ? next : next === 0 ? acc : acc === next ? acc : 0;
  });
  return acc + 1;
}

test('root labels of generated sentences follow the rules, read flat from the words', () => {
  const rng = new Rng(1);
  for (let k = 0; k < 400; k++) {
    const t = sentimentSentence(rng, 1 + rng.int(5));
    assert.equal(Number(t.label), readFlat(leafWords(t)), leafWords(t).join(' '));
  }
});

test('every phrase is labelled, every word is in the vocabulary, the tree is binary', () => {
  const rng = new Rng(2);
  const vocab = new Set(SENTIMENT_VOCAB);
  for (let k = 0; k < 100; k++) {
    const t = sentimentSentence(rng, 1 + rng.int(3));
    for (const n of postOrder(t)) {
      assert.ok(['0', '1', '2'].includes(n.label as string));
      assert.ok(n.children.length === 0 || n.children.length === 2);
      if (n.children.length === 0) assert.ok(vocab.has(n.word as string));
      // a phrase that is one clause carries that clause's sentiment, read flat too
      const words = leafWords(n);
      if (words.includes('am') || words.includes('is') || words.includes('are') || words.includes('was') || words.includes('were')) {
        if (words[0] !== ',' && !['but', 'yet', 'though', 'although', 'and'].includes(words[0])) assert.equal(Number(n.label), readFlat(words));
      }
    }
  }
});

test('the two sentences of the task statement: same words, opposite sentiment', () => {
  const a = labelSentimentTree(parseTree('(x (x (x I) (x (x am) (x (x not) (x sad)))) (x (x ,) (x (x I) (x (x am) (x happy)))))'));
  const b = labelSentimentTree(parseTree('(x (x (x I) (x (x am) (x sad))) (x (x ,) (x (x I) (x (x am) (x (x not) (x happy))))))'));
  assert.equal(a.label, '2'); // positive
  assert.equal(b.label, '0'); // negative
  assert.equal(treeToString(a), '(2 (2 (1 I) (2 (1 am) (2 (1 not) (0 sad)))) (2 (1 ,) (2 (1 I) (2 (1 am) (2 happy)))))');
  const c = labelSentimentTree(parseTree('(x (x (x I) (x (x am) (x happy))) (x (x but) (x (x I) (x (x am) (x tired)))))'));
  const d = labelSentimentTree(parseTree('(x (x (x I) (x (x am) (x happy))) (x (x though) (x (x I) (x (x am) (x tired)))))'));
  const e = labelSentimentTree(parseTree('(x (x (x I) (x (x am) (x happy))) (x (x and) (x (x I) (x (x am) (x tired)))))'));
  const f = labelSentimentTree(parseTree('(x (x I) (x (x am) (x (x not) (x here))))'));
  assert.deepEqual([c.label, d.label, e.label, f.label], ['0', '2', '1', '1']);
});

test('held-out sentences are longer than every training sentence', () => {
  const { train, test: held, maxTrainWords } = sentimentSplit(new Rng(3), 200, 50);
  assert.equal(maxTrainWords, Math.max(...train.map((t) => leafWords(t).length)));
  for (const t of held) assert.ok(leafWords(t).length > maxTrainWords);
  assert.equal(held.length, 50);
});
