// Embedded Reber strings against an acceptor written separately from the generator (a switch over
// the grammar's states), the possible-next sets against the acceptor's own choices, and the
// "solved" criterion on hand-made predictions: an oracle solves every string, a model that forgets
// the first branch symbol solves none.

import test from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/tensor/random.js';
import { IGNORE } from '../../src/tasks/task_spec.js';
import { REBER_SYMBOLS, embeddedReber, reberBatch, reberSolved } from '../../src/tasks/reber.js';

/** The symbols allowed after reading `prefix` of an embedded Reber string, or null if it is invalid. */
function allowedAfter(prefix: string): string | null {
  if (prefix === '') return 'B';
  if (prefix === 'B') return 'TP';
  const branch = prefix[1];
  if (branch !== 'T' && branch !== 'P') return null;
  // The inner Reber string, read with a state machine.
  let state = 'start';
  for (let i = 2; i < prefix.length; i++) {
    const c = prefix[i];
    switch (state) {
      case 'start': state = c === 'B' ? 'a' : 'bad'; break;
      case 'a': state = c === 'T' ? 'b' : c === 'P' ? 'c' : 'bad'; break;
      case 'b': state = c === 'S' ? 'b' : c === 'X' ? 'd' : 'bad'; break;
      case 'c': state = c === 'T' ? 'c' : c === 'V' ? 'e' : 'bad'; break;
      case 'd': state = c === 'X' ? 'c' : c === 'S' ? 'f' : 'bad'; break;
      case 'e': state = c === 'P' ? 'd' : c === 'V' ? 'f' : 'bad'; break;
      case 'f': state = c === 'E' ? 'inner-done' : 'bad'; break;
      case 'inner-done': state = c === branch ? 'branch-done' : 'bad'; break;
      case 'branch-done': state = c === 'E' ? 'accept' : 'bad'; break;
      default: state = 'bad';
    }
    if (state === 'bad') return null;
  }
  const next: Record<string, string> = {
    start: 'B', a: 'TP', b: 'SX', c: 'TV', d: 'XS', e: 'PV', f: 'E', 'inner-done': branch, 'branch-done': 'E', accept: '',
  };
  return next[state];
}

function accepts(s: string): boolean {
  return allowedAfter(s) === '';
}

function maskOf(symbols: string): number {
  return [...symbols].reduce((m, c) => m | (1 << REBER_SYMBOLS.indexOf(c)), 0);
}

test('embedded Reber strings are accepted by a hand-written automaton, with the right next-symbol sets', () => {
  const rng = new Rng(11);
  const lengths = new Set<number>();
  let tBranch = 0;
  for (let i = 0; i < 2000; i++) {
    const s = embeddedReber(rng);
    assert.ok(accepts(s.text), s.text);
    assert.equal(s.next.length, s.text.length - 1);
    for (let t = 0; t < s.text.length - 1; t++) {
      const allowed = allowedAfter(s.text.slice(0, t + 1));
      assert.equal(s.next[t], maskOf(allowed ?? ''), `${s.text} at ${t}`);
    }
    lengths.add(s.text.length);
    if (s.text[1] === 'T') tBranch++;
  }
  assert.ok(Math.min(...lengths) === 9, `shortest ${Math.min(...lengths)}`); // BTBTXSETE
  assert.ok(lengths.size > 8);
  assert.ok(tBranch > 900 && tBranch < 1100);
  // The acceptor is not a rubber stamp.
  // Wrong final branch, cut short, inner strings off the grammar, no leading B.
  for (const bad of ['BTBTXSEPE', 'BPBTXSEP', 'BTBTXXETE', 'BTBPVETE', 'TBTXSETE']) assert.ok(!accepts(bad), bad);
  assert.ok(accepts('BPBPVVEPE'));
});

test('Reber batches: one-hot inputs, next-symbol targets, padding ignored', () => {
  const B = 5, batch = reberBatch(new Rng(2), B, 30);
  assert.equal(batch.T, 30);
  batch.strings.forEach((s, b) => {
    for (let t = 0; t < batch.T; t++) {
      const row = Array.from(batch.inputs.subarray((t * B + b) * 7, (t * B + b + 1) * 7));
      if (t < s.text.length - 1) {
        assert.deepEqual(row, [...REBER_SYMBOLS].map((c) => (c === s.text[t] ? 1 : 0)));
        assert.equal(batch.targets[t * B + b], REBER_SYMBOLS.indexOf(s.text[t + 1]));
      } else {
        assert.deepEqual(row, [0, 0, 0, 0, 0, 0, 0]);
        assert.equal(batch.targets[t * B + b], IGNORE);
      }
    }
  });
});

test('solved: an oracle solves every string; forgetting the branch solves none', () => {
  const B = 50, batch = reberBatch(new Rng(3), B);
  const oracle = new Float32Array(batch.T * B * 7), forgetful = new Float32Array(batch.T * B * 7);
  batch.strings.forEach((s, b) => {
    for (let t = 0; t < s.text.length - 1; t++) {
      const allowed = allowedAfter(s.text.slice(0, t + 1))!;
      // Logits 0 for allowed symbols, −20 for the rest: equal probability among the allowed.
      const guess = t === s.text.length - 2 ? 'TP' : allowed;
      for (let k = 0; k < 7; k++) {
        oracle[(t * B + b) * 7 + k] = allowed.includes(REBER_SYMBOLS[k]) ? 0 : -20;
        forgetful[(t * B + b) * 7 + k] = guess.includes(REBER_SYMBOLS[k]) ? 0 : -20;
      }
    }
  });
  assert.equal(reberSolved(oracle, batch), 1);
  assert.equal(reberSolved(forgetful, batch), 0);
});
