// Printer for bracketed trees, the inverse of ./parse.ts: parseTree(treeToString(t)) rebuilds t.

import type { Tree } from './tree.js';

function checkToken(s: string, what: string): string {
  if (s.length === 0 || /[\s()]/.test(s)) {
    throw new Error(`treeToString: expected a ${what} without spaces or parentheses, got '${s}'`);
  }
  return s;
}

/**
 * `(label child …)` for inner nodes, `(label word)` for labelled leaves and the bare word for
 * unlabelled ones, separated by single spaces. Inner nodes with a word of their own and unlabelled
 * leaves standing alone under an unlabelled one-child node have no bracketed form and throw.
 */
export function treeToString(t: Tree): string {
  const parts: string[] = [];
  // Iterative: [node, next child index]; deep trees must not overflow the stack.
  const stack: [Tree, number][] = [[t, -1]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [n, i] = top;
    if (n.children.length === 0) {
      if (n.word === null) throw new Error('treeToString: expected a word on every leaf, got a leaf without one');
      const w = checkToken(n.word, 'word');
      parts.push(n.label === null ? w : `(${checkToken(n.label, 'label')} ${w})`);
      stack.pop();
      continue;
    }
    if (i === -1) {
      if (n.word !== null) throw new Error(`treeToString: an inner node with a word of its own ('${n.word}') has no bracketed form`);
      if (n.label === null && n.children.length === 1 && n.children[0].children.length === 0 && n.children[0].label === null) {
        throw new Error(`treeToString: an unlabelled node whose only child is the bare word '${n.children[0].word}' has no bracketed form`);
      }
      parts.push(n.label === null ? '(' : `(${checkToken(n.label, 'label')} `);
      top[1] = 0;
      continue;
    }
    if (i < n.children.length) {
      if (i > 0) parts.push(' ');
      top[1]++;
      stack.push([n.children[i], -1]);
    } else {
      parts.push(')');
      stack.pop();
    }
  }
  return parts.join('');
}
