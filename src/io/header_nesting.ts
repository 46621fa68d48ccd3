// Two things JSON.parse cannot tell about a safetensors header, checked on its text: how deeply it
// nests, and whether a key repeats. A header is at most three levels deep (the top object, a
// tensor's or the metadata's object, a shape or offsets list), so anything deeper is refused here,
// before any message tries to show it (a 10 KB `[[[[…]]]]` shape overflowed the stack of the code
// that printed it). And JSON.parse keeps the last of two equal keys, so a header naming a tensor
// (or a field, or a metadata key) twice would silently lose one; such a header is refused too.
// The scan is a loop over the characters with an explicit stack: no recursion, whatever the input.

import { shortJson } from '../tensor/describe_value.js';

/** How many levels of objects and arrays a valid header has: top object, entry, list. */
export const MAX_HEADER_DEPTH = 3;

interface Level {
  readonly keys: Set<string> | null; // an object's keys so far; null for an array
  expectKey: boolean;
  readonly owner: string; // the key this object or array is the value of, for messages
}

/**
 * Throws `fail(message)` when the header text `json` (already known to be valid JSON) nests more
 * than MAX_HEADER_DEPTH levels or repeats a key within one object.
 */
export function checkHeaderNesting(json: string, fail: (message: string) => Error): void {
  const stack: Level[] = [];
  let lastKey = '';
  for (let i = 0; i < json.length; i++) {
    const ch = json.charCodeAt(i);
    if (ch === 0x22) { // '"': a string, maybe a key
      const end = stringEnd(json, i);
      const top = stack[stack.length - 1];
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(json.slice(i, end + 1)) as string; // decodes escapes: "\u0061" is "a"
        if (top.keys.has(key)) {
          const where = stack.length === 1 ? 'the header' : `${shortJson(top.owner)} in the header`;
          throw fail(`expected each key once in ${where}, got ${shortJson(key)} twice`);
        }
        top.keys.add(key);
        top.expectKey = false;
        lastKey = key;
      }
      i = end;
    } else if (ch === 0x7b || ch === 0x5b) { // '{' or '['
      if (stack.length === MAX_HEADER_DEPTH) {
        throw fail(`expected a header nested at most ${MAX_HEADER_DEPTH} levels deep (tensor, field, list), got deeper nesting at byte ${i} of the header`);
      }
      stack.push({ keys: ch === 0x7b ? new Set() : null, expectKey: ch === 0x7b, owner: lastKey });
    } else if (ch === 0x7d || ch === 0x5d) { // '}' or ']'
      stack.pop();
    } else if (ch === 0x2c) { // ','
      const top = stack[stack.length - 1];
      if (top?.keys) top.expectKey = true;
    }
  }
}

// Index of the closing quote of the string that opens at `start`.
function stringEnd(json: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const q = json.indexOf('"', i);
    if (q < 0) return json.length - 1; // not reached for valid JSON
    let backslashes = 0;
    for (let j = q - 1; j > start && json.charCodeAt(j) === 0x5c; j--) backslashes++;
    if (backslashes % 2 === 0) return q;
    i = q + 1;
  }
}
