// Corpus bytes to corpus text (browser-safe: a file read from disk or dropped into a web page). A
// training corpus must be UTF-8 text: a model trained on a binary file, or on a UTF-16 file read as
// UTF-8, learns garbage silently, so those are refused with the first offending byte offset before
// prepareCorpus normalises the text.

import { prepareCorpus, type PrepareCorpusOptions } from './corpus.js';

/**
 * Offset of the first byte that breaks UTF-8 (a stray continuation byte, a truncated or overlong
 * sequence, an encoded surrogate, or a value above U+10FFFF), or -1 when `bytes` is valid UTF-8.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) { i++; continue; }
    let need: number, min: number, cp: number;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; cp = b & 0x1f; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; cp = b & 0x0f; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; cp = b & 0x07; }
    else return i;
    if (i + need >= bytes.length) return i; // truncated at the end of the input
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/**
 * Decodes corpus bytes and prepares the text (see prepareCorpus). Throws, naming `label` (a path
 * or file name), on NUL bytes (a binary file), invalid UTF-8, or an empty or too-short corpus.
 */
export function corpusFromBytes(bytes: Uint8Array, options: PrepareCorpusOptions = {}, label = 'corpus'): string {
  const nul = bytes.indexOf(0);
  if (nul !== -1) throw new Error(`${label} looks like a binary file (NUL byte at offset ${nul}); expected UTF-8 text`);
  const bad = firstInvalidUtf8(bytes);
  if (bad !== -1) throw new Error(`${label} is not valid UTF-8 (byte 0x${bytes[bad].toString(16).padStart(2, '0')} at offset ${bad}); expected UTF-8 text`);
  // ignoreBOM keeps a BOM in the string so that prepareCorpus is the one place that strips it.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  try {
    return prepareCorpus(text, options);
  } catch (err) {
    throw new Error(`${label}: ${(err as Error).message}`, { cause: err });
  }
}
