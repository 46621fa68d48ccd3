// Simple per-character features of a text, the ones interpretable cells are known to track
// (Karpathy et al. 2015): inside a quotation, inside brackets, position in the line, line start.
// Index t is the t-th code point; each feature describes the state after reading character t, the
// same moment the hidden state h_t describes.

export interface TextFeatures {
  /** 1 from an opening quote up to (not including) its closing quote. */
  insideQuotes: Float64Array;
  /** 1 while at least one ( [ { is open, the opening bracket included, the closing one not. */
  insideBrackets: Float64Array;
  /** Column of the character in its line (0 for the first character of a line). */
  positionInLine: Float64Array;
  /** 1 for the first character of a line (the text's first character included). */
  afterNewline: Float64Array;
}

export const FEATURE_LABELS: Readonly<Record<keyof TextFeatures, string>> = {
  insideQuotes: 'inside quotes', insideBrackets: 'inside brackets', positionInLine: 'position in line', afterNewline: 'after a newline',
};

/**
 * Features of `text` (code points). Quotes are ", ' and `: any opens a quotation when none is open,
 * only the same character closes it, and a newline ends a ' or " quotation (so a stray apostrophe
 * in prose lasts at most to the end of its line).
 */
export function textFeatures(text: string): TextFeatures {
  const chars = Array.from(text);
  const T = chars.length;
  const f: TextFeatures = {
    insideQuotes: new Float64Array(T), insideBrackets: new Float64Array(T),
    positionInLine: new Float64Array(T), afterNewline: new Float64Array(T),
  };
  let quote: string | null = null, depth = 0, col = 0;
  for (let t = 0; t < T; t++) {
    const ch = chars[t];
    f.afterNewline[t] = t === 0 || chars[t - 1] === '\n' ? 1 : 0;
    if (f.afterNewline[t]) col = 0;
    f.positionInLine[t] = col++;
    if (quote === null) {
      if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    } else if (ch === quote || (ch === '\n' && quote !== '`')) {
      quote = null;
    }
    f.insideQuotes[t] = quote === null ? 0 : 1;
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if ((ch === ')' || ch === ']' || ch === '}') && depth > 0) depth--;
    f.insideBrackets[t] = depth > 0 ? 1 : 0;
  }
  return f;
}
