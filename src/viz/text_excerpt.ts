// Which part of a text a report analyses: a window of whole lines from the end (the validation
// part of a corpus, by the project's convention of a contiguous 90/10 split).

/** The last `maxChars` characters (code points) of `text`, starting at a line start when one is near. */
export function tailExcerpt(text: string, maxChars: number): string {
  const chars = Array.from(text);
  if (chars.length <= maxChars) return text;
  const tail = chars.slice(chars.length - maxChars);
  const nl = tail.indexOf('\n');
  return (nl >= 0 && nl < maxChars / 4 && nl + 1 < tail.length ? tail.slice(nl + 1) : tail).join('');
}
