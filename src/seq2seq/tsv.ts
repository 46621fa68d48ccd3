// Reading training pairs from TSV text: one pair per line, the source, a TAB, the target. Blank
// lines are skipped; anything else that is not exactly two non-empty fields is an error naming the
// line and what was expected. Lines may end in \n or \r\n; a UTF-8 byte-order mark is ignored.

import type { TextPair } from './pairs.js';

/** Longest source or target accepted, in characters: longer lines are almost surely not pairs. */
export const MAX_PAIR_CHARS = 1000;

/** A malformed pairs file: the message names the line. */
export class PairsFormatError extends Error {
  override readonly name = 'PairsFormatError';
}

/** Parses TSV text into pairs. `name` (a file name) prefixes the errors. */
export function parsePairs(text: string, name = 'pairs'): TextPair[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const pairs: TextPair[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line.trim() === '') continue;
    const at = `${name}:${i + 1}`;
    const fields = line.split('\t');
    if (fields.length !== 2) {
      const got = fields.length === 1 ? 'no TAB' : `${fields.length - 1} TABs`;
      throw new PairsFormatError(`${at}: expected source<TAB>target (exactly one TAB), got ${got} in ${JSON.stringify(line.slice(0, 60))}`);
    }
    const [source, target] = fields;
    if (source.length === 0) throw new PairsFormatError(`${at}: expected a non-empty source before the TAB, got an empty one`);
    if (target.length === 0) throw new PairsFormatError(`${at}: expected a non-empty target after the TAB, got an empty one`);
    for (const [what, s] of [['source', source], ['target', target]] as const) {
      const n = [...s].length;
      if (n > MAX_PAIR_CHARS) throw new PairsFormatError(`${at}: expected a ${what} of at most ${MAX_PAIR_CHARS} characters, got ${n}`);
    }
    pairs.push({ source, target });
  }
  if (pairs.length === 0) throw new PairsFormatError(`${name}: expected at least one source<TAB>target line, got none`);
  return pairs;
}
